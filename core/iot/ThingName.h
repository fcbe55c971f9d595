#pragma once

#include "Result.h"

#include <QString>

namespace thingdeck {

/// The name of a thing in the AWS IoT registry and of the thing a shadow belongs to:
/// 1–128 characters of `[a-zA-Z0-9:_-]` (aws-iot.md §3, §4). Only valid names can be made, so
/// a request for a malformed name is refused before it is sent.
class ThingName
{
public:
    static constexpr int kMaxLength = 128;

    static Result<ThingName, QString> create(const QString &text);
    /// Why `text` is not a valid thing name, or an empty string when it is.
    static QString validate(const QString &text);

    const QString &toString() const { return m_text; }
    bool operator==(const ThingName &other) const = default;

private:
    explicit ThingName(QString text)
        : m_text(std::move(text))
    {}
    QString m_text;
};

} // namespace thingdeck
