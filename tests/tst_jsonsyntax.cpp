// JsonSyntax: a text checked as one JSON object (errors with their line, column and sentence),
// formatted back, and the token-level questions the JSON editor asks (tokens, brackets, paths).
#include "iot/JsonSyntax.h"
#include "iot/JsonToken.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>

using namespace thingdeck;

namespace {

using Kind = JsonToken::Kind;

using Pairs = QList<QPair<int, int>>; // offsets of an opening bracket and its partner

const QString kWhat = QStringLiteral("the desired state");

// Line and column of `offset` counted here independently of the code under test: 1-based,
// a tab and any other character counting one.
QPair<int, int> lineAndColumn(const QString &text, int offset)
{
    int line = 1;
    int column = 1;
    for (int i = 0; i < offset; ++i) {
        if (text.at(i) == u'\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return {line, column};
}

QJsonObject objectOf(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}

} // namespace

class tst_JsonSyntax : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void invalid_data();
    void invalid();
    void valid_data();
    void valid();
    void subjectIsNamed();
    void format_data();
    void format();
    void formatRoundTrips_data();
    void formatRoundTrips();
    void tokenize_data();
    void tokenize();
    void brackets_data();
    void brackets();
    void locatePath_data();
    void locatePath();
};

void tst_JsonSyntax::invalid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");
    QTest::addColumn<QString>("mentions"); // a fragment the sentence must contain

    const auto row = [](const char *name, const QString &text, int line, int column,
                        const char *mentions) {
        QTest::newRow(name) << text << line << column << QString::fromUtf8(mentions);
    };
    row("empty", QString(), 1, 1, "empty; type {} for none");
    row("whitespace only", QStringLiteral("  \n\t \n"), 1, 1, "empty");
    row("array at top level", QStringLiteral("[1, 2]"), 1, 1, "must be a JSON object");
    row("array after blank lines", QStringLiteral("\n\n  [1]"), 3, 3, "must be a JSON object");
    row("number at top level", QStringLiteral("42"), 1, 1, "must be a JSON object");
    row("string at top level", QStringLiteral("\"on\""), 1, 1, "must be a JSON object");
    row("missing comma between members",
        QStringLiteral("{\n  \"units\": \"metric\"\n  \"reportIntervalSeconds\": 30\n}"), 3, 3,
        "','");
    row("missing comma on one line", QStringLiteral("{\"a\": 1 \"b\": 2}"), 1, 9, "','");
    row("missing comma in array", QStringLiteral("{\"a\": [1 2]}"), 1, 10, "']'");
    row("trailing comma in object", QStringLiteral("{\n  \"a\": 1,\n}"), 2, 9, "','");
    row("trailing comma in array", QStringLiteral("{\"a\": [1, 2,]}"), 1, 12, "','");
    row("unterminated string at the end", QStringLiteral("{\"a\": \"abc"), 1, 7, "not closed");
    row("unterminated string before more lines",
        QStringLiteral("{\n  \"a\": \"abc,\n  \"b\": 2\n}"), 2, 8, "not closed");
    row("line break inside a string", QStringLiteral("{\"a\": \"x\ny\"}"), 1, 7, "not closed");
    row("missing colon", QStringLiteral("{\"a\" 1}"), 1, 6, "':'");
    row("missing value", QStringLiteral("{\"a\": }"), 1, 7, "value is missing");
    row("comma instead of value", QStringLiteral("{\"a\": ,\"b\": 1}"), 1, 7, "value is missing");
    row("unquoted key", QStringLiteral("{units: 1}"), 1, 2, "double quotes");
    row("unquoted text value", QStringLiteral("{\"a\": metric}"), 1, 7, "'metric'");
    row("single quotes", QStringLiteral("{\"a\": 'x'}"), 1, 7, "double quotes");
    row("capitalised literal", QStringLiteral("{\"a\": True}"), 1, 7, "true");
    row("misspelt literal after a tab", QStringLiteral("{\n\t\"on\": tru\n}"), 2, 8, "'tru'");
    row("leading zero", QStringLiteral("{\"a\": 01}"), 1, 7, "'01'");
    row("two decimal points", QStringLiteral("{\"a\": 1.2.3}"), 1, 7, "'1.2.3'");
    row("bad escape", QStringLiteral("{\"a\": \"\\u12G4\"}"), 1, 8, "escape");
    row("array closed by a brace", QStringLiteral("{\"a\": [1, 2}"), 1, 12, "']'");
    row("object not closed", QStringLiteral("{\n  \"a\": 1\n"), 2, 8, "'}'");
    row("array not closed", QStringLiteral("{\"a\": [1, 2"), 1, 11, "']'");
    row("ends after a colon", QStringLiteral("{\"a\":"), 1, 5, "value is missing");
    row("text after the object", QStringLiteral("{\"a\": 1}  x"), 1, 11, "after the end");
    row("brace too many", QStringLiteral("{\"a\": 1}}"), 1, 9, "closes nothing");
    // Non-ASCII characters before the error: Qt counts UTF-8 bytes, the column characters.
    row("umlauts before the error", QString::fromUtf8("{\"name\": \"Zürich café\" \"b\": 1}"), 1,
        24, "','");
    row("cyrillic key before the error", QString::fromUtf8("{\"ключ\": \"значение\" 5}"), 1, 21,
        "','");
    row("emoji counts two characters", QString::fromUtf8("{\"a\": \"😀\", \"b\": tru}"), 1, 18,
        "'tru'");
    row("non-ASCII on earlier lines",
        QString::fromUtf8("{\n  \"städte\": [\"Köln\", \"Genève\"],\n  \"x\": 1,,\n}"), 3, 10,
        "key in double quotes");
}

void tst_JsonSyntax::invalid()
{
    QFETCH(QString, text);
    QFETCH(int, line);
    QFETCH(int, column);
    QFETCH(QString, mentions);

    const auto result = parseJsonObject(text, kWhat);
    QVERIFY(!result.ok());
    const JsonSyntaxError &error = result.error();
    QCOMPARE(error.line, line);
    QCOMPARE(error.column, column);
    QVERIFY(error.offset >= 0 && error.offset <= text.size());
    QCOMPARE(lineAndColumn(text, error.offset), qMakePair(line, column));
    const QString prefix = QStringLiteral("Line %1, column %2: ").arg(line).arg(column);
    QVERIFY2(error.message.startsWith(prefix), qPrintable(error.message));
    QVERIFY2(error.message.endsWith(u'.'), qPrintable(error.message));
    QVERIFY2(error.message.contains(mentions), qPrintable(error.message));
    // Plain sentences, not Qt's wording.
    for (const char *qtWording : {"unterminated", "illegal", "garbage", "separator"})
        QVERIFY2(!error.message.contains(QLatin1String(qtWording)), qPrintable(error.message));
    // Pointing at a character of the text, not past its end (only an empty text has none).
    if (!text.trimmed().isEmpty())
        QVERIFY(error.offset < text.size());
}

void tst_JsonSyntax::valid_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QJsonObject>("expected");

    QTest::newRow("empty object") << QStringLiteral("{}") << QJsonObject();
    QTest::newRow("spaces around")
        << QStringLiteral("\n  {\"a\": 1}\n\n") << QJsonObject{{QStringLiteral("a"), 1}};
    QTest::newRow("nested") << QStringLiteral("{\n  \"lights\": {\"color\": {\"r\": 255, \"g\": "
                                              "0}},\n  \"modes\": [\"eco\", \"boost\"]\n}")
                            << QJsonObject{
                                   {QStringLiteral("lights"),
                                    QJsonObject{{QStringLiteral("color"),
                                                 QJsonObject{{QStringLiteral("r"), 255},
                                                             {QStringLiteral("g"), 0}}}}},
                                   {QStringLiteral("modes"),
                                    QJsonArray{QStringLiteral("eco"), QStringLiteral("boost")}}};
    QTest::newRow("escaped quotes and backslashes")
        << QStringLiteral("{\"say\": \"\\\"hi\\\" \\\\ there\"}")
        << QJsonObject{{QStringLiteral("say"), QStringLiteral("\"hi\" \\ there")}};
    QTest::newRow("literals and numbers")
        << QStringLiteral("{\"t\": true, \"f\": false, \"n\": null, \"x\": -1.5e3, \"z\": 0}")
        << QJsonObject{{QStringLiteral("t"), true},
                       {QStringLiteral("f"), false},
                       {QStringLiteral("n"), QJsonValue::Null},
                       {QStringLiteral("x"), -1500.0},
                       {QStringLiteral("z"), 0}};
    QTest::newRow("non-ASCII and tabs")
        << QString::fromUtf8("{\t\"städte\":\t[\"Köln\", \"😀\"]}")
        << QJsonObject{{QString::fromUtf8("städte"),
                        QJsonArray{QString::fromUtf8("Köln"), QString::fromUtf8("😀")}}};
    QTest::newRow("empty containers")
        << QStringLiteral("{\"a\": {}, \"b\": []}")
        << QJsonObject{{QStringLiteral("a"), QJsonObject()}, {QStringLiteral("b"), QJsonArray()}};
}

void tst_JsonSyntax::valid()
{
    QFETCH(QString, text);
    QFETCH(QJsonObject, expected);

    const auto result = parseJsonObject(text, kWhat);
    QVERIFY2(result.ok(), result.ok() ? "" : qPrintable(result.error().message));
    QCOMPARE(result.value(), expected);
}

void tst_JsonSyntax::subjectIsNamed()
{
    QVERIFY(parseJsonObject(QString(), kWhat).error().message.contains(kWhat));
    QVERIFY(parseJsonObject(QStringLiteral("[]"), kWhat).error().message.contains(kWhat));
    QCOMPARE(parseJsonObject(QStringLiteral("[]"), kWhat).error().message,
             QStringLiteral("Line 1, column 1: the desired state must be a JSON object."));
    QVERIFY(parseJsonObject(QString()).error().message.contains(QStringLiteral("the document")));
}

void tst_JsonSyntax::format_data()
{
    QTest::addColumn<QJsonObject>("object");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << QJsonObject() << QStringLiteral("{}\n");
    QTest::newRow("flat, keys sorted") << objectOf(R"({"b": 2, "a": "x"})")
                                       << QStringLiteral("{\n  \"a\": \"x\",\n  \"b\": 2\n}\n");
    QTest::newRow("nested") << objectOf(R"({"b": [1, {"c": true}], "a": {"d": null}})")
                            << QStringLiteral("{\n"
                                              "  \"a\": {\n"
                                              "    \"d\": null\n"
                                              "  },\n"
                                              "  \"b\": [\n"
                                              "    1,\n"
                                              "    {\n"
                                              "      \"c\": true\n"
                                              "    }\n"
                                              "  ]\n"
                                              "}\n");
    QTest::newRow("empty containers")
        << objectOf(R"({"a": {}, "b": []})") << QStringLiteral("{\n  \"a\": {},\n  \"b\": []\n}\n");
    QTest::newRow("escapes") << objectOf(R"({"q": "say \"hi\"\n"})")
                             << QStringLiteral("{\n  \"q\": \"say \\\"hi\\\"\\n\"\n}\n");
}

void tst_JsonSyntax::format()
{
    QFETCH(QJsonObject, object);
    QFETCH(QString, expected);
    QCOMPARE(formatJsonObject(object), expected);
}

void tst_JsonSyntax::formatRoundTrips_data()
{
    QTest::addColumn<QJsonObject>("object");

    QTest::newRow("empty") << QJsonObject();
    QTest::newRow("scalars") << objectOf(
        R"({"i": 42, "d": 0.1, "big": 1e300, "neg": -7, "s": "x", "t": true, "n": null})");
    QTest::newRow("deep") << objectOf(R"({"a": {"b": {"c": {"d": [1, [2, [3, {"e": []}]]]}}}})");
    QTest::newRow("unicode and escapes") << QJsonObject{
        {QString::fromUtf8("clé"), QString::fromUtf8("tab\there \"quoted\" 😀 \\ /")}};
}

void tst_JsonSyntax::formatRoundTrips()
{
    QFETCH(QJsonObject, object);
    const QString text = formatJsonObject(object);
    QVERIFY(text.endsWith(u'\n'));
    const auto parsed = parseJsonObject(text);
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error().message));
    QCOMPARE(parsed.value(), object);
    QCOMPARE(formatJsonObject(parsed.value()), text);
    // Two spaces per level: no line starts with an odd number of spaces, and none with a tab.
    for (const QString &line : text.split(u'\n')) {
        const auto indent =
            std::find_if(line.cbegin(), line.cend(), [](QChar c) { return c != u' '; });
        QCOMPARE((indent - line.cbegin()) % 2, 0);
        QVERIFY(!line.startsWith(u'\t'));
    }
}

void tst_JsonSyntax::tokenize_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QList<JsonToken>>("expected");

    using T = JsonToken;
    QTest::newRow("punctuation and values")
        << QStringLiteral("{\"a\": [1, true]}")
        << QList<T>{
               {Kind::BeginObject, 0, 1}, {Kind::String, 1, 3},    {Kind::NameSeparator, 4, 1},
               {Kind::BeginArray, 6, 1},  {Kind::Number, 7, 1},    {Kind::ValueSeparator, 8, 1},
               {Kind::Literal, 10, 4},    {Kind::EndArray, 14, 1}, {Kind::EndObject, 15, 1}};
    QTest::newRow("escaped quote stays inside the string")
        << QStringLiteral("\"a\\\"b\" x") << QList<T>{{Kind::String, 0, 6}, {Kind::Invalid, 7, 1}};
    QTest::newRow("unclosed string ends at the line")
        << QStringLiteral("\"ab\n1") << QList<T>{{Kind::String, 0, 3, false}, {Kind::Number, 4, 1}};
    QTest::newRow("numbers and not numbers")
        << QStringLiteral("-1.5e+3 01 1. .5 - True")
        << QList<T>{{Kind::Number, 0, 7},   {Kind::Invalid, 8, 2},  {Kind::Invalid, 11, 2},
                    {Kind::Invalid, 14, 2}, {Kind::Invalid, 17, 1}, {Kind::Invalid, 19, 4}};
}

void tst_JsonSyntax::tokenize()
{
    QFETCH(QString, text);
    QFETCH(QList<JsonToken>, expected);
    const QList<JsonToken> tokens = JsonToken::tokenize(text);
    QCOMPARE(tokens.size(), expected.size());
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        QVERIFY2(tokens.at(i) == expected.at(i), qPrintable(QStringLiteral("token %1").arg(i)));
    }
}

void tst_JsonSyntax::brackets_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<Pairs>("pairs");

    // Offsets are found in the text itself, so the rows read as the text.
    const QString nested = QStringLiteral("{\"a\": [1, {\"b\": 2}]}");
    QTest::newRow("nested") << nested
                            << Pairs{{0, int(nested.size()) - 1},
                                     {int(nested.indexOf(u'[')), int(nested.indexOf(u']'))},
                                     {int(nested.indexOf(u'{', 1)), int(nested.indexOf(u'}'))}};
    const QString inString = QStringLiteral("{\"a\": \"[}\"}");
    QTest::newRow("brackets in strings are text")
        << inString << Pairs{{0, int(inString.size()) - 1}};
    QTest::newRow("mismatch pairs nothing") << QStringLiteral("{\"a\": [1}") << Pairs{};
    const QString stray = QStringLiteral("[]]");
    QTest::newRow("stray closer") << stray << Pairs{{0, 1}};
}

void tst_JsonSyntax::brackets()
{
    QFETCH(QString, text);
    QFETCH(Pairs, pairs);
    const QHash<int, int> partners = matchJsonBrackets(text);
    QCOMPARE(partners.size(), pairs.size() * 2);
    for (const auto &[open, close] : pairs) {
        QCOMPARE(partners.value(open, -1), close);
        QCOMPARE(partners.value(close, -1), open);
    }
}

void tst_JsonSyntax::locatePath_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("path");
    QTest::addColumn<QString>("at"); // the text expected at the found offset; empty for none

    const QString shadow =
        QStringLiteral("{\n  \"b\": 1,\n  \"lights\": {\n    \"b\": {\"deep\": 2},\n"
                       "    \"list\": [10, {\"x\": 1}]\n  }\n}");
    const auto row = [&](const char *name, const QStringList &path, const char *at) {
        QTest::newRow(name) << shadow << path << QString::fromUtf8(at);
    };
    row("top-level key", {QStringLiteral("b")}, "\"b\": 1");
    row("nested key of the same name", {QStringLiteral("lights"), QStringLiteral("b")},
        "\"b\": {\"deep\"");
    row("deeper", {QStringLiteral("lights"), QStringLiteral("b"), QStringLiteral("deep")},
        "\"deep\": 2");
    row("array element", {QStringLiteral("lights"), QStringLiteral("list"), QStringLiteral("1")},
        "{\"x\": 1}");
    row("key inside an array element",
        {QStringLiteral("lights"), QStringLiteral("list"), QStringLiteral("1"),
         QStringLiteral("x")},
        "\"x\": 1}");
    row("missing leaf: its parent", {QStringLiteral("lights"), QStringLiteral("nope")},
        "\"lights\"");
    row("missing first key", {QStringLiteral("nope")}, "");
    QTest::newRow("escaped key") << QStringLiteral("{\"a\\\"b\": 1}")
                                 << QStringList{QStringLiteral("a\"b")}
                                 << QStringLiteral("\"a\\\"b\"");
}

void tst_JsonSyntax::locatePath()
{
    QFETCH(QString, text);
    QFETCH(QStringList, path);
    QFETCH(QString, at);
    const std::optional<int> offset = locateJsonPath(text, path);
    if (at.isEmpty()) {
        QVERIFY(!offset);
        return;
    }
    QVERIFY(offset);
    QVERIFY2(text.mid(*offset).startsWith(at), qPrintable(text.mid(*offset, 20)));
}

QTEST_GUILESS_MAIN(tst_JsonSyntax)
#include "tst_jsonsyntax.moc"
