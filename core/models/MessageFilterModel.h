#pragma once

#include "mqtt/TopicFilter.h"

#include <QSortFilterProxyModel>

#include <optional>

namespace thingdeck {

/// Filters a MessageTableModel by an MQTT topic filter and by a case-insensitive text that
/// must occur in the topic or the payload, and sorts on the raw values. It reads only the raw
/// roles and never formats a payload: an ASCII text is searched in the payload bytes directly,
/// any other text in the payload decoded as UTF-8.
class MessageFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit MessageFilterModel(QObject *parent = nullptr);

    const std::optional<TopicFilter> &topicFilter() const { return m_topicFilter; }
    /// Keeps only messages whose topic matches; std::nullopt keeps every topic.
    void setTopicFilter(const std::optional<TopicFilter> &filter);

    const QString &searchText() const { return m_searchText; }
    /// Keeps only messages with this text in the topic or payload; empty keeps all.
    void setSearchText(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    bool matchesText(const QString &topic, const QByteArray &payload) const;

    std::optional<TopicFilter> m_topicFilter;
    QString m_searchText;
    QByteArray m_searchLatin1; ///< the search text when it is ASCII; empty otherwise
};

} // namespace thingdeck
