#include "iot/IotNameRule.h"

namespace thingdeck {

namespace {

bool isAllowed(QChar c, QLatin1String extra)
{
    const char16_t u = c.unicode();
    return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
           extra.contains(c);
}

// Control characters and spaces are shown by code, so that the message stays readable.
QString shown(QChar c)
{
    if (c.isPrint() && !c.isSpace())
        return QStringLiteral("'") + c + QStringLiteral("'");
    return QStringLiteral("U+%1").arg(c.unicode(), 4, 16, QLatin1Char('0')).toUpper();
}

} // namespace

std::optional<IotNameViolation> IotNameRule::violation(const QString &text) const
{
    if (text.size() < minLength)
        return IotNameViolation{IotNameViolation::Kind::TooShort, QChar()};
    if (text.size() > maxLength)
        return IotNameViolation{IotNameViolation::Kind::TooLong, QChar()};
    const QLatin1String extra(extraChars);
    for (QChar c : text) {
        if (!isAllowed(c, extra))
            return IotNameViolation{IotNameViolation::Kind::BadCharacter, c};
    }
    return std::nullopt;
}

// Every rule's minimum is 0 or 1, so "too short" always means "empty".
QString IotNameRule::check(const QString &text) const
{
    const auto broken = violation(text);
    if (!broken)
        return {};
    const QString name = QLatin1String(what);
    switch (broken->kind) {
    case IotNameViolation::Kind::TooShort:
        return QStringLiteral("The %1 is empty; AWS IoT requires %2 to %3 characters.")
            .arg(name)
            .arg(minLength)
            .arg(maxLength);
    case IotNameViolation::Kind::TooLong:
        return QStringLiteral("The %1 is %2 characters long; AWS IoT allows at most %3.")
            .arg(name)
            .arg(text.size())
            .arg(maxLength);
    case IotNameViolation::Kind::BadCharacter:
        break;
    }
    return QStringLiteral("The %1 \"%2\" contains %3; AWS IoT allows only %4.")
        .arg(name, text, shown(broken->character), QLatin1String(pattern));
}

} // namespace thingdeck
