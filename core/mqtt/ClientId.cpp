#include "mqtt/ClientId.h"

namespace thingdeck {

QString ClientId::validate(const QString &text)
{
    if (text.isEmpty())
        return QStringLiteral("A client id cannot be empty; AWS IoT requires 1 to %1 bytes.")
            .arg(kMaxBytes);
    if (text.contains(QChar(0)))
        return QStringLiteral("A client id cannot contain a NUL character.");
    // A lone surrogate has no UTF-8 form; toUtf8() would silently replace it.
    if (!text.isValidUtf16())
        return QStringLiteral("The client id is not valid Unicode (it has a lone surrogate).");
    const qsizetype bytes = text.toUtf8().size();
    if (bytes > kMaxBytes)
        return QStringLiteral("The client id is %1 bytes long in UTF-8; AWS IoT allows at most %2.")
            .arg(bytes)
            .arg(kMaxBytes);
    return {};
}

Result<ClientId, QString> ClientId::create(const QString &text)
{
    const QString problem = validate(text);
    if (!problem.isEmpty())
        return fail(problem);
    return ClientId(text);
}

} // namespace thingdeck
