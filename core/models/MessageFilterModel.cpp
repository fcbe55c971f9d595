#include "models/MessageFilterModel.h"

#include "models/MessageTableModel.h"

#include <algorithm>

namespace thingdeck {

namespace {

bool isAscii(const QString &text)
{
    return std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.unicode() < 0x80; });
}

} // namespace

MessageFilterModel::MessageFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(MessageTableModel::RawRole);
}

void MessageFilterModel::setTopicFilter(const std::optional<TopicFilter> &filter)
{
    if (filter == m_topicFilter)
        return;
    m_topicFilter = filter;
    invalidateFilter();
}

void MessageFilterModel::setSearchText(const QString &text)
{
    if (text == m_searchText)
        return;
    m_searchText = text;
    m_searchLatin1 = isAscii(text) ? text.toLatin1() : QByteArray();
    invalidateFilter();
}

bool MessageFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (!m_topicFilter && m_searchText.isEmpty())
        return true;
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const QString topic = index.data(MessageTableModel::TopicRole).toString();
    if (m_topicFilter && !m_topicFilter->matches(topic))
        return false;
    return m_searchText.isEmpty() ||
           matchesText(topic, index.data(MessageTableModel::PayloadRole).toByteArray());
}

bool MessageFilterModel::matchesText(const QString &topic, const QByteArray &payload) const
{
    if (topic.contains(m_searchText, Qt::CaseInsensitive))
        return true;
    // Read as Latin-1, UTF-8 bytes fold only ASCII letters against an ASCII needle (the
    // Latin-1 case pairs are bytes >= 0x80), so this is an exact, allocation-free search.
    if (!m_searchLatin1.isEmpty())
        return QLatin1String(payload).contains(QLatin1String(m_searchLatin1), Qt::CaseInsensitive);
    return QString::fromUtf8(payload).contains(m_searchText, Qt::CaseInsensitive);
}

} // namespace thingdeck
