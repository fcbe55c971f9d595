#include "iot/JsonToken.h"

#include <optional>

namespace thingdeck {
namespace {

using Kind = JsonToken::Kind;

bool isJsonSpace(QChar c)
{
    return c == u' ' || c == u'\t' || c == u'\n' || c == u'\r';
}

bool isDelimiter(QChar c)
{
    return isJsonSpace(c) || c == u'{' || c == u'}' || c == u'[' || c == u']' || c == u':' ||
           c == u',' || c == u'"';
}

std::optional<Kind> punctuation(QChar c)
{
    switch (c.unicode()) {
    case u'{':
        return Kind::BeginObject;
    case u'}':
        return Kind::EndObject;
    case u'[':
        return Kind::BeginArray;
    case u']':
        return Kind::EndArray;
    case u':':
        return Kind::NameSeparator;
    case u',':
        return Kind::ValueSeparator;
    default:
        return std::nullopt;
    }
}

bool isDigit(QChar c)
{
    return c >= u'0' && c <= u'9';
}

// Skips digits from `i`; false when there were none.
bool skipDigits(QStringView word, qsizetype &i)
{
    const qsizetype from = i;
    while (i < word.size() && isDigit(word[i]))
        ++i;
    return i > from;
}

// number = [ "-" ] ( "0" / digit1-9 *digit ) [ "." 1*digit ] [ ( "e" / "E" ) [ "+" / "-" ] 1*digit
// ]
bool isJsonNumber(QStringView word)
{
    qsizetype i = 0;
    if (i < word.size() && word[i] == u'-')
        ++i;
    if (i < word.size() && word[i] == u'0')
        ++i;
    else if (!skipDigits(word, i))
        return false;
    if (i < word.size() && word[i] == u'.' && !skipDigits(word, ++i))
        return false;
    if (i < word.size() && (word[i] == u'e' || word[i] == u'E')) {
        ++i;
        if (i < word.size() && (word[i] == u'+' || word[i] == u'-'))
            ++i;
        if (!skipDigits(word, i))
            return false;
    }
    return i == word.size();
}

Kind classifyWord(QStringView word)
{
    if (word == u"true" || word == u"false" || word == u"null")
        return Kind::Literal;
    return isJsonNumber(word) ? Kind::Number : Kind::Invalid;
}

// The string token starting at the quote at `start`: up to its closing quote, or up to the end
// of the line when there is none. A backslash escapes the next character (never a line break).
JsonToken stringAt(QStringView text, qsizetype start)
{
    qsizetype i = start + 1;
    while (i < text.size() && text[i] != u'\n') {
        if (text[i] == u'"')
            return {Kind::String, int(start), int(i + 1 - start), true};
        i += (text[i] == u'\\' && i + 1 < text.size() && text[i + 1] != u'\n') ? 2 : 1;
    }
    return {Kind::String, int(start), int(i - start), false};
}

JsonToken wordAt(QStringView text, qsizetype start)
{
    qsizetype i = start;
    while (i < text.size() && !isDelimiter(text[i]))
        ++i;
    return {classifyWord(text.mid(start, i - start)), int(start), int(i - start), true};
}

} // namespace

QList<JsonToken> JsonToken::tokenize(QStringView text)
{
    QList<JsonToken> tokens;
    qsizetype i = 0;
    while (i < text.size()) {
        const QChar c = text[i];
        if (isJsonSpace(c)) {
            ++i;
            continue;
        }
        if (const auto kind = punctuation(c))
            tokens.append({*kind, int(i), 1, true});
        else if (c == u'"')
            tokens.append(stringAt(text, i));
        else
            tokens.append(wordAt(text, i));
        i = tokens.constLast().end();
    }
    return tokens;
}

} // namespace thingdeck
