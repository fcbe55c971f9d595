#pragma once

#include "Result.h"

#include <QString>
#include <QStringList>

namespace thingdeck {

/// An MQTT topic filter for subscriptions: '+' takes a whole level, '#' only the whole last
/// level. Matching follows MQTT: a wildcard in the first level never matches a topic that
/// starts with '$'.
class TopicFilter
{
public:
    static Result<TopicFilter, QString> create(const QString &text);
    static QString validate(const QString &text);

    bool matches(const QString &topic) const;
    const QString &toString() const { return m_text; }
    bool operator==(const TopicFilter &other) const = default;

private:
    explicit TopicFilter(QString text);
    QString m_text;
    QStringList m_levels;
};

} // namespace thingdeck
