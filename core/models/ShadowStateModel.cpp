#include "models/ShadowStateModel.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

#include <algorithm>

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

/// `root` with `value` at `path` (Undefined removes it), creating objects on the way.
QJsonObject withValueAt(QJsonObject root, const QStringList &path, const QJsonValue &value)
{
    if (path.isEmpty())
        return root;
    const QString &key = path.first();
    if (path.size() == 1) {
        if (value.isUndefined())
            root.remove(key);
        else
            root.insert(key, value);
        return root;
    }
    root.insert(key, withValueAt(root.value(key).toObject(), path.mid(1), value));
    return root;
}

/// The newest `timestamp` in a metadata subtree (0 when none).
qint64 newestTimestamp(const QJsonValue &metadata)
{
    if (metadata.isObject()) {
        const QJsonObject object = metadata.toObject();
        qint64 newest = object.value(QStringLiteral("timestamp")).toInteger();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it.key() != QLatin1String("timestamp"))
                newest = std::max(newest, newestTimestamp(it.value()));
        }
        return newest;
    }
    if (metadata.isArray()) {
        qint64 newest = 0;
        for (const QJsonValue &item : metadata.toArray())
            newest = std::max(newest, newestTimestamp(item));
        return newest;
    }
    return 0;
}

} // namespace

QJsonValue ShadowStateModel::parseValueText(const QString &text)
{
    QJsonParseError error{};
    const QJsonDocument parsed =
        QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + QByteArray("]"), &error);
    if (error.error == QJsonParseError::NoError && parsed.array().size() == 1)
        return parsed.array().first();
    return text;
}

ShadowStateModel::ShadowStateModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_now([] { return QDateTime::currentSecsSinceEpoch(); })
    , m_root(std::make_unique<Node>())
{}

ShadowStateModel::~ShadowStateModel() = default;

QString ShadowStateModel::valueText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Undefined:
        return QString();
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Object:
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Array:
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Double:
    case QJsonValue::String: {
        // Through a one-element array, so numbers and escapes read as JSON writes them.
        const QByteArray json = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
        return QString::fromUtf8(json.mid(1, json.size() - 2));
    }
    }
    return QString();
}

QString ShadowStateModel::relativeText(qint64 seconds)
{
    seconds = std::max<qint64>(0, seconds);
    if (seconds < 60)
        return tr("%1 s ago").arg(seconds);
    if (seconds < 3600)
        return tr("%1 min ago").arg(seconds / 60);
    if (seconds < 86400)
        return tr("%1 h ago").arg(seconds / 3600);
    return tr("%1 d ago").arg(seconds / 86400);
}

void ShadowStateModel::setDocument(const ShadowDocument &document, bool keepEdit)
{
    m_document = document;
    m_delta = document.delta();
    if (!keepEdit)
        m_edited = shownSection(m_section);
    rebuild();
}

void ShadowStateModel::setEditableSection(ShadowSection section)
{
    m_section = section;
    m_edited = m_section == ShadowSection::Desired ? m_document.desired() : m_document.reported();
    rebuild();
}

QJsonObject ShadowStateModel::shownSection(ShadowSection section) const
{
    return section == ShadowSection::Desired ? m_document.desired() : m_document.reported();
}

void ShadowStateModel::setEditedSection(const QJsonObject &section)
{
    if (section == m_edited)
        return;
    if (structureMatches(section)) {
        m_edited = section;
        if (rowCount() > 0) {
            // Same rows: only values changed.
            std::function<void(Node *)> touch = [&](Node *node) {
                for (const auto &child : node->children) {
                    emit dataChanged(indexOf(child.get(), 0), indexOf(child.get(), UpdatedColumn));
                    touch(child.get());
                }
            };
            touch(m_root.get());
        }
        return;
    }
    m_edited = section;
    rebuild();
}

// Whether rebuilding from `edited` would give the same rows.
bool ShadowStateModel::structureMatches(const QJsonObject &edited) const
{
    const QJsonObject saved = m_edited;
    auto *self = const_cast<ShadowStateModel *>(this);
    Node probe;
    self->m_edited = edited;
    self->buildChildren(&probe);
    self->m_edited = saved;
    std::function<bool(const Node *, const Node *)> same = [&](const Node *a, const Node *b) {
        if (a->children.size() != b->children.size())
            return false;
        for (size_t i = 0; i < a->children.size(); ++i) {
            if (a->children[i]->key != b->children[i]->key ||
                !same(a->children[i].get(), b->children[i].get()))
                return false;
        }
        return true;
    };
    return same(&probe, m_root.get());
}

void ShadowStateModel::setEdited(QJsonObject edited)
{
    setEditedSection(edited);
    emit editedSectionChanged(m_edited);
}

bool ShadowStateModel::addKey(const QModelIndex &parent, const QString &key,
                              const QJsonValue &value)
{
    if (key.isEmpty())
        return false;
    const QStringList parentPath = parent.isValid() ? nodeOf(parent)->path : QStringList();
    const QJsonValue container = valueAt(m_edited, parentPath);
    if (!parentPath.isEmpty() && !container.isObject() && !container.isUndefined())
        return false;
    if (container.toObject().contains(key))
        return false;
    setEdited(withValueAt(m_edited, parentPath + QStringList{key}, value));
    return true;
}

bool ShadowStateModel::removeKey(const QModelIndex &index)
{
    const Node *node = nodeOf(index);
    if (!node || node == m_root.get() || valueAt(m_edited, node->path).isUndefined())
        return false;
    setEdited(withValueAt(m_edited, node->path, QJsonValue::Undefined));
    return true;
}

void ShadowStateModel::setNow(std::function<qint64()> now)
{
    m_now = std::move(now);
    refreshTimes();
}

void ShadowStateModel::refreshTimes()
{
    std::function<void(Node *)> touch = [&](Node *node) {
        for (const auto &child : node->children) {
            const QModelIndex cell = indexOf(child.get(), UpdatedColumn);
            emit dataChanged(cell, cell, {Qt::DisplayRole, Qt::ToolTipRole});
            touch(child.get());
        }
    };
    touch(m_root.get());
}

void ShadowStateModel::rebuild()
{
    beginResetModel();
    m_root = std::make_unique<Node>();
    buildChildren(m_root.get());
    endResetModel();
}

void ShadowStateModel::buildChildren(Node *node)
{
    // What each column shows, plus the document's own editable section so that removed keys
    // keep their (struck-out) row.
    const QList<QJsonValue> sides{
        valueAt(m_section == ShadowSection::Desired ? m_edited : m_document.desired(), node->path),
        valueAt(m_section == ShadowSection::Reported ? m_edited : m_document.reported(),
                node->path),
        valueAt(shownSection(m_section), node->path)};
    QStringList keys;
    for (const QJsonValue &side : sides) {
        if (side.isObject() || (node->path.isEmpty() && side.isObject()))
            keys += side.toObject().keys();
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    node->children.clear();
    for (const QString &key : std::as_const(keys)) {
        auto child = std::make_unique<Node>();
        child->key = key;
        child->path = node->path + QStringList{key};
        child->parent = node;
        child->row = int(node->children.size());
        buildChildren(child.get());
        node->children.push_back(std::move(child));
    }
}

ShadowStateModel::Node *ShadowStateModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

QModelIndex ShadowStateModel::indexOf(const Node *node, int column) const
{
    if (!node || node == m_root.get())
        return {};
    return createIndex(node->row, column, const_cast<Node *>(node));
}

int ShadowStateModel::editableColumn() const
{
    return m_section == ShadowSection::Desired ? DesiredColumn : ReportedColumn;
}

QJsonValue ShadowStateModel::cell(const Node *node, int column) const
{
    if (column == DesiredColumn)
        return valueAt(m_section == ShadowSection::Desired ? m_edited : m_document.desired(),
                       node->path);
    if (column == ReportedColumn)
        return valueAt(m_section == ShadowSection::Reported ? m_edited : m_document.reported(),
                       node->path);
    return QJsonValue::Undefined;
}

QModelIndex ShadowStateModel::index(int row, int column, const QModelIndex &parent) const
{
    const Node *node = nodeOf(parent);
    if (!node || row < 0 || row >= int(node->children.size()) || column < 0 ||
        column >= ColumnCount || (parent.isValid() && parent.column() != 0))
        return {};
    return createIndex(row, column, node->children[size_t(row)].get());
}

QModelIndex ShadowStateModel::parent(const QModelIndex &child) const
{
    const Node *node = nodeOf(child);
    if (!child.isValid() || !node || !node->parent)
        return {};
    return indexOf(node->parent, 0);
}

int ShadowStateModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    const Node *node = nodeOf(parent);
    return node ? int(node->children.size()) : 0;
}

int ShadowStateModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant ShadowStateModel::data(const QModelIndex &index, int role) const
{
    const Node *node = nodeOf(index);
    if (!index.isValid() || !node)
        return {};
    const int column = index.column();
    const QJsonValue original = valueAt(shownSection(m_section), node->path);
    const QJsonValue edited = valueAt(m_edited, node->path);
    const bool removed = edited.isUndefined() && !original.isUndefined();
    const bool changed = edited != original;
    switch (role) {
    case PathRole:
        return node->path;
    case InDeltaRole:
        return !valueAt(m_delta, node->path).isUndefined();
    case EditedRole:
        return changed;
    case RemovedRole:
        return removed;
    case ValueRole:
        return QVariant::fromValue(cell(node, column));
    case Qt::DisplayRole:
    case Qt::EditRole: {
        if (column == KeyColumn)
            return node->key;
        if (column == UpdatedColumn) {
            if (role == Qt::EditRole)
                return {};
            const qint64 newest =
                std::max(newestTimestamp(valueAt(m_document.desiredMetadata(), node->path)),
                         newestTimestamp(valueAt(m_document.reportedMetadata(), node->path)));
            return newest > 0 ? relativeText(m_now() - newest) : QString();
        }
        QJsonValue value = cell(node, column);
        if (column == editableColumn() && removed)
            value = original; // shown struck out
        if (value.isObject() && role == Qt::DisplayRole)
            return QString(); // its keys are the children
        return valueText(value);
    }
    case Qt::ToolTipRole: {
        if (column == UpdatedColumn) {
            QStringList lines;
            const QLocale locale;
            const qint64 desired =
                newestTimestamp(valueAt(m_document.desiredMetadata(), node->path));
            const qint64 reported =
                newestTimestamp(valueAt(m_document.reportedMetadata(), node->path));
            if (desired > 0)
                lines.append(tr("desired: %1")
                                 .arg(locale.toString(QDateTime::fromSecsSinceEpoch(desired),
                                                      QLocale::LongFormat)));
            if (reported > 0)
                lines.append(tr("reported: %1")
                                 .arg(locale.toString(QDateTime::fromSecsSinceEpoch(reported),
                                                      QLocale::LongFormat)));
            return lines.join(QLatin1Char('\n'));
        }
        if (column == editableColumn() && removed)
            return tr("Removed: sent as null when applied");
        if (column == editableColumn() && changed)
            return tr("Edited (was %1)")
                .arg(original.isUndefined() ? tr("absent") : valueText(original));
        if (column == KeyColumn && !valueAt(m_delta, node->path).isUndefined())
            return tr("In the delta: desired differs from reported");
        return {};
    }
    default:
        return {};
    }
}

bool ShadowStateModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (role != Qt::EditRole || !(flags(index) & Qt::ItemIsEditable))
        return false;
    const Node *node = nodeOf(index);
    const QJsonValue parsed = parseValueText(value.toString());
    if (valueAt(m_edited, node->path) == parsed)
        return false;
    setEdited(withValueAt(m_edited, node->path, parsed));
    return true;
}

Qt::ItemFlags ShadowStateModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    const Node *node = nodeOf(index);
    if (index.column() == editableColumn() && !valueAt(m_edited, node->path).isObject())
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
    }
    return {};
}

QModelIndex ShadowStateModel::indexForPath(const QStringList &path, int column) const
{
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
