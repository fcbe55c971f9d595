#pragma once

#include "Result.h"

#include <QString>

namespace thingdeck {

/// An MQTT topic name that may be published to: no wildcards, and within AWS IoT's limits
/// (at most 256 UTF-8 bytes and 7 slashes; reserved "$aws/" topics are exempt from the slash
/// count, as AWS counts only the customer part).
class TopicName
{
public:
    static Result<TopicName, QString> create(const QString &text);
    /// Why `text` is not a valid topic name, or an empty string when it is.
    static QString validate(const QString &text);

    const QString &toString() const { return m_text; }
    bool operator==(const TopicName &other) const = default;

private:
    explicit TopicName(QString text)
        : m_text(std::move(text))
    {}
    QString m_text;
};

} // namespace thingdeck
