#include "models/JsonDiffModel.h"

#include <algorithm>

namespace thingdeck {

struct JsonDiffModel::Node
{
    QString key;
    QStringList path;
    QJsonValue left;  ///< Undefined when only on the right
    QJsonValue right; ///< Undefined when only on the left
    Kind kind = Kind::Unchanged;
    bool containsChanges = false;
    Node *parent = nullptr;
    int row = 0;
    std::vector<std::unique_ptr<Node>> children;
};

namespace {

// The keys of whichever sides are objects, sorted, each once.
QStringList childKeys(const QJsonValue &left, const QJsonValue &right)
{
    QStringList keys = left.toObject().keys() + right.toObject().keys();
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
}

JsonDiffModel::Kind kindOf(const QJsonValue &left, const QJsonValue &right)
{
    if (left.isUndefined())
        return JsonDiffModel::Kind::Added;
    if (right.isUndefined())
        return JsonDiffModel::Kind::Removed;
    // Two objects are compared through their rows; anything else as a whole value.
    if (!(left.isObject() && right.isObject()) && left != right)
        return JsonDiffModel::Kind::Changed;
    return JsonDiffModel::Kind::Unchanged;
}

} // namespace

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
    m_root->left = left;
    m_root->right = right;
    buildChildren(m_root.get());
    endResetModel();
}

// An object on either side has its keys as rows, so an added or removed object can be opened
// too; each row records whether anything under it differs.
void JsonDiffModel::buildChildren(Node *node)
{
    const QJsonObject left = node->left.toObject();
    const QJsonObject right = node->right.toObject();
    for (const QString &key : childKeys(node->left, node->right)) {
        auto child = std::make_unique<Node>();
        child->key = key;
        child->path = node->path + QStringList{key};
        child->left = node->left.isObject() ? left.value(key) : QJsonValue::Undefined;
        child->right = node->right.isObject() ? right.value(key) : QJsonValue::Undefined;
        child->kind = kindOf(child->left, child->right);
        child->parent = node;
        child->row = int(node->children.size());
        buildChildren(child.get());
        node->containsChanges =
            node->containsChanges || child->kind != Kind::Unchanged || child->containsChanges;
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
    if (node == m_root.get())
        return {};
    return createIndex(node->row, KeyColumn, node);
}

QModelIndex JsonDiffModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column, nodeOf(parent)->children[size_t(row)].get());
}

QModelIndex JsonDiffModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const Node *parentNode = nodeOf(child)->parent;
    if (!parentNode || parentNode == m_root.get())
        return {};
    return createIndex(parentNode->row, KeyColumn, parentNode);
}

int JsonDiffModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != KeyColumn)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int JsonDiffModel::columnCount(const QModelIndex & /*parent*/) const
{
    return ColumnCount;
}

QVariant JsonDiffModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node *node = nodeOf(index);
    switch (role) {
    case Qt::DisplayRole:
        return displayText(node, index.column());
    case Qt::ToolTipRole:
        return toolTip(node, index.column());
    case KindRole:
        return int(node->kind);
    case ContainsChangesRole:
        return node->containsChanges;
    case PathRole:
        return node->path;
    default:
        return {};
    }
}

QString JsonDiffModel::displayText(const Node *node, int column)
{
    if (column == KeyColumn)
        return node->key;
    const QJsonValue value = column == LeftColumn ? node->left : node->right;
    // An object's keys are its rows; only an empty one shows itself.
    if (value.isObject() && !value.toObject().isEmpty())
        return {};
    return jsonValueText(value);
}

// The key column names the place and the difference; a value column gives the whole value
// (an object's too), and for a changed row what it changed from and to.
QString JsonDiffModel::toolTip(const Node *node, int column) const
{
    if (column == KeyColumn)
        return jsonPathText(node->path) + QLatin1Char('\n') + kindText(node);
    const QJsonValue value = column == LeftColumn ? node->left : node->right;
    const QString title = column == LeftColumn ? m_leftTitle : m_rightTitle;
    QString whole = value.isUndefined() ? tr("Not in %1.").arg(title) : jsonValueText(value);
    if (node->kind != Kind::Changed)
        return whole;
    return whole + QLatin1Char('\n') + kindText(node);
}

QString JsonDiffModel::kindText(const Node *node) const
{
    switch (node->kind) {
    case Kind::Changed:
        return tr("changed: %1 → %2").arg(jsonValueText(node->left), jsonValueText(node->right));
    case Kind::Added:
        return tr("added: only in %1").arg(m_rightTitle);
    case Kind::Removed:
        return tr("removed: only in %1").arg(m_leftTitle);
    case Kind::Unchanged:
        break;
    }
    return node->containsChanges ? tr("changes inside") : tr("unchanged");
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
    default:
        return {};
    }
}

} // namespace thingdeck
