#pragma once

#include "iot/ShadowDocument.h"
#include "iot/ShadowSection.h"

#include <QAbstractItemModel>
#include <QJsonObject>
#include <QJsonValue>
#include <QStringList>

#include <functional>
#include <memory>

namespace thingdeck {

/// One shadow document as one tree: Key | Desired | Reported | Updated. Rows are the union of the
/// desired and reported keys, sorted; a key holding an object on either side has the union of
/// both sides' keys as children; arrays and scalars are leaves shown as compact JSON (strings
/// with their quotes, so "21" and 21 differ). Updated is the newest metadata timestamp under the
/// key, relative ("12 s ago"), with the exact local time and its side as tooltip.
///
/// It is also the form way of editing: the editable section (desired, or reported for testing
/// devices) holds an edited copy; leaves of its column are edited in place (the text is parsed
/// as JSON, else taken as a string), keys are added and removed. Core has no QtGui, so there is
/// no FontRole: edited values carry EditedRole, removed keys RemovedRole (their old value still
/// shown), keys in the delta InDeltaRole, and the view's delegate sets italic, strike-out and
/// the tint from them.
class ShadowStateModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { KeyColumn, DesiredColumn, ReportedColumn, UpdatedColumn, ColumnCount };
    enum Role {
        InDeltaRole = Qt::UserRole + 1, ///< bool: the key (or something under it) is in delta()
        EditedRole,                     ///< bool: the edited section differs here from the document
        PathRole,                       ///< QStringList: the key path
        ValueRole,                      ///< QJsonValue of the cell (Undefined when absent)
        RemovedRole, ///< bool: the edit removes this key (the view strikes it out)
    };

    explicit ShadowStateModel(QObject *parent = nullptr);
    ~ShadowStateModel() override;
    Q_DISABLE_COPY_MOVE(ShadowStateModel)

    /// A new document (e.g. a newer version arrived): one model reset. The edited section becomes
    /// the document's section unless `keepEdit` (then the edit stays and the other columns
    /// update).
    void setDocument(const ShadowDocument &document, bool keepEdit = false);
    /// The document the edit is compared with.
    ShadowDocument document() const { return m_document; }
    /// Which section is edited in place; switching starts the edit afresh from the document.
    void setEditableSection(ShadowSection section);
    /// The section edited in place, desired by default.
    ShadowSection editableSection() const { return m_section; }
    /// The edited section (starts as the document's section).
    QJsonObject editedSection() const { return m_edited; }
    /// Replaces the edited section (e.g. from the JSON text editor) with row inserts, removals
    /// and dataChanged, so a view keeps its expansion. Does not emit editedSectionChanged: the
    /// caller already has the section.
    void setEditedSection(const QJsonObject &section);
    /// Adds `key` with `value` under `parent` (invalid: top level) in the edited section; false
    /// when the key is empty or exists there, or `parent` holds a non-object there.
    bool addKey(const QModelIndex &parent, const QString &key, const QJsonValue &value);
    /// Removes the key at `index` from the edited section (sent as null on apply); false when
    /// the edited section does not have it. The row stays while the document has the key.
    bool removeKey(const QModelIndex &index);
    /// The clock for relative times, epoch seconds; the system clock by default (for tests).
    void setNow(std::function<qint64()> now);
    /// Re-renders the relative times (the view calls it every few seconds): dataChanged on the
    /// Updated column only.
    void refreshTimes();
    /// The index of the key at `path` in `column`; invalid when there is no such row.
    QModelIndex indexForPath(const QStringList &path, int column = KeyColumn) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    /// In-place edit of a cell in the editable column (see parseValueText); false elsewhere.
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    /// Editable: leaves (and absent values) of the editable column whose parent is an object
    /// or absent in the edit.
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// The text of a value as shown: compact JSON, nothing for an absent value.
    static QString valueText(const QJsonValue &value);
    /// A value as typed into a cell: JSON when it is (21, true, null, "x", [1], {"a":1}), else
    /// the text as a string.
    static QJsonValue parseValueText(const QString &text);
    /// An age in seconds as "5 s ago", "3 min ago", "2 h ago", "5 d ago".
    static QString relativeText(qint64 seconds);

Q_SIGNALS:
    /// The user changed the edited section through the model (setData, addKey, removeKey).
    void editedSectionChanged(const QJsonObject &section);

private:
    struct Node;

    void rebuild();
    std::unique_ptr<Node> makeNode(Node *parent, const QString &key) const;
    void buildChildren(Node *node) const;
    QStringList childKeys(const QStringList &path) const;
    void syncChildren(Node *node);
    void insertChild(Node *node, int row, const QString &key);
    void removeChild(Node *node, int row);
    void touchColumns(Node *node, int first, int last, const QList<int> &roles);
    Node *nodeOf(const QModelIndex &index) const;
    QModelIndex indexOf(const Node *node, int column) const;
    QJsonObject documentSection() const;
    QJsonValue cell(const Node *node, int column) const;
    QJsonValue original(const Node *node) const;
    bool isEdited(const Node *node) const;
    bool isRemoved(const Node *node) const;
    int editableColumn() const;
    QVariant cellText(const Node *node, int column, int role) const;
    QString updatedText(const Node *node) const;
    QString updatedToolTip(const Node *node) const;
    QString toolTip(const Node *node, int column) const;
    void edit(const QJsonObject &edited);

    ShadowDocument m_document;
    ShadowSection m_section = ShadowSection::Desired;
    QJsonObject m_edited;
    QJsonObject m_delta;
    std::function<qint64()> m_now;
    std::unique_ptr<Node> m_root;
};

} // namespace thingdeck
