#include "iot/JsonSyntax.h"

#include "iot/JsonToken.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <algorithm>

namespace thingdeck {
namespace {

using Kind = JsonToken::Kind;

bool isJsonSpace(QChar c)
{
    return c == u' ' || c == u'\t' || c == u'\n' || c == u'\r';
}

int firstNonSpace(const QString &text)
{
    const auto *const it = std::find_if_not(text.cbegin(), text.cend(), isJsonSpace);
    return it == text.cend() ? -1 : int(it - text.cbegin());
}

/// The character offset of UTF-8 byte `byteOffset` of `text` (QJsonParseError counts bytes).
/// Offsets past the end of the text continue one character per byte.
int charOffsetOfUtf8(const QString &text, qsizetype byteOffset)
{
    qsizetype bytes = 0;
    qsizetype i = 0;
    while (i < text.size() && bytes < byteOffset) {
        const char16_t unit = text.at(i).unicode();
        if (QChar::isHighSurrogate(unit) && i + 1 < text.size() &&
            QChar::isLowSurrogate(text.at(i + 1).unicode())) {
            bytes += 4;
            i += 2;
            continue;
        }
        bytes += unit < 0x80 ? 1 : unit < 0x800 ? 2 : 3;
        ++i;
    }
    return int(i + std::max<qsizetype>(0, byteOffset - bytes));
}

JsonSyntaxError errorAt(const QString &text, int offset, const QString &sentence)
{
    const QStringView before = QStringView(text).left(offset);
    const int line = int(before.count(u'\n')) + 1;
    const int column = int(offset - (before.lastIndexOf(u'\n') + 1)) + 1;
    return {line, column, offset,
            QStringLiteral("Line %1, column %2: %3.")
                .arg(QString::number(line), QString::number(column), sentence)};
}

/// A place in the text and what is wrong there.
struct Finding
{
    int offset = 0;
    QString sentence;
};

/// Turns Qt's error code and offset into the offending token and a sentence about it. Qt's
/// offset is where its reading stopped: usually just after the offending character (which it
/// had already read), sometimes at it, and at the end of the text when the text ran out. The
/// text is parsed again with a character after it that no JSON can continue with, so that
/// "ran out of text" and "read a wrong last character" cannot give the same offset.
class ErrorLocator
{
public:
    explicit ErrorLocator(const QString &text)
        : m_text(text)
        , m_tokens(JsonToken::tokenize(text))
    {}

    std::optional<Finding> unclosedString() const;
    Finding locate() const;

private:
    Finding locate(QJsonParseError::ParseError error, int stop) const;
    Finding atEnd() const;
    Finding afterValue(QJsonParseError::ParseError error, int at) const;
    Finding missingValue(int closer) const;
    Finding badValue(int at) const;
    Finding badEscape(int stop) const;
    Finding garbage(int at) const;

    int lastNonSpaceBefore(int offset) const;
    const JsonToken *tokenAt(int offset) const;
    const JsonToken *wordAt(int offset) const;
    QString quoted(int offset) const;

    const QString &m_text;
    QList<JsonToken> m_tokens;
};

std::optional<Finding> ErrorLocator::unclosedString() const
{
    for (const JsonToken &token : m_tokens) {
        if (token.kind == Kind::String && !token.closed)
            return Finding{token.start, QStringLiteral("this string is not closed; a '\"' is "
                                                       "missing before the end of the line")};
    }
    return std::nullopt;
}

Finding ErrorLocator::locate() const
{
    QByteArray bytes = m_text.toUtf8();
    bytes.append('#');
    QJsonParseError error;
    QJsonDocument::fromJson(bytes, &error);
    return locate(error.error, charOffsetOfUtf8(m_text, error.offset));
}

Finding ErrorLocator::locate(QJsonParseError::ParseError error, int stop) const
{
    const int size = int(m_text.size());
    switch (error) {
    case QJsonParseError::UnterminatedString:
        return unclosedString().value_or(atEnd());
    case QJsonParseError::IllegalEscapeSequence:
        return badEscape(stop);
    case QJsonParseError::GarbageAtEnd:
        return garbage(stop);
    case QJsonParseError::IllegalNumber: {
        // Stopped after the characters that looked like a number, or at the first one.
        const JsonToken *word = wordAt(stop - 1);
        return badValue(word ? word->start : stop);
    }
    case QJsonParseError::IllegalValue: {
        // Stopped inside a misspelt true/false/null, one past it, or just after a comma.
        const JsonToken *word = wordAt(stop - 1);
        if (!word)
            word = wordAt(stop - 2);
        return badValue(word ? word->start : stop - 1);
    }
    case QJsonParseError::MissingObject:
        return missingValue(lastNonSpaceBefore(stop));
    case QJsonParseError::DeepNesting:
        return {std::clamp(stop - 1, 0, size - 1), QStringLiteral("the JSON is nested too deeply")};
    case QJsonParseError::DocumentTooLarge:
        return {0, QStringLiteral("the text is too large")};
    case QJsonParseError::IllegalUTF8String:
        return {std::clamp(stop - 1, 0, size - 1),
                QStringLiteral("the text contains a character that is not allowed")};
    default: // a wrong token after a key or value, or the end of the text
        return afterValue(error, lastNonSpaceBefore(stop));
    }
}

// The text ran out: points at its last character and says what is still open.
Finding ErrorLocator::atEnd() const
{
    const int last = std::max(0, lastNonSpaceBefore(int(m_text.size())));
    if (last < m_text.size() && m_text.at(last) == u':')
        return {last, QStringLiteral("a value is missing after ':'")};
    QList<Kind> open;
    for (const JsonToken &token : m_tokens) {
        if (token.kind == Kind::BeginObject || token.kind == Kind::BeginArray)
            open.append(token.kind);
        else if ((token.kind == Kind::EndObject || token.kind == Kind::EndArray) && !open.isEmpty())
            open.removeLast();
    }
    if (!open.isEmpty() && open.constLast() == Kind::BeginArray)
        return {last, QStringLiteral("the text ends before the array is closed; a ']' is missing")};
    return {last, QStringLiteral("the text ends before the object is closed; a '}' is missing")};
}

// Qt read the character at `at` where a ',', ':' or closing bracket belonged.
Finding ErrorLocator::afterValue(QJsonParseError::ParseError error, int at) const
{
    if (at < 0 || at >= m_text.size())
        return atEnd();
    if (const JsonToken *word = wordAt(at); word && word->start < at)
        return badValue(word->start); // the value itself is wrong: 01, 1.2.3, truex
    const int previous = lastNonSpaceBefore(at);
    const QChar before = previous >= 0 ? m_text.at(previous) : QChar();
    switch (error) {
    case QJsonParseError::MissingNameSeparator:
        return {at, QStringLiteral("a ':' is missing after the key")};
    case QJsonParseError::UnterminatedArray:
    case QJsonParseError::MissingValueSeparator:
        return {at, QStringLiteral("a ',' or ']' is missing after the value")};
    default:
        if (before == u'{' || before == u',')
            return {
                at,
                QStringLiteral("a key in double quotes is expected here, not %1").arg(quoted(at))};
        return {at, QStringLiteral("a ',' or '}' is missing after the value")};
    }
}

// Qt read the closing bracket at `closer` where a value belonged.
Finding ErrorLocator::missingValue(int closer) const
{
    if (closer < 0 || closer >= m_text.size())
        return atEnd();
    const int previous = lastNonSpaceBefore(closer);
    const QChar before = previous >= 0 ? m_text.at(previous) : QChar();
    if (before == u',')
        return {previous, QStringLiteral("there is a ',' before '%1'; JSON allows no comma after "
                                         "the last entry")
                              .arg(m_text.at(closer))};
    if (before == u':')
        return {closer, QStringLiteral("a value is missing after ':'")};
    return {closer, QStringLiteral("a value is missing before '%1'").arg(m_text.at(closer))};
}

// The literal that `word` (in lower case) misspells: true, false or null in another case, or
// cut short; empty for none.
QString literalLike(const QString &word)
{
    for (const QString &literal :
         {QStringLiteral("true"), QStringLiteral("false"), QStringLiteral("null")}) {
        if (word == literal || (word.size() >= 2 && literal.startsWith(word)))
            return literal;
    }
    return {};
}

// The token at `at` is not a value.
Finding ErrorLocator::badValue(int at) const
{
    if (at < 0 || at >= m_text.size())
        return atEnd();
    const QChar first = m_text.at(at);
    const JsonToken *word = wordAt(at);
    if (!word && first == u',')
        return {at, QStringLiteral("a value is missing before ','")};
    if (!word)
        return {at, QStringLiteral("%1 is not expected here").arg(quoted(at))};
    const QString spelling = m_text.mid(word->start, word->length);
    const QString lower = spelling.toLower();
    if (first == u'\'')
        return {at, QStringLiteral("strings must be in double quotes, not single quotes")};
    if (const QString literal = literalLike(lower); !literal.isEmpty())
        return {at, QStringLiteral("%1 is not a valid value; write %2").arg(quoted(at), literal)};
    if (first.isDigit() || first == u'-' || first == u'+' || first == u'.')
        return {at, QStringLiteral("%1 is not a valid number").arg(quoted(at))};
    return {
        at,
        QStringLiteral("%1 is not a valid value; text must be in double quotes").arg(quoted(at))};
}

// Qt stopped in or just after an escape sequence it does not know: points at its backslash.
Finding ErrorLocator::badEscape(int stop) const
{
    int at = std::min(stop, int(m_text.size()) - 1);
    const int earliest = std::max(0, at - 6);
    while (at > earliest && m_text.at(at) != u'\\')
        --at;
    const int length = at + 1 < m_text.size() && m_text.at(at + 1) == u'u' ? 6 : 2;
    return {at, QStringLiteral("'%1' is not a valid escape; use \\\", \\\\, \\/, \\b, \\f, \\n, "
                               "\\r, \\t or \\u and four hexadecimal digits")
                    .arg(m_text.mid(at, length))};
}

// Something follows the object's closing brace.
Finding ErrorLocator::garbage(int at) const
{
    if (at >= m_text.size())
        return atEnd();
    const QChar c = m_text.at(at);
    if (c == u'}' || c == u']')
        return {at,
                QStringLiteral("this '%1' closes nothing; the object has already ended").arg(c)};
    return {at, QStringLiteral("there is more text after the end of the object")};
}

// The last offset before `offset` that is not whitespace; the text's size for the character
// appended after it; -1 for none.
int ErrorLocator::lastNonSpaceBefore(int offset) const
{
    int at = std::min(offset, int(m_text.size()) + 1) - 1;
    while (at >= 0 && at < m_text.size() && isJsonSpace(m_text.at(at)))
        --at;
    return at;
}

const JsonToken *ErrorLocator::tokenAt(int offset) const
{
    const auto it = std::find_if(m_tokens.cbegin(), m_tokens.cend(), [offset](const JsonToken &t) {
        return t.start <= offset && offset < t.end();
    });
    return it == m_tokens.cend() ? nullptr : &*it;
}

const JsonToken *ErrorLocator::wordAt(int offset) const
{
    const JsonToken *token = tokenAt(offset);
    const bool word = token && (token->kind == Kind::Number || token->kind == Kind::Literal ||
                                token->kind == Kind::Invalid);
    return word ? token : nullptr;
}

// The token at `offset` in quotes for a sentence, shortened when long.
QString ErrorLocator::quoted(int offset) const
{
    constexpr int kLongest = 24;
    const JsonToken *token = tokenAt(offset);
    const int length = token ? token->end() - offset : 1;
    QString spelling = m_text.mid(offset, std::min(length, kLongest));
    if (length > kLongest)
        spelling += u'…';
    return u'\'' + spelling + u'\'';
}

void writeValue(QString &out, const QJsonValue &value, int depth);

QString indentation(int depth)
{
    return {qsizetype{depth} * 2, u' '};
}

// Strings and numbers as Qt writes them (escapes, number precision).
QString scalarText(const QJsonValue &value)
{
    const QByteArray json = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.mid(1, json.size() - 2));
}

void writeObject(QString &out, const QJsonObject &object, int depth)
{
    if (object.isEmpty()) {
        out += u"{}";
        return;
    }
    out += u"{\n";
    for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
        out += indentation(depth + 1) + scalarText(it.key()) + u": ";
        writeValue(out, it.value(), depth + 1);
        out += std::next(it) == object.constEnd() ? u"\n" : u",\n";
    }
    out += indentation(depth) + u'}';
}

void writeArray(QString &out, const QJsonArray &array, int depth)
{
    if (array.isEmpty()) {
        out += u"[]";
        return;
    }
    out += u"[\n";
    for (qsizetype i = 0; i < array.size(); ++i) {
        out += indentation(depth + 1);
        writeValue(out, array.at(i), depth + 1);
        out += i + 1 == array.size() ? u"\n" : u",\n";
    }
    out += indentation(depth) + u']';
}

void writeValue(QString &out, const QJsonValue &value, int depth)
{
    if (value.isObject())
        writeObject(out, value.toObject(), depth);
    else if (value.isArray())
        writeArray(out, value.toArray(), depth);
    else
        out += scalarText(value);
}

/// The path from the outermost object to where a token stands, as the walk of
/// locateJsonPath() keeps it: per open object its current key, per open array its index.
struct PathFrame
{
    bool object = true;
    bool expectingKey = true;
    QString step;
    int index = 0;
};

QString keyText(QStringView token)
{
    if (!token.contains(u'\\'))
        return token.mid(1, token.size() - 2).toString();
    const QByteArray json = '[' + token.toUtf8() + ']';
    return QJsonDocument::fromJson(json).array().at(0).toString();
}

// How many leading steps of `path` the open frames stand on (all of them, or fewer).
int matchedDepth(const QList<PathFrame> &frames, const QStringList &path)
{
    if (frames.size() > path.size())
        return 0;
    for (qsizetype i = 0; i < frames.size(); ++i) {
        if (frames.at(i).step != path.at(i))
            return 0;
    }
    return int(frames.size());
}

// Opens and closes frames at brackets, and moves to the next key or element at a comma.
void followStructure(QList<PathFrame> &frames, const JsonToken &token)
{
    switch (token.kind) {
    case Kind::BeginObject:
    case Kind::BeginArray:
        frames.append({token.kind == Kind::BeginObject, true, QString(), 0});
        break;
    case Kind::EndObject:
    case Kind::EndArray:
        if (!frames.isEmpty())
            frames.removeLast();
        break;
    case Kind::ValueSeparator:
        if (!frames.isEmpty() && frames.constLast().object)
            frames.last().expectingKey = true;
        else if (!frames.isEmpty())
            ++frames.last().index;
        break;
    default:
        break;
    }
}

} // namespace

Result<QJsonObject, JsonSyntaxError> parseJsonObject(const QString &text, const QString &what)
{
    const int first = firstNonSpace(text);
    if (first < 0)
        return fail(errorAt(text, 0, QStringLiteral("%1 is empty; type {} for none").arg(what)));
    if (text.at(first) != u'{')
        return fail(errorAt(text, first, QStringLiteral("%1 must be a JSON object").arg(what)));
    const ErrorLocator locator(text);
    const std::optional<Finding> unclosed = locator.unclosedString();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error == QJsonParseError::NoError && !unclosed)
        return document.object();
    Finding finding = error.error == QJsonParseError::NoError ? *unclosed : locator.locate();
    if (unclosed && unclosed->offset <= finding.offset)
        finding = *unclosed; // Qt read on into the next line and failed there
    return fail(errorAt(text, finding.offset, finding.sentence));
}

QString formatJsonObject(const QJsonObject &object)
{
    QString out;
    writeObject(out, object, 0);
    out += u'\n';
    return out;
}

QHash<int, int> matchJsonBrackets(const QString &text)
{
    QHash<int, int> partners;
    QList<JsonToken> open;
    for (const JsonToken &token : JsonToken::tokenize(text)) {
        if (token.kind == Kind::BeginObject || token.kind == Kind::BeginArray) {
            open.append(token);
            continue;
        }
        if (token.kind != Kind::EndObject && token.kind != Kind::EndArray)
            continue;
        const Kind opener = token.kind == Kind::EndObject ? Kind::BeginObject : Kind::BeginArray;
        if (open.isEmpty() || open.constLast().kind != opener)
            continue; // closes nothing, or the wrong kind: left unmatched
        partners.insert(open.constLast().start, token.start);
        partners.insert(token.start, open.constLast().start);
        open.removeLast();
    }
    return partners;
}

std::optional<int> locateJsonPath(const QString &text, const QStringList &path)
{
    QList<PathFrame> frames;
    std::optional<int> best;
    int bestDepth = 0;
    // A key, or an array element, has just put the last frame on a new step.
    const auto arrived = [&](int offset) {
        const int depth = matchedDepth(frames, path);
        if (depth > bestDepth) {
            best = offset;
            bestDepth = depth;
        }
        return depth == path.size();
    };
    for (const JsonToken &token : JsonToken::tokenize(text)) {
        PathFrame *top = frames.isEmpty() ? nullptr : &frames.last();
        if (top && top->object && top->expectingKey && token.kind == Kind::String) {
            top->step = keyText(QStringView(text).mid(token.start, token.length));
            top->expectingKey = false;
            if (arrived(token.start))
                return best;
            continue;
        }
        const bool startsValue = token.kind == Kind::BeginObject ||
                                 token.kind == Kind::BeginArray || token.kind == Kind::String ||
                                 token.kind == Kind::Number || token.kind == Kind::Literal;
        if (top && !top->object && startsValue) {
            top->step = QString::number(top->index);
            if (arrived(token.start))
                return best;
        }
        followStructure(frames, token);
    }
    return best;
}

} // namespace thingdeck
