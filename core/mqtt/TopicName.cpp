#include "mqtt/TopicName.h"

namespace thingdeck {

namespace {

constexpr int kMaxTopicBytes = 256;
constexpr int kMaxSlashes = 7;

} // namespace

QString TopicName::validate(const QString &text)
{
    if (text.isEmpty())
        return QStringLiteral("A topic name cannot be empty.");
    if (text.contains(QLatin1Char('+')) || text.contains(QLatin1Char('#')))
        return QStringLiteral("The topic name \"%1\" contains a wildcard (+ or #); wildcards are "
                              "only allowed in subscriptions.")
            .arg(text);
    if (text.contains(QChar(0)))
        return QStringLiteral("A topic name cannot contain a NUL character.");
    const qsizetype bytes = text.toUtf8().size();
    if (bytes > kMaxTopicBytes)
        return QStringLiteral("The topic name is %1 bytes long; AWS IoT allows at most %2.")
            .arg(bytes)
            .arg(kMaxTopicBytes);
    const bool reserved = text.startsWith(QLatin1String("$aws/"));
    if (!reserved && text.count(QLatin1Char('/')) > kMaxSlashes)
        return QStringLiteral("The topic name \"%1\" has more than %2 levels separators (/); AWS "
                              "IoT allows at most %2.")
            .arg(text)
            .arg(kMaxSlashes);
    return {};
}

Result<TopicName, QString> TopicName::create(const QString &text)
{
    const QString problem = validate(text);
    if (!problem.isEmpty())
        return fail(problem);
    return TopicName(text);
}

} // namespace thingdeck
