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

QString IotNameRule::check(const QString &text) const
{
    const QString name = QLatin1String(what);
    if (text.isEmpty() && minLength > 0)
        return QStringLiteral("The %1 is empty; AWS IoT requires %2 to %3 characters.")
            .arg(name)
            .arg(minLength)
            .arg(maxLength);
    if (text.size() > maxLength)
        return QStringLiteral("The %1 is %2 characters long; AWS IoT allows at most %3.")
            .arg(name)
            .arg(text.size())
            .arg(maxLength);
    const QLatin1String extra(extraChars);
    for (QChar c : text) {
        if (!isAllowed(c, extra))
            return QStringLiteral("The %1 \"%2\" contains %3; AWS IoT allows only %4.")
                .arg(name, text, shown(c), QLatin1String(pattern));
    }
    return {};
}

} // namespace thingdeck
