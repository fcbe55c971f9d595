#include "models/ThingFilterModel.h"

#include "models/ThingListModel.h"

#include <algorithm>
#include <numeric>

namespace thingdeck {

namespace {

int compareAttributes(const QMap<QString, QString> &left, const QMap<QString, QString> &right,
                      Qt::CaseSensitivity cs)
{
    auto l = left.cbegin();
    auto r = right.cbegin();
    for (; l != left.cend() && r != right.cend(); ++l, ++r) {
        if (const int byKey = QString::compare(l.key(), r.key(), cs))
            return byKey;
        if (const int byValue = QString::compare(l.value(), r.value(), cs))
            return byValue;
    }
    return (l == left.cend() ? 0 : 1) - (r == right.cend() ? 0 : 1);
}

} // namespace

ThingFilterModel::ThingFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(ThingListModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
}

void ThingFilterModel::setSourceModel(QAbstractItemModel *sourceModel)
{
    m_things = qobject_cast<ThingListModel *>(sourceModel);
    m_ranks.clear();
    m_rankColumn = -1;
    QSortFilterProxyModel::setSourceModel(sourceModel);
}

void ThingFilterModel::setFilterText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    m_needle = text.toLower();
    if (!m_things) {
        invalidateRowsFilter();
        return;
    }
    updateRanks(sortColumn());
    invalidate();
}

void ThingFilterModel::sort(int column, Qt::SortOrder order)
{
    updateRanks(column);
    QSortFilterProxyModel::sort(column, order);
}

bool ThingFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_needle.isEmpty())
        return true;
    if (m_things)
        return m_things->searchTextAt(sourceRow).contains(m_needle);
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    return index.data(ThingListModel::SearchTextRole).toString().contains(m_needle);
}

bool ThingFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    if (!m_things || sortRole() != ThingListModel::SortRole)
        return QSortFilterProxyModel::lessThan(left, right);
    const int column = left.column();
    if (ranksValidFor(column))
        return m_ranks[size_t(left.row())] < m_ranks[size_t(right.row())];
    const int order = compareThings(left.row(), right.row(), column);
    return order != 0 ? order < 0 : left.row() < right.row();
}

bool ThingFilterModel::ranksValidFor(int column) const
{
    return column == m_rankColumn && m_rankRevision == m_things->revision() &&
           m_ranks.size() == size_t(m_things->rowCount());
}

void ThingFilterModel::updateRanks(int column)
{
    if (!m_things || column < 0 || column >= ThingListModel::ColumnCount || ranksValidFor(column))
        return;
    std::vector<int> order(size_t(m_things->rowCount()));
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [this, column](int left, int right) {
        const int byValue = compareThings(left, right, column);
        return byValue != 0 ? byValue < 0 : left < right;
    });
    m_ranks.assign(order.size(), 0);
    for (size_t position = 0; position < order.size(); ++position)
        m_ranks[size_t(order[position])] = int(position);
    m_rankColumn = column;
    m_rankRevision = m_things->revision();
}

int ThingFilterModel::compareThings(int leftRow, int rightRow, int column) const
{
    const ThingSummary &left = m_things->thingAt(leftRow);
    const ThingSummary &right = m_things->thingAt(rightRow);
    const Qt::CaseSensitivity cs = sortCaseSensitivity();
    switch (column) {
    case ThingListModel::NameColumn:
        return QString::compare(left.name, right.name, cs);
    case ThingListModel::TypeColumn:
        return QString::compare(left.typeName, right.typeName, cs);
    case ThingListModel::AttributesColumn:
        return compareAttributes(left.attributes, right.attributes, cs);
    case ThingListModel::VersionColumn:
        return left.version < right.version ? -1 : (left.version > right.version ? 1 : 0);
    default:
        return 0;
    }
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

} // namespace thingdeck
