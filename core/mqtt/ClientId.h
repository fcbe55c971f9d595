#pragma once

#include "Result.h"

#include <QByteArray>
#include <QString>

namespace thingdeck {

/// An MQTT client id for AWS IoT: 1–128 bytes of UTF-8 without NUL (aws-iot.md §6). AWS
/// reserves nothing else, so any other character is allowed. An empty id (MQTT 5 lets the
/// server assign one) is not a ClientId; callers that want that leave the id out.
class ClientId
{
public:
    static constexpr int kMaxBytes = 128;

    static Result<ClientId, QString> create(const QString &text);
    /// Why `text` is not a valid client id, or an empty string when it is.
    static QString validate(const QString &text);

    const QString &toString() const { return m_text; }
    QByteArray toUtf8() const { return m_text.toUtf8(); }
    bool operator==(const ClientId &other) const = default;

private:
    explicit ClientId(QString text)
        : m_text(std::move(text))
    {}
    QString m_text;
};

} // namespace thingdeck
