#include "models/ThingFilterModel.h"

#include "models/ThingListModel.h"

#include <algorithm>
#include <climits>
#include <iterator>
#include <numeric>

namespace thingdeck {

namespace {

/// How many recent filter texts keep their match flags (one byte per source row each).
constexpr size_t kRecentFilters = 16;

/// Appends `text` case-folded: ASCII directly, without Unicode table lookups (thing names,
/// types and most attribute values are ASCII), anything else through QString::toCaseFolded().
void appendFolded(QString &out, const QString &text)
{
    const bool ascii =
        std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() < 0x80; });
    if (!ascii) {
        out += text.toCaseFolded();
        return;
    }
    for (const QChar c : text)
        out += (c >= u'A' && c <= u'Z') ? QChar(c.unicode() + 0x20) : c;
}

/// `text` case-folded, shared rather than copied when folding changes nothing.
QString folded(const QString &text)
{
    const bool unchanged = std::all_of(text.cbegin(), text.cend(), [](QChar c) {
        return c.unicode() < 0x80 && !(c >= u'A' && c <= u'Z');
    });
    if (unchanged)
        return text;
    QString out;
    out.reserve(text.size());
    appendFolded(out, text);
    return out;
}

/// The attributes as one case-folded string that compares like the (key, value) pairs one
/// after the other: each part ends with U+0000, which sorts before any character, so a
/// shorter part or a shorter list comes first.
QString foldedAttributes(const QMap<QString, QString> &attributes)
{
    QString out;
    qsizetype size = 0;
    for (auto it = attributes.cbegin(); it != attributes.cend(); ++it)
        size += it.key().size() + it.value().size() + 2;
    out.reserve(size);
    for (auto it = attributes.cbegin(); it != attributes.cend(); ++it) {
        appendFolded(out, it.key());
        out += QChar(u'\0');
        appendFolded(out, it.value());
        out += QChar(u'\0');
    }
    return out;
}

/// The first four UTF-16 units of `text`, the first in the high bits, 0 beyond its end:
/// ordered as QString::compare() orders the texts whenever the prefixes differ.
quint64 prefixOf(const QString &text, qsizetype offset = 0)
{
    quint64 prefix = 0;
    for (qsizetype i = offset; i < offset + 4; ++i)
        prefix = (prefix << 16) | (i < text.size() ? text.at(i).unicode() : 0u);
    return prefix;
}

/// A row being sorted on the four UTF-16 units of its text from some offset: the texts of
/// equal entries are equal that far, and an entry with `units` 4 may have more to compare.
struct Chunk
{
    quint64 prefix;
    int units; ///< of the text at the offset and after, at most 4
    int row;
    bool operator<(const Chunk &other) const
    {
        if (prefix != other.prefix)
            return prefix < other.prefix;
        return units != other.units ? units < other.units : row < other.row;
    }
};

std::vector<int> rowRange(int first, int last)
{
    std::vector<int> rows(size_t(last - first + 1));
    std::iota(rows.begin(), rows.end(), first);
    return rows;
}

} // namespace

ThingFilterModel::ThingFilterModel(QObject *parent)
    : QAbstractProxyModel(parent)
{}

// ---- source -------------------------------------------------------------------------------

void ThingFilterModel::setSourceModel(QAbstractItemModel *sourceModel)
{
    beginResetModel();
    disconnectSource();
    clearRows();
    m_things = qobject_cast<ThingListModel *>(sourceModel);
    QAbstractProxyModel::setSourceModel(sourceModel);
    connectSource();
    rebuildAll();
    endResetModel();
}

void ThingFilterModel::connectSource()
{
    QAbstractItemModel *source = sourceModel();
    if (!source)
        return;
    using M = QAbstractItemModel;
    using F = ThingFilterModel;
    m_connections = {
        connect(source, &M::rowsInserted, this, &F::onRowsInserted),
        connect(source, &M::rowsAboutToBeRemoved, this, &F::onRowsAboutToBeRemoved),
        connect(source, &M::rowsRemoved, this, &F::onRowsRemoved),
        connect(source, &M::dataChanged, this, &F::onDataChanged),
        connect(source, &M::modelAboutToBeReset, this, &F::onSourceAboutToBeReset),
        connect(source, &M::modelReset, this, &F::onSourceReset),
        connect(source, &M::layoutAboutToBeChanged, this, &F::onSourceLayoutAboutToBeChanged),
        connect(source, &M::layoutChanged, this, &F::onSourceLayoutChanged),
        connect(source, &M::rowsAboutToBeMoved, this, &F::onSourceLayoutAboutToBeChanged),
        connect(source, &M::rowsMoved, this, &F::onSourceLayoutChanged),
        connect(source, &M::columnsAboutToBeInserted, this, &F::onSourceAboutToBeReset),
        connect(source, &M::columnsInserted, this, &F::onSourceReset),
        connect(source, &M::columnsAboutToBeRemoved, this, &F::onSourceAboutToBeReset),
        connect(source, &M::columnsRemoved, this, &F::onSourceReset),
        connect(source, &M::columnsAboutToBeMoved, this, &F::onSourceAboutToBeReset),
        connect(source, &M::columnsMoved, this, &F::onSourceReset),
        connect(source, &QObject::destroyed, this, &F::onSourceDestroyed),
    };
}

void ThingFilterModel::disconnectSource()
{
    for (const QMetaObject::Connection &connection : std::as_const(m_connections))
        disconnect(connection);
    m_connections.clear();
}

void ThingFilterModel::clearRows()
{
    m_searchTexts.clear();
    m_keys.clear();
    m_matches.clear();
    m_order.clear();
    m_visible.clear();
    m_proxyRows.clear();
    m_recent.clear();
}

void ThingFilterModel::rebuildAll()
{
    const auto rows = size_t(sourceRowCount());
    m_searchTexts.assign(rows, QString());
    m_matches.assign(rows, 0);
    m_keys.assign(isSorted() ? rows : 0, SortKey());
    if (rows > 0)
        readRows(0, int(rows) - 1);
    sortAllRows();
    forgetRecent();
    m_visible = visibleRows();
    rebuildProxyRows();
}

bool ThingFilterModel::isSorted() const
{
    return m_sortColumn >= 0 && sourceModel() && m_sortColumn < sourceModel()->columnCount();
}

int ThingFilterModel::sourceRowCount() const
{
    return sourceModel() ? sourceModel()->rowCount() : 0;
}

QString ThingFilterModel::readSearchText(int row) const
{
    if (m_things)
        return m_things->searchTextAt(row);
    return sourceModel()->index(row, 0).data(ThingListModel::SearchTextRole).toString();
}

ThingFilterModel::SortKey ThingFilterModel::textKey(QString text)
{
    const quint64 prefix = prefixOf(text);
    return {0, prefix, std::move(text)};
}

ThingFilterModel::SortKey ThingFilterModel::readKey(int row) const
{
    if (!m_things)
        return readKeyFromRole(row);
    const ThingSummary &thing = m_things->thingAt(row);
    switch (m_sortColumn) {
    case ThingListModel::NameColumn:
        return textKey(folded(thing.name));
    case ThingListModel::TypeColumn:
        return textKey(folded(thing.typeName));
    case ThingListModel::AttributesColumn:
        return textKey(foldedAttributes(thing.attributes));
    case ThingListModel::VersionColumn:
        return {thing.version, 0, QString()};
    default:
        return {};
    }
}

ThingFilterModel::SortKey ThingFilterModel::readKeyFromRole(int row) const
{
    const QVariant value = sourceModel()->index(row, m_sortColumn).data(ThingListModel::SortRole);
    bool isNumber = false;
    const qint64 number = value.typeId() == QMetaType::QString ? 0 : value.toLongLong(&isNumber);
    return isNumber ? SortKey{number, 0, QString()} : textKey(folded(value.toString()));
}

bool ThingFilterModel::matchesNeedle(int row) const
{
    return m_needle.isEmpty() || m_searchTexts[size_t(row)].contains(m_needle);
}

/// Reads the search text, match flag and (when sorted) sort key of rows the source has now.
void ThingFilterModel::readRows(int first, int last)
{
    const bool sorted = isSorted();
    for (int row = first; row <= last; ++row) {
        m_searchTexts[size_t(row)] = readSearchText(row);
        m_matches[size_t(row)] = matchesNeedle(row) ? 1 : 0;
        if (sorted)
            m_keys[size_t(row)] = readKey(row);
    }
}

// ---- order --------------------------------------------------------------------------------

bool ThingFilterModel::rowLess(int left, int right) const
{
    if (m_keys.empty())
        return left < right;
    const SortKey &l = m_keys[size_t(left)];
    const SortKey &r = m_keys[size_t(right)];
    if (l.number != r.number)
        return l.number < r.number;
    if (l.prefix != r.prefix)
        return l.prefix < r.prefix;
    if (const int byText = QString::compare(l.text, r.text))
        return byText < 0;
    return left < right;
}

/// Reads every row's key for a new sort column and sorts all rows once.
void ThingFilterModel::rebuildOrder()
{
    const int rows = int(m_searchTexts.size());
    m_keys.clear();
    if (isSorted()) {
        m_keys.reserve(size_t(rows));
        for (int row = 0; row < rows; ++row)
            m_keys.push_back(readKey(row));
    }
    sortAllRows();
}

/// Sorts every row on m_keys: by number, then the texts four UTF-16 units at a time (as
/// integers), going on only within runs still equal — a most-significant-digit radix order
/// that never compares two strings (measured on 100,000 names, with the ASCII folding:
/// 70 ms → 28 ms per header click, against std::sort comparing the keys).
void ThingFilterModel::sortAllRows()
{
    m_order.resize(m_searchTexts.size());
    std::iota(m_order.begin(), m_order.end(), 0);
    if (m_keys.empty())
        return;
    std::vector<std::pair<qint64, int>> numbers;
    numbers.reserve(m_keys.size());
    for (size_t row = 0; row < m_keys.size(); ++row)
        numbers.emplace_back(m_keys[row].number, int(row));
    std::sort(numbers.begin(), numbers.end());
    std::transform(numbers.begin(), numbers.end(), m_order.begin(),
                   [](const std::pair<qint64, int> &number) { return number.second; });
    for (auto first = m_order.begin(); first != m_order.end();) {
        const qint64 number = m_keys[size_t(*first)].number;
        const auto last = std::find_if(first, m_order.end(), [this, number](int row) {
            return m_keys[size_t(row)].number != number;
        });
        sortTexts(first, last, 0);
        first = last;
    }
}

/// Sorts rows whose texts are equal before `offset` on the texts from there.
void ThingFilterModel::sortTexts(std::vector<int>::iterator first, std::vector<int>::iterator last,
                                 qsizetype offset) const
{
    std::vector<Chunk> chunks;
    chunks.reserve(size_t(last - first));
    for (auto it = first; it != last; ++it) {
        const QString &text = m_keys[size_t(*it)].text;
        const int units = int(std::clamp<qsizetype>(text.size() - offset, 0, 4));
        chunks.push_back({prefixOf(text, offset), units, *it});
    }
    std::sort(chunks.begin(), chunks.end());
    std::transform(chunks.begin(), chunks.end(), first, [](const Chunk &c) { return c.row; });
    for (size_t run = 0; run < chunks.size();) {
        size_t end = run + 1;
        while (end < chunks.size() && chunks[end].prefix == chunks[run].prefix &&
               chunks[end].units == chunks[run].units)
            ++end;
        if (end - run > 1 && chunks[run].units == 4)
            sortTexts(first + qsizetype(run), first + qsizetype(end), offset + 4);
        run = end;
    }
}

/// Sorts `rows` (not in m_order yet, their keys read) and merges them into m_order, each
/// found by a binary search: a page of new rows costs a copy, not a comparison per row.
void ThingFilterModel::placeInOrder(std::vector<int> rows)
{
    const auto less = [this](int left, int right) {
        return rowLess(left, right);
    };
    std::sort(rows.begin(), rows.end(), less);
    std::vector<int> merged;
    merged.reserve(m_order.size() + rows.size());
    auto from = m_order.begin();
    for (const int row : rows) {
        const auto to = std::upper_bound(from, m_order.end(), row, less);
        merged.insert(merged.end(), from, to);
        merged.push_back(row);
        from = to;
    }
    merged.insert(merged.end(), from, m_order.end());
    m_order = std::move(merged);
}

void ThingFilterModel::sort(int column, Qt::SortOrder order)
{
    if (column == m_sortColumn && order == m_sortOrder)
        return;
    const bool newColumn = column != m_sortColumn;
    m_sortColumn = column;
    m_sortOrder = order;
    if (newColumn)
        rebuildOrder();
    relayout(visibleRows(), QAbstractItemModel::VerticalSortHint);
}

// ---- filter -------------------------------------------------------------------------------

void ThingFilterModel::setFilterText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    const QString needle = text.toLower();
    if (needle == m_needle)
        return;
    m_needle = needle;
    m_matches = matchesFor(needle);
    relayout(visibleRows(), QAbstractItemModel::NoLayoutChangeHint);
}

ThingFilterModel::Matches ThingFilterModel::matchesFor(const QString &needle)
{
    const auto same = [&needle](const RecentFilter &recent) {
        return recent.needle == needle;
    };
    if (const auto hit = std::find_if(m_recent.begin(), m_recent.end(), same);
        hit != m_recent.end()) {
        std::rotate(hit, hit + 1, m_recent.end()); // the newest last
        return m_recent.back().matches;
    }
    const Matches *base = narrowestBase(needle);
    Matches matches(m_searchTexts.size(), 0);
    for (size_t row = 0; row < matches.size(); ++row) {
        if (!base || (*base)[row])
            matches[row] = needle.isEmpty() || m_searchTexts[row].contains(needle);
    }
    remember(needle, matches);
    return matches;
}

/// The flags of the longest recent text that `needle` contains: only its rows can match.
const ThingFilterModel::Matches *ThingFilterModel::narrowestBase(const QString &needle) const
{
    const RecentFilter *best = nullptr;
    for (const RecentFilter &recent : m_recent) {
        if ((!best || recent.needle.size() > best->needle.size()) && needle.contains(recent.needle))
            best = &recent;
    }
    return best ? &best->matches : nullptr;
}

void ThingFilterModel::remember(const QString &needle, const Matches &matches)
{
    m_recent.push_back({needle, matches});
    if (m_recent.size() > kRecentFilters)
        m_recent.erase(m_recent.begin());
}

/// After rows came or went: only the current flags are still right.
void ThingFilterModel::forgetRecent()
{
    m_recent.clear();
    remember(m_needle, m_matches);
}

QList<std::pair<int, int>> ThingFilterModel::matchRanges(const QString &text, const QString &filter)
{
    QList<std::pair<int, int>> ranges;
    if (filter.isEmpty())
        return ranges;
    qsizetype at = text.indexOf(filter, 0, Qt::CaseInsensitive);
    while (at >= 0) {
        ranges.append({int(at), int(filter.size())});
        at = text.indexOf(filter, at + filter.size(), Qt::CaseInsensitive);
    }
    return ranges;
}

// ---- visible rows -------------------------------------------------------------------------

std::vector<int> ThingFilterModel::visibleRows() const
{
    std::vector<int> rows;
    rows.reserve(m_visible.size() + 64);
    const auto take = [this, &rows](int row) {
        if (m_matches[size_t(row)])
            rows.push_back(row);
    };
    if (isSorted() && m_sortOrder == Qt::DescendingOrder)
        std::for_each(m_order.rbegin(), m_order.rend(), take);
    else
        std::for_each(m_order.begin(), m_order.end(), take);
    return rows;
}

void ThingFilterModel::rebuildProxyRows()
{
    m_proxyRows.assign(m_searchTexts.size(), -1);
    for (size_t row = 0; row < m_visible.size(); ++row)
        m_proxyRows[size_t(m_visible[row])] = int(row);
}

/// Shows `next` as one row insertion or removal when the rows before and after the change
/// stay, as a layout change otherwise.
void ThingFilterModel::applyVisible(std::vector<int> next)
{
    const size_t old = m_visible.size();
    const size_t now = next.size();
    const size_t shorter = std::min(old, now);
    const size_t prefix = size_t(
        std::mismatch(m_visible.begin(), m_visible.begin() + qsizetype(shorter), next.begin())
            .first -
        m_visible.begin());
    size_t suffix = 0;
    while (suffix < shorter - prefix && m_visible[old - 1 - suffix] == next[now - 1 - suffix])
        ++suffix;
    if (prefix + suffix == old && old == now)
        return;
    if (prefix + suffix == old) {
        beginInsertRows({}, int(prefix), int(now - suffix) - 1);
        m_visible = std::move(next);
        rebuildProxyRows();
        endInsertRows();
    } else if (prefix + suffix == now) {
        beginRemoveRows({}, int(prefix), int(old - suffix) - 1);
        m_visible = std::move(next);
        rebuildProxyRows();
        endRemoveRows();
    } else {
        relayout(std::move(next), QAbstractItemModel::NoLayoutChangeHint);
    }
}

/// One layout change to `next`: persistent indexes follow their source rows, and become
/// invalid when their row is no longer shown.
void ThingFilterModel::relayout(std::vector<int> next, QAbstractItemModel::LayoutChangeHint hint)
{
    Q_EMIT layoutAboutToBeChanged({}, hint);
    const QModelIndexList from = persistentIndexList();
    std::vector<int> sources;
    sources.reserve(size_t(from.size()));
    for (const QModelIndex &index : from)
        sources.push_back(size_t(index.row()) < m_visible.size() ? m_visible[size_t(index.row())]
                                                                 : -1);
    m_visible = std::move(next);
    rebuildProxyRows();
    QModelIndexList to;
    to.reserve(from.size());
    for (qsizetype i = 0; i < from.size(); ++i) {
        const int row = sources[size_t(i)] >= 0 ? m_proxyRows[size_t(sources[size_t(i)])] : -1;
        to.append(row >= 0 ? createIndex(row, from.at(i).column()) : QModelIndex());
    }
    changePersistentIndexList(from, to);
    Q_EMIT layoutChanged({}, hint);
}

void ThingFilterModel::emitDataChanged(int first, int last, int firstColumn, int lastColumn,
                                       const QList<int> &roles)
{
    int top = INT_MAX;
    int bottom = -1;
    for (int row = first; row <= last; ++row) {
        const int shown = m_proxyRows[size_t(row)];
        if (shown >= 0) {
            top = std::min(top, shown);
            bottom = std::max(bottom, shown);
        }
    }
    if (bottom >= 0)
        Q_EMIT dataChanged(index(top, firstColumn), index(bottom, lastColumn), roles);
}

// ---- source changes -----------------------------------------------------------------------

void ThingFilterModel::onRowsInserted(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    const int count = last - first + 1;
    const auto shift = [first, count](int &row) {
        if (row >= first)
            row += count;
    };
    std::for_each(m_order.begin(), m_order.end(), shift);
    std::for_each(m_visible.begin(), m_visible.end(), shift);
    m_searchTexts.insert(m_searchTexts.begin() + first, size_t(count), QString());
    m_matches.insert(m_matches.begin() + first, size_t(count), 0);
    if (isSorted())
        m_keys.insert(m_keys.begin() + first, size_t(count), SortKey());
    m_proxyRows.insert(m_proxyRows.begin() + first, size_t(count), -1);
    readRows(first, last);
    forgetRecent();
    placeInOrder(rowRange(first, last));
    applyVisible(visibleRows());
}

void ThingFilterModel::onRowsAboutToBeRemoved(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    std::vector<int> next;
    next.reserve(m_visible.size());
    std::copy_if(m_visible.begin(), m_visible.end(), std::back_inserter(next),
                 [first, last](int row) { return row < first || row > last; });
    applyVisible(std::move(next));
}

void ThingFilterModel::onRowsRemoved(const QModelIndex &parent, int first, int last)
{
    if (parent.isValid())
        return;
    const int count = last - first + 1;
    std::erase_if(m_order, [first, last](int row) { return row >= first && row <= last; });
    const auto shift = [last, count](int &row) {
        if (row > last)
            row -= count;
    };
    std::for_each(m_order.begin(), m_order.end(), shift);
    std::for_each(m_visible.begin(), m_visible.end(), shift);
    m_searchTexts.erase(m_searchTexts.begin() + first, m_searchTexts.begin() + last + 1);
    m_matches.erase(m_matches.begin() + first, m_matches.begin() + last + 1);
    if (!m_keys.empty())
        m_keys.erase(m_keys.begin() + first, m_keys.begin() + last + 1);
    m_proxyRows.erase(m_proxyRows.begin() + first, m_proxyRows.begin() + last + 1);
    forgetRecent();
}

void ThingFilterModel::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                                     const QList<int> &roles)
{
    if (!topLeft.isValid() || topLeft.parent().isValid() ||
        size_t(bottomRight.row()) >= m_searchTexts.size())
        return;
    const int first = topLeft.row();
    const int last = bottomRight.row();
    const std::vector<SortKey> oldKeys =
        m_keys.empty() ? std::vector<SortKey>()
                       : std::vector<SortKey>(m_keys.begin() + first, m_keys.begin() + last + 1);
    const Matches oldMatches(m_matches.begin() + first, m_matches.begin() + last + 1);
    readRows(first, last);
    for (RecentFilter &recent : m_recent) {
        for (int row = first; row <= last; ++row)
            recent.matches[size_t(row)] =
                m_searchTexts[size_t(row)].contains(recent.needle) ? 1 : 0;
    }
    if (!rowsKeepTheirPlace(first, last, oldKeys, oldMatches)) {
        std::erase_if(m_order, [first, last](int row) { return row >= first && row <= last; });
        placeInOrder(rowRange(first, last));
        applyVisible(visibleRows());
    }
    emitDataChanged(first, last, topLeft.column(), bottomRight.column(), roles);
}

bool ThingFilterModel::rowsKeepTheirPlace(int first, int last, const std::vector<SortKey> &oldKeys,
                                          const Matches &oldMatches) const
{
    const auto from = m_matches.begin() + first;
    if (!std::equal(oldMatches.begin(), oldMatches.end(), from, from + (last - first + 1)))
        return false;
    const auto keys = m_keys.begin() + first;
    return m_keys.empty() ||
           std::equal(oldKeys.begin(), oldKeys.end(), keys, keys + (last - first + 1));
}

void ThingFilterModel::onSourceAboutToBeReset()
{
    beginResetModel();
    clearRows();
}

void ThingFilterModel::onSourceReset()
{
    rebuildAll();
    endResetModel();
}

void ThingFilterModel::onSourceLayoutAboutToBeChanged()
{
    Q_EMIT layoutAboutToBeChanged();
    m_layoutFrom = persistentIndexList();
    m_layoutSources.clear();
    for (const QModelIndex &index : std::as_const(m_layoutFrom))
        m_layoutSources.append(QPersistentModelIndex(mapToSource(index)));
}

void ThingFilterModel::onSourceLayoutChanged()
{
    rebuildAll();
    QModelIndexList to;
    to.reserve(m_layoutSources.size());
    for (const QPersistentModelIndex &source : std::as_const(m_layoutSources))
        to.append(mapFromSource(source));
    changePersistentIndexList(m_layoutFrom, to);
    m_layoutFrom.clear();
    m_layoutSources.clear();
    Q_EMIT layoutChanged();
}

void ThingFilterModel::onSourceDestroyed()
{
    beginResetModel();
    m_connections.clear();
    m_things = nullptr;
    clearRows();
    endResetModel();
}

// ---- the table ----------------------------------------------------------------------------

QModelIndex ThingFilterModel::mapToSource(const QModelIndex &proxyIndex) const
{
    if (!proxyIndex.isValid() || !sourceModel() || size_t(proxyIndex.row()) >= m_visible.size())
        return {};
    return sourceModel()->index(m_visible[size_t(proxyIndex.row())], proxyIndex.column());
}

QModelIndex ThingFilterModel::mapFromSource(const QModelIndex &sourceIndex) const
{
    if (!sourceIndex.isValid() || sourceIndex.model() != sourceModel() ||
        size_t(sourceIndex.row()) >= m_proxyRows.size())
        return {};
    const int row = m_proxyRows[size_t(sourceIndex.row())];
    return row >= 0 ? createIndex(row, sourceIndex.column()) : QModelIndex();
}

QModelIndex ThingFilterModel::index(int row, int column, const QModelIndex &parent) const
{
    if (parent.isValid() || row < 0 || column < 0 || row >= rowCount() || column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex ThingFilterModel::parent(const QModelIndex & /*child*/) const
{
    return {};
}

QModelIndex ThingFilterModel::sibling(int row, int column, const QModelIndex & /*idx*/) const
{
    return index(row, column);
}

int ThingFilterModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_visible.size());
}

int ThingFilterModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || !sourceModel() ? 0 : sourceModel()->columnCount();
}

bool ThingFilterModel::hasChildren(const QModelIndex &parent) const
{
    return !parent.isValid() && rowCount() > 0 && columnCount() > 0;
}

QVariant ThingFilterModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (!sourceModel())
        return {};
    if (orientation == Qt::Horizontal)
        return sourceModel()->headerData(section, orientation, role);
    if (section < 0 || size_t(section) >= m_visible.size())
        return {};
    return sourceModel()->headerData(m_visible[size_t(section)], orientation, role);
}

} // namespace thingdeck
