#pragma once

#include <QAbstractProxyModel>
#include <QList>
#include <QMetaObject>
#include <QPersistentModelIndex>
#include <QString>

#include <utility>
#include <vector>

namespace thingdeck {

class ThingListModel;

/// Filter-as-you-type and sorting over a ThingListModel: keeps the things whose name, type or
/// an attribute value contains the filter text (case-insensitive), and sorts every column on
/// its raw value (names, types and attributes case-insensitively, the version as a number;
/// ties in source order; descending is the exact reverse of ascending). A flat table.
///
/// It keeps every source row in the order of the sort column (sorted once per sort change,
/// new rows sorted alone and merged in), a match flag per row for the filter text, and the
/// visible rows as that order filtered by the flags. A keystroke therefore never sorts: it
/// tests the rows' precomputed search texts — only the rows shown for a shorter text it
/// contains, or none at all for a text typed a moment ago (the flags of recent texts are
/// kept) — and walks the order once. QSortFilterProxyModel re-sorts every accepted row on each
/// invalidate (measured over 100,000 things sorted by name: p99 75–135 ms per keystroke,
/// against under 10 ms here; see bench/bench_thingfilter).
///
/// A filter or sort change is one layout change (persistent indexes follow their rows, or go
/// invalid when their row is filtered out). Source changes become one row insertion or removal
/// when the visible rows allow, a layout change otherwise; a changed row is re-placed.
/// Over a ThingListModel it reads thingAt() and searchTextAt() directly; over any other model
/// it reads ThingListModel::SearchTextRole (column 0) and ThingListModel::SortRole.
class ThingFilterModel : public QAbstractProxyModel
{
    Q_OBJECT
public:
    explicit ThingFilterModel(QObject *parent = nullptr);

    void setSourceModel(QAbstractItemModel *sourceModel) override;
    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex &sourceIndex) const override;
    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    QModelIndex sibling(int row, int column, const QModelIndex &index) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    bool hasChildren(const QModelIndex &parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    /// Sorts on `column` (-1: source order), as a view's header asks.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    QString filterText() const { return m_text; }
    /// Keeps only things with this text in their name, type or an attribute value; empty
    /// keeps every thing.
    void setFilterText(const QString &text);

    /// (start, length) of each case-insensitive, non-overlapping occurrence of `filter` in
    /// `text`, for highlighting; empty when `filter` is.
    static QList<std::pair<int, int>> matchRanges(const QString &text, const QString &filter);

private:
    /// The sort key of a row: the number first (versions), then the case-folded text, whose
    /// first four UTF-16 units are also packed in `prefix` so that most comparisons of a sort
    /// are two integer comparisons.
    struct SortKey
    {
        qint64 number = 0;
        quint64 prefix = 0;
        QString text;
        bool operator==(const SortKey &other) const = default;
    };
    using Matches = std::vector<quint8>; ///< one flag per source row
    struct RecentFilter
    {
        QString needle;
        Matches matches;
    };

    void connectSource();
    void disconnectSource();
    void clearRows();
    void rebuildAll();
    bool isSorted() const;
    int sourceRowCount() const;
    QString readSearchText(int row) const;
    static SortKey textKey(QString text);
    SortKey readKey(int row) const;
    SortKey readKeyFromRole(int row) const;
    bool matchesNeedle(int row) const;
    bool rowLess(int left, int right) const;
    void rebuildOrder();
    void sortAllRows();
    void sortTexts(std::vector<int>::iterator first, std::vector<int>::iterator last,
                   qsizetype offset) const;
    void placeInOrder(std::vector<int> rows);
    void readRows(int first, int last);

    Matches matchesFor(const QString &needle);
    const Matches *narrowestBase(const QString &needle) const;
    void remember(const QString &needle, const Matches &matches);
    void forgetRecent();

    std::vector<int> visibleRows() const;
    void rebuildProxyRows();
    void applyVisible(std::vector<int> next);
    void relayout(std::vector<int> next, QAbstractItemModel::LayoutChangeHint hint);
    void emitDataChanged(int first, int last, int firstColumn, int lastColumn,
                         const QList<int> &roles);

    void onRowsInserted(const QModelIndex &parent, int first, int last);
    void onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last);
    void onRowsRemoved(const QModelIndex &parent, int first, int last);
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                       const QList<int> &roles);
    bool rowsKeepTheirPlace(int first, int last, const std::vector<SortKey> &oldKeys,
                            const Matches &oldMatches) const;
    void onSourceAboutToBeReset();
    void onSourceReset();
    void onSourceLayoutAboutToBeChanged();
    void onSourceLayoutChanged();
    void onSourceDestroyed();

    ThingListModel *m_things = nullptr; ///< the source, when it is a ThingListModel
    QList<QMetaObject::Connection> m_connections;
    QString m_text;
    QString m_needle; ///< m_text lowercased, as the search texts are
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;

    std::vector<QString> m_searchTexts; ///< per source row
    std::vector<SortKey> m_keys;        ///< per source row, for m_sortColumn; empty unsorted
    Matches m_matches;                  ///< per source row: its search text contains m_needle
    std::vector<int> m_order;           ///< every source row, ascending by (key, row)
    std::vector<int> m_visible;         ///< proxy row → source row
    std::vector<int> m_proxyRows;       ///< source row → proxy row, or -1
    /// The flags of recently typed texts (newest last): a backspace finds its answer here,
    /// and a longer text tests only the rows of the longest recent text it contains.
    std::vector<RecentFilter> m_recent;

    /// Persistent indexes held across a layout change of the source.
    QModelIndexList m_layoutFrom;
    QList<QPersistentModelIndex> m_layoutSources;
};

} // namespace thingdeck
