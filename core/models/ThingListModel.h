#pragma once

#include "iot/IotError.h"
#include "iot/ThingPage.h"
#include "iot/ThingQuery.h"
#include "iot/ThingSummary.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

#include <optional>

namespace thingdeck {

class RegistryClient;

/// The thing browser's table: one row per thing of a ListThings listing, in AWS's order.
///
/// Pages with canFetchMore()/fetchMore() (ThingQuery::kMaxResults things per page unless the
/// query names a size), one request in flight at any time, one beginInsertRows per page.
/// loadAll() pages to the end with progress and can be cancelled. setQuery() starts a new
/// listing with server-side filters; refresh() lists again and merges the answer into the rows
/// in place (dataChanged / insert / remove), so that a view keeps its selection.
///
/// Rows keep the raw ThingSummary; display strings are made in data(). Each row also holds a
/// lowercased search text ("name\ntype\nvalues") made once when the row arrives, which
/// ThingFilterModel reads directly (searchTextAt()) to filter 100,000 rows per keystroke.
class ThingListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, TypeColumn, AttributesColumn, VersionColumn, ColumnCount };
    Q_ENUM(Column)

    enum Role {
        ThingNameRole = Qt::UserRole + 1, ///< QString, in every column
        /// The column's raw value: name, type, "k=v, k=v" (all attributes), version (qint64).
        SortRole,
        SearchTextRole, ///< QString, lowercased "name\ntype\nvalue\nvalue…", in every column
    };
    Q_ENUM(Role)

    /// Display strings of the attributes column stop (with an ellipsis) beyond this length.
    static constexpr int kAttributesDisplayLength = 60;

    /// `registry` may be null: the model is then empty and never fetches. It must otherwise
    /// outlive the model.
    explicit ThingListModel(RegistryClient *registry, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent = {}) const override;
    void fetchMore(const QModelIndex &parent = {}) override;

    ThingQuery query() const { return m_query; }
    /// Starts a new listing with this query from its first page (one model reset). Stops a
    /// loadAll() in progress (loadAllFinished(true)) and drops any answer still on its way.
    void setQuery(const ThingQuery &query);

    /// Fetches every remaining page: loadAllProgress() after each, then loadAllFinished().
    /// A failed page pauses it (errorOccurred); retry() resumes it.
    void loadAll();
    /// Stops loadAll() after the page in flight (whose rows are still added).
    void cancelLoadAll();
    bool isLoadingAll() const { return m_loadingAll; }

    /// Lists again from the first page up to at least the rows loaded now (every page if the
    /// listing had reached its end) and merges the answer into the rows: changed things are
    /// updated in place, new ones inserted, vanished ones removed. Emits refreshed() at the end.
    void refresh();
    bool isRefreshing() const { return m_refresh.has_value(); }

    /// Whether a page is asked for and not yet answered.
    bool isLoading() const { return m_loading; }
    /// Whether the listing has pages not fetched yet.
    bool hasMore() const { return m_hasMore; }
    int pagesLoaded() const { return m_pages; }
    /// The last failure, until retry(), setQuery(), refresh() or clear().
    const std::optional<IotError> &lastError() const { return m_error; }
    /// Asks again for the page that failed.
    void retry();

    /// The thing in `row`, which must be valid.
    const ThingSummary &thingAt(int row) const { return m_rows.at(row).thing; }
    /// The lowercased search text of `row`, which must be valid (see SearchTextRole).
    const QString &searchTextAt(int row) const { return m_rows.at(row).searchText; }
    /// Changes whenever a row is added, removed or changed: caches over the rows compare it.
    quint64 revision() const { return m_revision; }
    /// The row of the thing with this name, or -1.
    int rowOfThing(const QString &name) const { return m_rowOfName.value(name, -1); }
    /// Replaces the row of a thing with the same name (after an edit), in place; ignored when
    /// the thing has no row.
    void updateThing(const ThingSummary &thing);
    /// Appends things as rows, with one beginInsertRows; the paging uses it too.
    void appendThings(const QList<ThingSummary> &things);
    /// Removes every row and stops listing until setQuery() or refresh().
    void clear();

    /// "colour=red, floor=3", cut with an ellipsis beyond kAttributesDisplayLength.
    static QString shortAttributes(const QMap<QString, QString> &attributes);
    /// Every attribute as "name=value", one per line.
    static QString attributesToolTip(const QMap<QString, QString> &attributes);
    /// What SearchTextRole holds for `thing`.
    static QString searchText(const ThingSummary &thing);

Q_SIGNALS:
    void loadingChanged(bool loading);
    void errorOccurred(const thingdeck::IotError &error);
    void loadAllProgress(int thingsLoaded, int pages);
    void loadAllFinished(bool cancelled);
    void refreshed();

private:
    struct Row
    {
        ThingSummary thing;
        QString searchText;
    };
    struct Refresh
    {
        QList<ThingSummary> things;
        int target = 0; ///< rows to list at least; INT_MAX for all
    };

    void restart();
    void requestPage();
    void sendIfIdle();
    void onPage(quint64 generation, const Result<ThingPage, IotError> &result);
    void takePage(const ThingPage &page);
    void continueRefresh();
    void continueLoadAll();
    void stopLoadAll(bool cancelled);
    void setLoading(bool loading);
    void finishRefresh();
    void mergeRows(const QList<ThingSummary> &things);
    void removeRowsNotIn(const QList<ThingSummary> &things);
    void removeRowRange(int first, int last);
    bool keptRowsInOrder(const QList<ThingSummary> &things) const;
    void replaceRows(const QList<ThingSummary> &things);
    void setRow(int row, const ThingSummary &thing);
    void rebuildIndex();
    static QVariant displayData(const ThingSummary &thing, int column);
    QVariant sortData(const ThingSummary &thing, int column) const;

    RegistryClient *m_registry;
    ThingQuery m_query;
    QList<Row> m_rows;
    QHash<QString, int> m_rowOfName;
    QString m_nextToken;
    quint64 m_generation = 0; ///< answers to an older listing are dropped
    quint64 m_revision = 0;
    int m_pages = 0;
    bool m_hasMore = false;
    bool m_loading = false;  ///< a page of the current listing is wanted or in flight
    bool m_wantPage = false; ///< waiting for the request in flight (an older one) to end
    bool m_inFlight = false; ///< a request is on its way, for any listing
    quint64 m_inFlightGeneration = 0;
    bool m_loadingAll = false;
    std::optional<IotError> m_error;
    std::optional<Refresh> m_refresh;
};

} // namespace thingdeck
