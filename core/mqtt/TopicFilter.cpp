#include "mqtt/TopicFilter.h"

namespace thingdeck {

namespace {

constexpr int kMaxFilterBytes = 256;

QString levelProblem(const QStringList &levels, qsizetype i)
{
    const QString &level = levels[i];
    if (level.contains(QLatin1Char('#')) && (level.size() > 1 || i + 1 < levels.size()))
        return QStringLiteral("'#' must be a whole level and the last one");
    if (level.contains(QLatin1Char('+')) && level.size() > 1)
        return QStringLiteral("'+' must be a whole level");
    return {};
}

} // namespace

TopicFilter::TopicFilter(QString text)
    : m_text(std::move(text))
    , m_levels(m_text.split(QLatin1Char('/')))
{}

QString TopicFilter::validate(const QString &text)
{
    if (text.isEmpty())
        return QStringLiteral("A topic filter cannot be empty.");
    if (text.toUtf8().size() > kMaxFilterBytes)
        return QStringLiteral("The topic filter is longer than %1 bytes.").arg(kMaxFilterBytes);
    // MQTT forbids U+0000 in topic filters as in topic names.
    if (text.contains(QChar(0)))
        return QStringLiteral("A topic filter cannot contain a NUL character.");
    const QStringList levels = text.split(QLatin1Char('/'));
    for (qsizetype i = 0; i < levels.size(); ++i) {
        const QString problem = levelProblem(levels, i);
        if (!problem.isEmpty())
            return QStringLiteral("The topic filter \"%1\" is invalid: %2.").arg(text, problem);
    }
    return {};
}

Result<TopicFilter, QString> TopicFilter::create(const QString &text)
{
    const QString problem = validate(text);
    if (!problem.isEmpty())
        return fail(problem);
    return TopicFilter(text);
}

bool TopicFilter::matches(const QString &topic) const
{
    const QStringList levels = topic.split(QLatin1Char('/'));
    const bool firstIsWildcard =
        m_levels.first() == QLatin1String("+") || m_levels.first() == QLatin1String("#");
    if (firstIsWildcard && topic.startsWith(QLatin1Char('$')))
        return false;
    for (qsizetype i = 0; i < m_levels.size(); ++i) {
        if (m_levels[i] == QLatin1String("#"))
            return true;
        if (i >= levels.size())
            return false;
        if (m_levels[i] != QLatin1String("+") && m_levels[i] != levels[i])
            return false;
    }
    return levels.size() == m_levels.size();
}

} // namespace thingdeck
