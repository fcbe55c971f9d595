#include "models/JsonDiffModel.h"

#include "models/ShadowStateModel.h"

#include <algorithm>

namespace thingdeck {

struct JsonDiffModel::Node
{
    QString key;
    QStringList path;
    QJsonValue left;
    QJsonValue right;
    Kind kind = Kind::Unchanged;
    bool containsChanges = false;
    Node *parent = nullptr;
    int row = 0;
    std::vector<std::unique_ptr<Node>> children;
};

JsonDiffModel::JsonDiffModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<Node>())
{}

JsonDiffModel::~JsonDiffModel() = default;

void JsonDiffModel::setDocuments(const QJsonObject &left, const QString &leftTitle,
                                 const QJsonObject &right, const QString &rightTitle)
{
    beginResetModel();
    m_leftTitle = leftTitle;
    m_rightTitle = rightTitle;
    m_changes = diffJson(left, right);
    m_root = std::make_unique<Node>();
    build(m_root.get(), left, right);
    endResetModel();
    emit headerDataChanged(Qt::Horizontal, LeftColumn, RightColumn);
}

void JsonDiffModel::build(Node *node, const QJsonValue &left, const QJsonValue &right)
{
    QStringList keys = left.toObject().keys() + right.toObject().keys();
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const QString &key : std::as_const(keys)) {
        auto child = std::make_unique<Node>();
        child->key = key;
        child->path = node->path + QStringList{key};
        child->left = left.isObject() ? left.toObject().value(key) : QJsonValue::Undefined;
        child->right = right.isObject() ? right.toObject().value(key) : QJsonValue::Undefined;
        child->parent = node;
        child->row = int(node->children.size());
        if (child->left.isUndefined())
            child->kind = Kind::Added;
        else if (child->right.isUndefined())
            child->kind = Kind::Removed;
        else if (!(child->left.isObject() && child->right.isObject()) &&
                 child->left != child->right)
            child->kind = Kind::Changed;
        if (child->left.isObject() || child->right.isObject())
            build(child.get(), child->left, child->right);
        const bool changedHere = child->kind != Kind::Unchanged || child->containsChanges;
        node->containsChanges = node->containsChanges || changedHere;
        node->children.push_back(std::move(child));
    }
}

JsonDiffModel::Node *JsonDiffModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

QModelIndex JsonDiffModel::indexForPath(const QStringList &path) const
{
    const Node *node = m_root.get();
    for (const QString &key : path) {
        const auto it = std::find_if(node->children.begin(), node->children.end(),
                                     [&](const auto &child) { return child->key == key; });
        if (it == node->children.end())
            return {};
        node = it->get();
    }
    return node == m_root.get() ? QModelIndex()
                                : createIndex(node->row, 0, const_cast<Node *>(node));
}

QModelIndex JsonDiffModel::index(int row, int column, const QModelIndex &parent) const
{
    const Node *node = nodeOf(parent);
    if (row < 0 || row >= int(node->children.size()) || column < 0 || column >= ColumnCount ||
        (parent.isValid() && parent.column() != 0))
        return {};
    return createIndex(row, column, node->children[size_t(row)].get());
}

QModelIndex JsonDiffModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const Node *node = nodeOf(child);
    if (!node->parent || node->parent == m_root.get())
        return {};
    return createIndex(node->parent->row, 0, node->parent);
}

int JsonDiffModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int JsonDiffModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant JsonDiffModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const Node *node = nodeOf(index);
    switch (role) {
    case KindRole:
        return int(node->kind);
    case ContainsChangesRole:
        return node->containsChanges;
    case PathRole:
        return node->path;
    case Qt::DisplayRole: {
        if (index.column() == KeyColumn)
            return node->key;
        const QJsonValue value = index.column() == LeftColumn ? node->left : node->right;
        if (value.isObject() && !node->children.empty())
            return QString();
        return ShadowStateModel::valueText(value);
    }
    case Qt::ToolTipRole:
        switch (node->kind) {
        case Kind::Changed:
            return tr("changed: %1 → %2")
                .arg(ShadowStateModel::valueText(node->left),
                     ShadowStateModel::valueText(node->right));
        case Kind::Added:
            return tr("only in %1").arg(m_rightTitle);
        case Kind::Removed:
            return tr("only in %1").arg(m_leftTitle);
        case Kind::Unchanged:
            return node->containsChanges ? tr("differences inside") : QVariant();
        }
        return {};
    default:
        return {};
    }
}

QVariant JsonDiffModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KeyColumn:
        return tr("Key");
    case LeftColumn:
        return m_leftTitle;
    case RightColumn:
        return m_rightTitle;
    }
    return {};
}

} // namespace thingdeck
