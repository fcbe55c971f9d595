#pragma once

#include "Result.h"

#include <QString>

namespace thingdeck {

/// Which shadow of a thing: the classic (unnamed) shadow, or a named shadow whose name is
/// 1–64 characters of `[$a-zA-Z0-9:_-]` (aws-iot.md §4). The classic shadow is a value of its
/// own rather than an empty name, so that an empty text field cannot silently address it.
class ShadowName
{
public:
    static constexpr int kMaxLength = 64;

    /// The classic shadow, `$aws/things/<thing>/shadow` (no `name` query parameter).
    static ShadowName classic() { return ShadowName(QString()); }
    /// A named shadow; an empty `text` is refused (use classic()).
    static Result<ShadowName, QString> create(const QString &text);
    /// Why `text` is not a valid shadow name, or an empty string when it is.
    static QString validate(const QString &text);

    bool isClassic() const { return m_text.isEmpty(); }
    /// The name; empty for the classic shadow.
    const QString &toString() const { return m_text; }
    bool operator==(const ShadowName &other) const = default;

private:
    explicit ShadowName(QString text)
        : m_text(std::move(text))
    {}
    QString m_text;
};

} // namespace thingdeck
