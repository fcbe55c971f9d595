#include "TopicFilterOverlap.h"

#include <QStringList>

namespace thingdeck {

namespace {

bool isWildcard(const QString &level)
{
    return level == QLatin1String("+") || level == QLatin1String("#");
}

// A wildcard first level matches only topics without a leading '$', and a literal first level
// that starts with '$' matches only such topics.
bool dollarRuleSeparates(const QString &first, const QString &second)
{
    return isWildcard(first) && !isWildcard(second) && second.startsWith(QLatin1Char('$'));
}

} // namespace

bool overlaps(const TopicFilter &a, const TopicFilter &b)
{
    const QStringList left = a.toString().split(QLatin1Char('/'));
    const QStringList right = b.toString().split(QLatin1Char('/'));
    if (dollarRuleSeparates(left.first(), right.first()) ||
        dollarRuleSeparates(right.first(), left.first()))
        return false;
    for (qsizetype i = 0;; ++i) {
        const bool leftEnded = i == left.size();
        const bool rightEnded = i == right.size();
        // '#' matches the rest, however long, and also the level above it: a/# matches a.
        if ((!leftEnded && left[i] == QLatin1String("#")) ||
            (!rightEnded && right[i] == QLatin1String("#")))
            return true;
        if (leftEnded || rightEnded)
            return leftEnded && rightEnded;
        if (left[i] != right[i] && left[i] != QLatin1String("+") && right[i] != QLatin1String("+"))
            return false;
    }
}

} // namespace thingdeck
