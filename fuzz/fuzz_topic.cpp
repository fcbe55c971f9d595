// Topic name and topic filter parsing and matching. Fields: filter, topic.
// Properties: TopicFilter::matches() agrees with the character-level reference matcher below
// (MQTT 3.1.1 §4.7) for every valid filter and any topic; a valid topic name has no wildcard
// or NUL and fits AWS's 256 bytes; a valid topic name is a valid filter that matches itself,
// and "#" matches it unless it starts with '$'.

#include "FuzzSupport.h"

#include "mqtt/TopicFilter.h"
#include "mqtt/TopicName.h"

#include <string>

using namespace thingdeck;

namespace {

// Written independently of TopicFilter (which works level by level): walks both strings
// character by character. `filter` must be a valid filter.
bool referenceMatch(const std::string &filter, size_t f, const std::string &topic, size_t t)
{
    if (f == filter.size())
        return t == topic.size();
    if (filter[f] == '#')
        return true;
    if (filter[f] == '+') { // any level, the empty one included
        while (t < topic.size() && topic[t] != '/')
            ++t;
        return referenceMatch(filter, f + 1, topic, t);
    }
    // "a/#" also matches "a": the parent level of a multi-level wildcard.
    if (t == topic.size())
        return filter.compare(f, std::string::npos, "/#") == 0;
    return filter[f] == topic[t] && referenceMatch(filter, f + 1, topic, t + 1);
}

bool referenceMatches(const std::string &filter, const std::string &topic)
{
    const bool wildcardFirst = !filter.empty() && (filter[0] == '+' || filter[0] == '#');
    if (wildcardFirst && !topic.empty() && topic[0] == '$')
        return false;
    return referenceMatch(filter, 0, topic, 0);
}

void checkName(const QString &text)
{
    const auto name = TopicName::create(text);
    if (!name.ok()) {
        FUZZ_CHECK(!name.error().isEmpty());
        return;
    }
    FUZZ_CHECK(!text.contains(QLatin1Char('+')) && !text.contains(QLatin1Char('#')));
    FUZZ_CHECK(!text.contains(QChar(0)) && text.toUtf8().size() <= 256);
    const auto self = TopicFilter::create(text);
    FUZZ_CHECK(self.ok() && self.value().matches(text));
    const auto all = TopicFilter::create(QStringLiteral("#"));
    FUZZ_CHECK(all.value().matches(text) == !text.startsWith(QLatin1Char('$')));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> field = fuzz::fields(fuzz::input(data, size), 2);
    // Compare on what QString holds, as invalid UTF-8 becomes U+FFFD.
    const QString filterText = QString::fromUtf8(field.at(0));
    const QString topicText = QString::fromUtf8(field.at(1));
    checkName(topicText);
    checkName(filterText);
    const auto filter = TopicFilter::create(filterText);
    if (!filter.ok()) {
        FUZZ_CHECK(!filter.error().isEmpty());
        return 0;
    }
    FUZZ_CHECK(TopicFilter::validate(filterText).isEmpty());
    const bool expected =
        referenceMatches(filterText.toUtf8().toStdString(), topicText.toUtf8().toStdString());
    FUZZ_CHECK(filter.value().matches(topicText) == expected);
    return 0;
}
