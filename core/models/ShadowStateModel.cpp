#include "models/ShadowStateModel.h"

#include "iot/JsonDiff.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <vector>

namespace thingdeck {

struct ShadowStateModel::Node
{
    QString key;
    QStringList path;
    Node *parent = nullptr;
    int row = 0;
    std::vector<std::unique_ptr<Node>> children;
};

namespace {

QJsonValue valueAt(const QJsonObject &root, const QStringList &path)
{
    QJsonValue value = root;
    for (const QString &key : path) {
        if (!value.isObject())
            return QJsonValue::Undefined;
        value = value.toObject().value(key);
    }
    return value;
}

/// Whether keys can be put under `path` of `root`: every value on the way is an object or
/// absent, so nothing but missing objects would be created.
bool canHoldKeys(const QJsonObject &root, const QStringList &path)
{
    QJsonValue value = root;
    for (const QString &key : path) {
        value = value.toObject().value(key);
        if (value.isUndefined())
            return true;
        if (!value.isObject())
            return false;
    }
    return true;
}

/// `root` with `value` at `path` (Undefined removes it), creating objects on the way.
QJsonObject withValueAt(QJsonObject root, const QStringList &path, const QJsonValue &value)
{
    if (path.isEmpty())
        return root;
    const QString &key = path.first();
    if (path.size() > 1)
        root.insert(key, withValueAt(root.value(key).toObject(), path.mid(1), value));
    else if (value.isUndefined())
        root.remove(key);
    else
        root.insert(key, value);
    return root;
}

/// The newest `timestamp` in a metadata subtree (0 when none); an array's metadata is an
/// array of per-element metadata.
qint64 newestTimestamp(const QJsonValue &metadata)
{
    qint64 newest = 0;
    if (metadata.isArray()) {
        for (const auto &item : metadata.toArray())
            newest = std::max(newest, newestTimestamp(item));
        return newest;
    }
    const QJsonObject object = metadata.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        const bool own = it.key() == QLatin1String("timestamp") && it.value().isDouble();
        newest = std::max(newest, own ? it.value().toInteger() : newestTimestamp(it.value()));
    }
    return newest;
}

/// The exact local date-time of epoch seconds, locale-independent.
QString exactTime(qint64 seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

} // namespace

ShadowStateModel::ShadowStateModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_now([] { return QDateTime::currentSecsSinceEpoch(); })
    , m_root(std::make_unique<Node>())
{}

ShadowStateModel::~ShadowStateModel() = default;

QString ShadowStateModel::valueText(const QJsonValue &value)
{
    return jsonValueText(value);
}

QJsonValue ShadowStateModel::parseValueText(const QString &text)
{
    // Inside an array, so that scalars parse too (QJsonDocument only takes arrays and objects).
    QJsonParseError error{};
    const QJsonDocument parsed =
        QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + QByteArray("]"), &error);
    if (error.error == QJsonParseError::NoError && parsed.array().size() == 1)
        return parsed.array().first();
    return text;
}

QString ShadowStateModel::relativeText(qint64 seconds)
{
    constexpr qint64 minute = 60;
    constexpr qint64 hour = 60 * minute;
    constexpr qint64 day = 24 * hour;
    seconds = std::max<qint64>(0, seconds);
    if (seconds < minute)
        return tr("%1 s ago").arg(seconds);
    if (seconds < hour)
        return tr("%1 min ago").arg(seconds / minute);
    if (seconds < day)
        return tr("%1 h ago").arg(seconds / hour);
    return tr("%1 d ago").arg(seconds / day);
}

void ShadowStateModel::setDocument(const ShadowDocument &document, bool keepEdit)
{
    m_document = document;
    m_delta = document.delta();
    if (!keepEdit)
        m_edited = documentSection();
    rebuild();
}

void ShadowStateModel::setEditableSection(ShadowSection section)
{
    if (section == m_section)
        return;
    m_section = section;
    m_edited = documentSection();
    rebuild();
}

QJsonObject ShadowStateModel::documentSection() const
{
    return m_section == ShadowSection::Desired ? m_document.desired() : m_document.reported();
}

void ShadowStateModel::setEditedSection(const QJsonObject &section)
{
    if (section == m_edited)
        return;
    m_edited = section;
    syncChildren(m_root.get());
    touchColumns(m_root.get(), KeyColumn, ColumnCount - 1, {});
}

void ShadowStateModel::edit(const QJsonObject &edited)
{
    setEditedSection(edited);
    emit editedSectionChanged(m_edited);
}

bool ShadowStateModel::addKey(const QModelIndex &parent, const QString &key,
                              const QJsonValue &value)
{
    const QStringList parentPath = parent.isValid() ? nodeOf(parent)->path : QStringList();
    if (key.isEmpty() || value.isUndefined() || !canHoldKeys(m_edited, parentPath) ||
        valueAt(m_edited, parentPath).toObject().contains(key))
        return false;
    edit(withValueAt(m_edited, parentPath + QStringList{key}, value));
    return true;
}

bool ShadowStateModel::removeKey(const QModelIndex &index)
{
    const Node *node = index.isValid() ? nodeOf(index) : nullptr;
    if (!node || valueAt(m_edited, node->path).isUndefined())
        return false;
    edit(withValueAt(m_edited, node->path, QJsonValue::Undefined));
    return true;
}

void ShadowStateModel::setNow(std::function<qint64()> now)
{
    m_now = std::move(now);
    refreshTimes();
}

void ShadowStateModel::refreshTimes()
{
    touchColumns(m_root.get(), UpdatedColumn, UpdatedColumn, {Qt::DisplayRole, Qt::ToolTipRole});
}

// One dataChanged per parent over its children's columns first..last, the whole tree down.
void ShadowStateModel::touchColumns(Node *node, int first, int last, const QList<int> &roles)
{
    if (node->children.empty())
        return;
    const int lastRow = int(node->children.size()) - 1;
    emit dataChanged(indexOf(node->children.front().get(), first),
                     indexOf(node->children[size_t(lastRow)].get(), last), roles);
    for (const auto &child : node->children)
        touchColumns(child.get(), first, last, roles);
}

void ShadowStateModel::rebuild()
{
    beginResetModel();
    m_root = std::make_unique<Node>();
    buildChildren(m_root.get());
    endResetModel();
}

// The rows under `path`: the keys of the edit, of the desired and of the reported section there
// (the document's own editable section keeps a removed key's row).
QStringList ShadowStateModel::childKeys(const QStringList &path) const
{
    QStringList keys;
    for (const QJsonObject &side : {m_edited, m_document.desired(), m_document.reported()}) {
        const QJsonValue value = valueAt(side, path);
        if (value.isObject())
            keys += value.toObject().keys();
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    return keys;
}

std::unique_ptr<ShadowStateModel::Node> ShadowStateModel::makeNode(Node *parent,
                                                                   const QString &key) const
{
    auto node = std::make_unique<Node>();
    node->key = key;
    node->path = parent->path + QStringList{key};
    node->parent = parent;
    buildChildren(node.get());
    return node;
}

void ShadowStateModel::buildChildren(Node *node) const
{
    node->children.clear();
    for (const QString &key : childKeys(node->path)) {
        node->children.push_back(makeNode(node, key));
        node->children.back()->row = int(node->children.size()) - 1;
    }
}

// Brings the rows under `node` in line with the current sections by removing and inserting
// rows (children are sorted, so the surviving rows are in order already).
void ShadowStateModel::syncChildren(Node *node)
{
    const QStringList wanted = childKeys(node->path);
    for (int row = int(node->children.size()) - 1; row >= 0; --row) {
        if (!std::binary_search(wanted.begin(), wanted.end(), node->children[size_t(row)]->key))
            removeChild(node, row);
    }
    for (int row = 0; row < int(wanted.size()); ++row) {
        if (row >= int(node->children.size()) || node->children[size_t(row)]->key != wanted[row])
            insertChild(node, row, wanted[row]);
    }
    for (const auto &child : node->children)
        syncChildren(child.get());
}

void ShadowStateModel::insertChild(Node *node, int row, const QString &key)
{
    auto child = makeNode(node, key);
    beginInsertRows(indexOf(node, KeyColumn), row, row);
    node->children.insert(node->children.begin() + row, std::move(child));
    for (auto i = size_t(row); i < node->children.size(); ++i)
        node->children[i]->row = int(i);
    endInsertRows();
}

void ShadowStateModel::removeChild(Node *node, int row)
{
    beginRemoveRows(indexOf(node, KeyColumn), row, row);
    node->children.erase(node->children.begin() + row);
    for (auto i = size_t(row); i < node->children.size(); ++i)
        node->children[i]->row = int(i);
    endRemoveRows();
}

ShadowStateModel::Node *ShadowStateModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

QModelIndex ShadowStateModel::indexOf(const Node *node, int column) const
{
    if (!node || node == m_root.get())
        return {};
    return createIndex(node->row, column, node);
}

int ShadowStateModel::editableColumn() const
{
    return m_section == ShadowSection::Desired ? DesiredColumn : ReportedColumn;
}

QJsonValue ShadowStateModel::cell(const Node *node, int column) const
{
    if (column == editableColumn())
        return valueAt(m_edited, node->path);
    if (column == DesiredColumn)
        return valueAt(m_document.desired(), node->path);
    if (column == ReportedColumn)
        return valueAt(m_document.reported(), node->path);
    return QJsonValue::Undefined;
}

QJsonValue ShadowStateModel::original(const Node *node) const
{
    return valueAt(documentSection(), node->path);
}

bool ShadowStateModel::isEdited(const Node *node) const
{
    return valueAt(m_edited, node->path) != original(node);
}

bool ShadowStateModel::isRemoved(const Node *node) const
{
    return valueAt(m_edited, node->path).isUndefined() && !original(node).isUndefined();
}

QModelIndex ShadowStateModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    return createIndex(row, column, nodeOf(parent)->children[size_t(row)].get());
}

QModelIndex ShadowStateModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    return indexOf(nodeOf(child)->parent, KeyColumn);
}

int ShadowStateModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != KeyColumn)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int ShadowStateModel::columnCount(const QModelIndex & /*parent*/) const
{
    return ColumnCount;
}

QVariant ShadowStateModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    const Node *node = nodeOf(index);
    switch (role) {
    case PathRole:
        return node->path;
    case InDeltaRole:
        return !valueAt(m_delta, node->path).isUndefined();
    case EditedRole:
        return isEdited(node);
    case RemovedRole:
        return isRemoved(node);
    case ValueRole:
        return {cell(node, index.column())};
    case Qt::DisplayRole:
    case Qt::EditRole:
        return cellText(node, index.column(), role);
    case Qt::ToolTipRole:
        return toolTip(node, index.column());
    default:
        return {};
    }
}

QVariant ShadowStateModel::cellText(const Node *node, int column, int role) const
{
    if (column == KeyColumn)
        return node->key;
    if (column == UpdatedColumn)
        return role == Qt::DisplayRole ? QVariant(updatedText(node)) : QVariant();
    // A removed key still shows its old value (the view strikes it out).
    const QJsonValue value =
        column == editableColumn() && isRemoved(node) ? original(node) : cell(node, column);
    // An object's keys are its children; only an empty one shows itself.
    if (role == Qt::DisplayRole && value.isObject() && !value.toObject().isEmpty())
        return QString();
    return valueText(value);
}

QString ShadowStateModel::updatedText(const Node *node) const
{
    const qint64 newest =
        std::max(newestTimestamp(valueAt(m_document.desiredMetadata(), node->path)),
                 newestTimestamp(valueAt(m_document.reportedMetadata(), node->path)));
    return newest > 0 ? relativeText(m_now() - newest) : QString();
}

// The newest side first, so the first line explains the relative time.
QString ShadowStateModel::updatedToolTip(const Node *node) const
{
    const qint64 desired = newestTimestamp(valueAt(m_document.desiredMetadata(), node->path));
    const qint64 reported = newestTimestamp(valueAt(m_document.reportedMetadata(), node->path));
    QStringList lines;
    if (desired > 0)
        lines.append(tr("Desired updated %1").arg(exactTime(desired)));
    if (reported > 0) {
        const QString line = tr("Reported updated %1").arg(exactTime(reported));
        if (reported > desired)
            lines.prepend(line);
        else
            lines.append(line);
    }
    return lines.join(QLatin1Char('\n'));
}

QString ShadowStateModel::toolTip(const Node *node, int column) const
{
    if (column == UpdatedColumn)
        return updatedToolTip(node);
    if (column == editableColumn() && isRemoved(node))
        return tr("Removed: sent as null when applied");
    if (column == editableColumn() && isEdited(node)) {
        const QJsonValue was = original(node);
        return tr("Edited (was %1)").arg(was.isUndefined() ? tr("absent") : valueText(was));
    }
    if (column == KeyColumn && !valueAt(m_delta, node->path).isUndefined())
        return tr("In the delta: desired differs from reported");
    return {};
}

bool ShadowStateModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !(flags(index) & Qt::ItemIsEditable))
        return false;
    const QStringList path = nodeOf(index)->path;
    const QJsonValue parsed = parseValueText(value.toString());
    if (valueAt(m_edited, path) != parsed)
        edit(withValueAt(m_edited, path, parsed));
    return true;
}

Qt::ItemFlags ShadowStateModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    const Node *node = nodeOf(index);
    if (index.column() == editableColumn() && !valueAt(m_edited, node->path).isObject() &&
        canHoldKeys(m_edited, node->path.mid(0, node->path.size() - 1)))
        flags |= Qt::ItemIsEditable;
    return flags;
}

QVariant ShadowStateModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole && section == editableColumn())
        return tr("Editable: double-click or F2 on a value");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case KeyColumn:
        return tr("Key");
    case DesiredColumn:
        return tr("Desired");
    case ReportedColumn:
        return tr("Reported");
    case UpdatedColumn:
        return tr("Updated");
    default:
        return {};
    }
}

QModelIndex ShadowStateModel::indexForPath(const QStringList &path, int column) const
{
    if (path.isEmpty() || column < 0 || column >= ColumnCount)
        return {};
    const Node *node = m_root.get();
    for (const QString &key : path) {
        const auto it = std::find_if(node->children.begin(), node->children.end(),
                                     [&](const auto &child) { return child->key == key; });
        if (it == node->children.end())
            return {};
        node = it->get();
    }
    return indexOf(node, column);
}

} // namespace thingdeck
