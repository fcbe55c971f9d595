#pragma once

#include "iot/JsonDiff.h"

#include <QAbstractItemModel>
#include <QJsonObject>
#include <QJsonValue>

#include <memory>
#include <vector>

namespace thingdeck {

/// Two JSON documents side by side as one tree (e.g. two versions of a shadow document, or an
/// edit against the server's newer document): Key | left | right. Rows are the union of the
/// keys, sorted, with nested objects as children; arrays and scalars show as compact JSON.
/// Each row has a Kind, and an object row holding any difference says so
/// (ContainsChangesRole) so that a view can expand just those paths. Colours are the view's.
class JsonDiffModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column { KeyColumn, LeftColumn, RightColumn, ColumnCount };
    /// KindRole: int of Kind; ContainsChangesRole: bool; PathRole: the row's keys (QStringList).
    enum Role { KindRole = Qt::UserRole + 1, ContainsChangesRole, PathRole };
    /// How a row differs: Added is only on the right, Removed only on the left. An object on
    /// both sides is Unchanged itself; its rows say what changed inside.
    enum class Kind { Unchanged, Changed, Added, Removed };

    explicit JsonDiffModel(QObject *parent = nullptr);
    ~JsonDiffModel() override;
    Q_DISABLE_COPY_MOVE(JsonDiffModel)

    /// Replaces both sides (one model reset).
    void setDocuments(const QJsonObject &left, const QString &leftTitle, const QJsonObject &right,
                      const QString &rightTitle);
    /// The differences shown (diffJson(left, right)).
    QList<JsonChange> changes() const { return m_changes; }
    /// Index of the row at `path` in column 0, or invalid.
    QModelIndex indexForPath(const QStringList &path) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    /// Key and the two titles given to setDocuments().
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Node;

    void buildChildren(Node *node);
    Node *nodeOf(const QModelIndex &index) const;
    static QString displayText(const Node *node, int column);
    QString toolTip(const Node *node, int column) const;
    QString kindText(const Node *node) const;

    std::unique_ptr<Node> m_root;
    QList<JsonChange> m_changes;
    QString m_leftTitle;
    QString m_rightTitle;
};

} // namespace thingdeck
