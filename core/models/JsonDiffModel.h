#pragma once

#include "iot/JsonDiff.h"

#include <QAbstractItemModel>
#include <QJsonObject>

#include <memory>
#include <vector>

namespace thingdeck {

/// Two JSON documents side by side as one tree: Key | left | right. Rows are the union of the
/// keys, objects as children; arrays and scalars as compact JSON. Each row has a kind
/// (unchanged, changed, added on the right, removed from the left), and an object row holding
/// any difference says so (ContainsChangesRole) so that a view can expand just those paths.
class JsonDiffModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { KeyColumn, LeftColumn, RightColumn, ColumnCount };
    enum Role { KindRole = Qt::UserRole + 1, ContainsChangesRole, PathRole };
    enum class Kind { Unchanged, Changed, Added, Removed };

    explicit JsonDiffModel(QObject *parent = nullptr);
    ~JsonDiffModel() override;

    /// Replaces both sides (one reset).
    void setDocuments(const QJsonObject &left, const QString &leftTitle, const QJsonObject &right,
                      const QString &rightTitle);
    /// The differences shown: diffJson(left, right).
    QList<JsonChange> changes() const { return m_changes; }
    /// The row at `path` (column 0), or invalid.
    QModelIndex indexForPath(const QStringList &path) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Node;

    void build(Node *node, const QJsonValue &left, const QJsonValue &right);
    Node *nodeOf(const QModelIndex &index) const;

    std::unique_ptr<Node> m_root;
    QList<JsonChange> m_changes;
    QString m_leftTitle;
    QString m_rightTitle;
};

} // namespace thingdeck
