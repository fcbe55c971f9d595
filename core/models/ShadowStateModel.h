#pragma once

#include "iot/ShadowDocument.h"
#include "iot/ShadowSection.h"

#include <QAbstractItemModel>
#include <QJsonObject>
#include <QStringList>

#include <functional>
#include <memory>
#include <vector>

namespace thingdeck {

/// One shadow document as one tree: Key | Desired | Reported | Updated. Rows are the union of the
/// desired and reported keys, sorted; a key holding an object on either side has the union of
/// both sides' keys as children; arrays and scalars are leaves shown as compact JSON (strings
/// with their quotes, so "21" and 21 differ). Updated is the newest metadata timestamp under the
/// key, relative ("12 s ago"), with the exact time and side as tooltip.
///
/// It is also the form way of editing: the editable section (desired, or reported for testing
/// devices) holds an edited copy; leaves of its column are edited in place (the text is parsed
/// as JSON, else taken as a string), keys are added and removed. Edited values carry
/// EditedRole, removed keys RemovedRole (their old value still shown), keys in the delta
/// InDeltaRole; the view styles them (core has no fonts).
class ShadowStateModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { KeyColumn, DesiredColumn, ReportedColumn, UpdatedColumn, ColumnCount };
    enum Role {
        InDeltaRole = Qt::UserRole + 1, ///< bool: the key (or something under it) is in delta()
        EditedRole,                     ///< bool: the edited section differs here
        PathRole,                       ///< QStringList: the key path
        ValueRole,                      ///< QJsonValue of the cell (Undefined when absent)
        RemovedRole, ///< bool: the edit removes this key (the view strikes it out)
    };

    explicit ShadowStateModel(QObject *parent = nullptr);
    ~ShadowStateModel() override;

    /// A new document: one reset. The edited section becomes the document's section unless
    /// `keepEdit` (then the edit stays and the other columns update).
    void setDocument(const ShadowDocument &document, bool keepEdit = false);
    ShadowDocument document() const { return m_document; }
    void setEditableSection(ShadowSection section);
    ShadowSection editableSection() const { return m_section; }
    QJsonObject editedSection() const { return m_edited; }
    /// Replaces the edited section (e.g. from the JSON text), keeping rows where it can.
    void setEditedSection(const QJsonObject &section);
    /// Adds `key` with `value` under `parent` (invalid: top level) in the edited section; false
    /// when the key is empty or exists there, or `parent` is not an object there.
    bool addKey(const QModelIndex &parent, const QString &key, const QJsonValue &value);
    /// Removes the key at `index` from the edited section (sent as null on apply).
    bool removeKey(const QModelIndex &index);
    /// The clock for relative times, epoch seconds; the system clock by default.
    void setNow(std::function<qint64()> now);
    /// Re-renders the Updated column (the view calls it every few seconds).
    void refreshTimes();
    QModelIndex indexForPath(const QStringList &path, int column = KeyColumn) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// The text of a value as shown: compact JSON, nothing for an absent value.
    static QString valueText(const QJsonValue &value);
    /// A value as typed into a cell: JSON when it is (21, true, "x", [1], {"a":1}), else the
    /// text as a string.
    static QJsonValue parseValueText(const QString &text);
    /// "5 s ago", "3 min ago", "2 h ago", "5 d ago".
    static QString relativeText(qint64 seconds);

Q_SIGNALS:
    void editedSectionChanged(const QJsonObject &section);

private:
    struct Node;

    void rebuild();
    void buildChildren(Node *node);
    Node *nodeOf(const QModelIndex &index) const;
    QModelIndex indexOf(const Node *node, int column) const;
    QJsonObject shownSection(ShadowSection section) const;
    QJsonValue cell(const Node *node, int column) const;
    int editableColumn() const;
    bool structureMatches(const QJsonObject &edited) const;
    void setEdited(QJsonObject edited);

    ShadowDocument m_document;
    ShadowSection m_section = ShadowSection::Desired;
    QJsonObject m_edited;
    QJsonObject m_delta;
    std::function<qint64()> m_now;
    std::unique_ptr<Node> m_root;
};

} // namespace thingdeck
