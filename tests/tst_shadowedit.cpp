// The shadow editor's core rules: the diff of two JSON objects, the minimal update an edit
// makes, AWS's merge, and the checks made before anything is sent. Where core implements the
// service (ShadowUpdate::parse, ShadowDocument::updated), the editor's verdicts are held
// against it.
#include "iot/JsonDiff.h"
#include "iot/ShadowDocument.h"
#include "iot/ShadowEdit.h"
#include "iot/ShadowJson.h"
#include "iot/ShadowUpdate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace thingdeck;

Q_DECLARE_METATYPE(thingdeck::ShadowSection)

namespace {

QJsonObject json(const QByteArray &text)
{
    QJsonParseError error{};
    const QJsonObject object = QJsonDocument::fromJson(text, &error).object();
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", text.constData());
    return object;
}

/// A shadow holding `desired` and `reported`, made by the service's own update rules.
ShadowDocument shadow(const QByteArray &desired, const QByteArray &reported = "{}")
{
    const QByteArray request = "{\"state\":{\"desired\":" + desired + ",\"reported\":" + reported +
                               "},\"clientToken\":\"setup\"}";
    const auto update = ShadowUpdate::parse(request);
    if (!update.ok())
        qFatal("bad test shadow");
    const auto document = ShadowDocument().updated(update.value(), 1700000000);
    if (!document.ok())
        qFatal("test shadow refused");
    return document.value();
}

QStringList keys(const char *words)
{
    return QString::fromUtf8(words).split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

/// `{"k1": {"k2": … {"kN": leaf}}}`: N levels deep as AWS counts them when `leaf` is a scalar.
QByteArray chain(int levels, const QByteArray &leaf = "1")
{
    QByteArray text = leaf;
    for (int i = levels; i >= 1; --i)
        text = "{\"k" + QByteArray::number(i) + "\":" + text + "}";
    return text;
}

QByteArray repeated(char c, int count)
{
    return QByteArray(count, c);
}

QJsonValue valueAt(const QJsonObject &object, const QStringList &path)
{
    QJsonValue value = object;
    for (const QString &key : path)
        value = value.toObject().value(key);
    return value;
}

/// The places a patch writes: its values, descending into a patch object only where `base`
/// has an object too (elsewhere the object is written whole).
int writtenPlaces(const QJsonObject &patch, const QJsonObject &base)
{
    int places = 0;
    for (auto it = patch.begin(); it != patch.end(); ++it) {
        const QJsonValue before = base.value(it.key());
        if (it.value().isObject() && before.isObject())
            places += writtenPlaces(it.value().toObject(), before.toObject());
        else
            ++places;
    }
    return places;
}

/// The service's verdict on `patch` sent for `section` of `base`: parsed, then merged.
Result<ShadowDocument, ShadowError> serviceVerdict(const ShadowDocument &base,
                                                   ShadowSection section, const QJsonObject &patch)
{
    const QJsonObject request{{QStringLiteral("state"), QJsonObject{{sectionKey(section), patch}}}};
    const auto update = ShadowUpdate::parse(ShadowJson::compact(request));
    if (!update.ok())
        return fail(update.error());
    return base.updated(update.value(), 1700000100);
}

QJsonObject sectionOf(const ShadowDocument &document, ShadowSection section)
{
    return section == ShadowSection::Desired ? document.desired() : document.reported();
}

} // namespace

class tst_ShadowEdit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void diff_data();
    void diff();
    void diffCarriesBothValues();
    void pathText_data();
    void pathText();
    void patch_data();
    void patch();
    void patchRoundTrip_data();
    void patchRoundTrip();
    void mergeFollowsAws_data();
    void mergeFollowsAws();
    void buildsTheRequest();
    void missingShadowIsSentWithoutVersion();
    void problemsBeforeSending_data();
    void problemsBeforeSending();
    void agreesWithTheService_data();
    void agreesWithTheService();
};

void tst_ShadowEdit::diff_data()
{
    QTest::addColumn<QByteArray>("before");
    QTest::addColumn<QByteArray>("after");
    QTest::addColumn<QStringList>("expected"); // "<kind><path>": + added, - removed, ~ changed

    QTest::newRow("both empty") << QByteArray("{}") << QByteArray("{}") << QStringList();
    QTest::newRow("same") << QByteArray(R"({"a":1,"o":{"x":[1,2]}})")
                          << QByteArray(R"({"a":1,"o":{"x":[1,2]}})") << QStringList();
    QTest::newRow("1 equals 1.0") << QByteArray(R"({"a":1})") << QByteArray(R"({"a":1.0})")
                                  << QStringList();
    QTest::newRow("all added") << QByteArray("{}") << QByteArray(R"({"a":1,"b":2})")
                               << keys("+a +b");
    QTest::newRow("all removed") << QByteArray(R"({"a":1,"b":2})") << QByteArray("{}")
                                 << keys("-a -b");
    QTest::newRow("added") << QByteArray(R"({"a":1})") << QByteArray(R"({"a":1,"b":2})")
                           << keys("+b");
    QTest::newRow("removed") << QByteArray(R"({"a":1,"b":2})") << QByteArray(R"({"a":1})")
                             << keys("-b");
    QTest::newRow("changed") << QByteArray(R"({"a":1})") << QByteArray(R"({"a":2})") << keys("~a");
    QTest::newRow("nested") << QByteArray(R"({"o":{"x":1,"y":2,"w":0}})")
                            << QByteArray(R"({"o":{"x":1,"y":3,"z":4}})") << keys("-o.w ~o.y +o.z");
    QTest::newRow("deep") << QByteArray(R"({"a":{"b":{"c":{"d":1}}}})")
                          << QByteArray(R"({"a":{"b":{"c":{"d":2}}}})") << keys("~a.b.c.d");
    QTest::newRow("array element")
        << QByteArray(R"({"a":[1,2]})") << QByteArray(R"({"a":[1,3]})") << keys("~a");
    QTest::newRow("array order") << QByteArray(R"({"a":[1,2]})") << QByteArray(R"({"a":[2,1]})")
                                 << keys("~a");
    QTest::newRow("object in array")
        << QByteArray(R"({"a":[{"x":1}]})") << QByteArray(R"({"a":[{"x":2}]})") << keys("~a");
    QTest::newRow("object to scalar")
        << QByteArray(R"({"a":{"x":1}})") << QByteArray(R"({"a":"x"})") << keys("~a");
    QTest::newRow("scalar to object")
        << QByteArray(R"({"a":5})") << QByteArray(R"({"a":{"x":1}})") << keys("~a");
    QTest::newRow("array to object")
        << QByteArray(R"({"a":[1]})") << QByteArray(R"({"a":{"0":1}})") << keys("~a");
    QTest::newRow("string vs number")
        << QByteArray(R"({"a":"21"})") << QByteArray(R"({"a":21})") << keys("~a");
    QTest::newRow("true vs 1") << QByteArray(R"({"a":true})") << QByteArray(R"({"a":1})")
                               << keys("~a");
    QTest::newRow("null vs absent")
        << QByteArray(R"({"a":null})") << QByteArray("{}") << keys("-a");
    QTest::newRow("object added whole")
        << QByteArray("{}") << QByteArray(R"({"o":{"x":1,"y":{"z":2}}})") << keys("+o");
    QTest::newRow("object removed whole")
        << QByteArray(R"({"o":{"x":1,"y":2}})") << QByteArray(R"({"p":0})") << keys("-o +p");
    QTest::newRow("empty object to filled")
        << QByteArray(R"({"o":{}})") << QByteArray(R"({"o":{"x":1}})") << keys("+o.x");
    // "a" and its keys come before "a b", though "a.a" > "a b" as whole strings.
    QTest::newRow("sorted by path, component by component")
        << QByteArray(R"({"b":1,"a":{"z":1},"a b":0,"B":1})")
        << QByteArray(R"({"b":2,"a":{"z":2,"a":0},"c":0,"B":2})")
        << QStringList{QStringLiteral("~B"),   QStringLiteral("+a.a"), QStringLiteral("~a.z"),
                       QStringLiteral("-a b"), QStringLiteral("~b"),   QStringLiteral("+c")};
}

void tst_ShadowEdit::diff()
{
    QFETCH(QByteArray, before);
    QFETCH(QByteArray, after);
    QFETCH(QStringList, expected);
    QStringList got;
    for (const JsonChange &change : diffJson(json(before), json(after))) {
        const QChar kind = change.kind == JsonChange::Kind::Added     ? QLatin1Char('+')
                           : change.kind == JsonChange::Kind::Removed ? QLatin1Char('-')
                                                                      : QLatin1Char('~');
        got.append(QString(kind + change.path.join(QLatin1Char('.'))));
        // The values are the whole values at the path, Undefined on the side that has none.
        QCOMPARE(change.before, valueAt(json(before), change.path));
        QCOMPARE(change.after, valueAt(json(after), change.path));
    }
    QCOMPARE(got, expected);
}

void tst_ShadowEdit::diffCarriesBothValues()
{
    const QList<JsonChange> changes = diffJson(json(R"({"o":{"a":[1],"b":{"x":1}},"gone":"x"})"),
                                               json(R"({"o":{"a":[2],"c":true}})"));
    const QStringList o{QStringLiteral("o")};
    const QList<JsonChange> expected{
        {{QStringLiteral("gone")},
         JsonChange::Kind::Removed,
         QStringLiteral("x"),
         QJsonValue::Undefined},
        {o + QStringList{QStringLiteral("a")}, JsonChange::Kind::Changed, QJsonArray{1},
         QJsonArray{2}},
        {o + QStringList{QStringLiteral("b")}, JsonChange::Kind::Removed,
         QJsonObject{{QStringLiteral("x"), 1}}, QJsonValue::Undefined},
        {o + QStringList{QStringLiteral("c")}, JsonChange::Kind::Added, QJsonValue::Undefined,
         true},
    };
    QCOMPARE(changes, expected);
}

void tst_ShadowEdit::pathText_data()
{
    QTest::addColumn<QStringList>("path");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty") << QStringList() << QString();
    QTest::newRow("one") << keys("colour") << QStringLiteral("colour");
    QTest::newRow("plain") << keys("state desired colour")
                           << QStringLiteral("state.desired.colour");
    QTest::newRow("array index") << keys("list 3 x") << QStringLiteral("list.3.x");
    QTest::newRow("dot") << QStringList{QStringLiteral("state"), QStringLiteral("a.b"),
                                        QStringLiteral("c")}
                         << QStringLiteral(R"(state["a.b"].c)");
    QTest::newRow("space first") << QStringList{QStringLiteral("my key"), QStringLiteral("x")}
                                 << QStringLiteral(R"(["my key"].x)");
    QTest::newRow("empty key") << QStringList{QStringLiteral("a"), QString()}
                               << QStringLiteral(R"(a[""])");
    QTest::newRow("quote escaped")
        << QStringList{QStringLiteral(R"(say "hi")")} << QStringLiteral(R"(["say \"hi\""])");
    QTest::newRow("unicode plain")
        << QStringList{QStringLiteral("température")} << QStringLiteral("température");
}

void tst_ShadowEdit::pathText()
{
    QFETCH(QStringList, path);
    QFETCH(QString, expected);
    QCOMPARE(jsonPathText(path), expected);
}

void tst_ShadowEdit::patch_data()
{
    QTest::addColumn<QByteArray>("base");
    QTest::addColumn<QByteArray>("edited");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("nothing") << QByteArray(R"({"a":1,"o":{"x":[1]}})")
                             << QByteArray(R"({"a":1,"o":{"x":[1]}})") << QByteArray("{}");
    QTest::newRow("both empty") << QByteArray("{}") << QByteArray("{}") << QByteArray("{}");
    QTest::newRow("changed leaf only")
        << QByteArray(R"({"a":1,"b":2})") << QByteArray(R"({"a":1,"b":3})")
        << QByteArray(R"({"b":3})");
    QTest::newRow("removed as null") << QByteArray(R"({"a":1,"b":2})") << QByteArray(R"({"a":1})")
                                     << QByteArray(R"({"b":null})");
    QTest::newRow("added") << QByteArray(R"({"a":1})") << QByteArray(R"({"a":1,"c":[1,2]})")
                           << QByteArray(R"({"c":[1,2]})");
    QTest::newRow("into an empty section")
        << QByteArray("{}") << QByteArray(R"({"o":{"x":1}})") << QByteArray(R"({"o":{"x":1}})");
    QTest::newRow("nested leaf") << QByteArray(R"({"o":{"x":1,"y":2},"p":{"z":1}})")
                                 << QByteArray(R"({"o":{"x":1,"y":5},"p":{"z":1}})")
                                 << QByteArray(R"({"o":{"y":5}})");
    QTest::newRow("nested removal")
        << QByteArray(R"({"o":{"x":1,"y":2}})") << QByteArray(R"({"o":{"x":1}})")
        << QByteArray(R"({"o":{"y":null}})");
    QTest::newRow("deep leaf") << QByteArray(R"({"a":{"b":{"c":{"d":1,"e":2}}}})")
                               << QByteArray(R"({"a":{"b":{"c":{"d":1,"e":3}}}})")
                               << QByteArray(R"({"a":{"b":{"c":{"e":3}}}})");
    QTest::newRow("object emptied")
        << QByteArray(R"({"o":{"x":1,"y":2}})") << QByteArray(R"({"o":{}})")
        << QByteArray(R"({"o":{"x":null,"y":null}})");
    QTest::newRow("object to scalar")
        << QByteArray(R"({"o":{"x":1}})") << QByteArray(R"({"o":7})") << QByteArray(R"({"o":7})");
    QTest::newRow("scalar to object") << QByteArray(R"({"o":7})") << QByteArray(R"({"o":{"x":1}})")
                                      << QByteArray(R"({"o":{"x":1}})");
    QTest::newRow("object to array") << QByteArray(R"({"o":{"x":1}})") << QByteArray(R"({"o":[1]})")
                                     << QByteArray(R"({"o":[1]})");
    QTest::newRow("array replaced whole")
        << QByteArray(R"({"a":[1,2,3]})") << QByteArray(R"({"a":[1,2]})")
        << QByteArray(R"({"a":[1,2]})");
    QTest::newRow("everything removed") << QByteArray(R"({"a":1,"o":{"x":1}})") << QByteArray("{}")
                                        << QByteArray(R"({"a":null,"o":null})");
}

// The expected minimal patch.
void tst_ShadowEdit::patch()
{
    QFETCH(QByteArray, base);
    QFETCH(QByteArray, edited);
    QFETCH(QByteArray, expected);
    QCOMPARE(shadowPatch(json(base), json(edited)), json(expected));
}

void tst_ShadowEdit::patchRoundTrip_data()
{
    QTest::addColumn<QByteArray>("base");
    QTest::addColumn<QByteArray>("edited");
    QTest::newRow("same") << QByteArray(R"({"a":1})") << QByteArray(R"({"a":1})");
    QTest::newRow("from nothing") << QByteArray("{}")
                                  << QByteArray(R"({"a":1,"o":{"p":{"q":[1,{"r":2}]}}})");
    QTest::newRow("to nothing") << QByteArray(R"({"a":1,"o":{"p":{"q":[1]}}})") << QByteArray("{}");
    QTest::newRow("thermostat")
        << QByteArray(R"({"mode":"heat","t":21,"fan":{"speed":2,"auto":true},"zones":[1,2]})")
        << QByteArray(R"({"mode":"cool","t":21,"fan":{"speed":3},"zones":[1,2,3],"eco":false})");
    QTest::newRow("type changes everywhere")
        << QByteArray(R"({"a":{"x":1},"b":5,"c":[1],"d":{"y":{"z":1}},"e":"s"})")
        << QByteArray(R"({"a":1,"b":{"x":5},"c":{"0":1},"d":{"y":[1]},"e":2})");
    QTest::newRow("deep partial") << QByteArray(R"({"k1":{"k2":{"k3":{"k4":{"k5":1,"x":2}}}}})")
                                  << QByteArray(R"({"k1":{"k2":{"k3":{"k4":{"k5":9}},"y":1}}})");
    QTest::newRow("one key of many")
        << QByteArray(R"({"a":1,"b":2,"c":3,"d":4,"e":{"f":5,"g":6}})")
        << QByteArray(R"({"a":1,"b":2,"c":3,"d":4,"e":{"f":5,"g":7}})");
    QTest::newRow("unicode and odd keys")
        << QByteArray(R"({"a.b":1,"":2,"température":{"c":20}})")
        << QByteArray(R"({"a.b":2,"température":{"c":21,"f":70}})");
}

// mergePatch(base, shadowPatch(base, edited)) == edited; the patch writes each difference once
// (exactly the places diffJson() finds), and the service merges it into the same state.
void tst_ShadowEdit::patchRoundTrip()
{
    QFETCH(QByteArray, base);
    QFETCH(QByteArray, edited);
    const QJsonObject b = json(base);
    const QJsonObject e = json(edited);
    const QJsonObject p = shadowPatch(b, e);
    QCOMPARE(mergePatch(b, p), e);
    const QList<JsonChange> changes = diffJson(b, e);
    QCOMPARE(writtenPlaces(p, b), changes.size());
    for (const JsonChange &change : changes) {
        const QJsonValue written = valueAt(p, change.path);
        QCOMPARE(written, change.kind == JsonChange::Kind::Removed ? QJsonValue(QJsonValue::Null)
                                                                   : change.after);
    }
    QVERIFY(shadowPatch(e, e).isEmpty());
    const auto merged = serviceVerdict(shadow(base), ShadowSection::Desired, p);
    QVERIFY(merged.ok());
    QCOMPARE(merged.value().desired(), e);
}

void tst_ShadowEdit::mergeFollowsAws_data()
{
    QTest::addColumn<QByteArray>("section");
    QTest::addColumn<QByteArray>("patch");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("empty patch") << QByteArray(R"({"a":1})") << QByteArray("{}")
                                 << QByteArray(R"({"a":1})");
    QTest::newRow("replace") << QByteArray(R"({"a":1})") << QByteArray(R"({"a":2})")
                             << QByteArray(R"({"a":2})");
    QTest::newRow("add") << QByteArray(R"({"a":1})") << QByteArray(R"({"b":2})")
                         << QByteArray(R"({"a":1,"b":2})");
    QTest::newRow("null deletes") << QByteArray(R"({"a":1,"b":2})") << QByteArray(R"({"a":null})")
                                  << QByteArray(R"({"b":2})");
    QTest::newRow("null on an absent key")
        << QByteArray(R"({"a":1})") << QByteArray(R"({"zz":null})") << QByteArray(R"({"a":1})");
    QTest::newRow("objects merge")
        << QByteArray(R"({"o":{"x":1}})") << QByteArray(R"({"o":{"y":2}})")
        << QByteArray(R"({"o":{"x":1,"y":2}})");
    QTest::newRow("emptied object removed")
        << QByteArray(R"({"o":{"x":1},"a":1})") << QByteArray(R"({"o":{"x":null}})")
        << QByteArray(R"({"a":1})");
    QTest::newRow("emptied chain removed")
        << QByteArray(R"({"a":{"b":{"c":1}},"k":0})") << QByteArray(R"({"a":{"b":{"c":null}}})")
        << QByteArray(R"({"k":0})");
    QTest::newRow("object replaces scalar")
        << QByteArray(R"({"o":5})") << QByteArray(R"({"o":{"x":1}})")
        << QByteArray(R"({"o":{"x":1}})");
    QTest::newRow("scalar replaces object")
        << QByteArray(R"({"o":{"x":1}})") << QByteArray(R"({"o":"off"})")
        << QByteArray(R"({"o":"off"})");
    QTest::newRow("array whole") << QByteArray(R"({"a":[1,2,3]})") << QByteArray(R"({"a":[9]})")
                                 << QByteArray(R"({"a":[9]})");
    QTest::newRow("empty object adds nothing")
        << QByteArray(R"({"a":1})") << QByteArray(R"({"o":{}})") << QByteArray(R"({"a":1})");
    // Re-applying a user's change on a newer version keeps the other client's keys.
    QTest::newRow("replay on newer")
        << QByteArray(R"({"fan":"on","t":21,"o":{"p":1}})") << QByteArray(R"({"t":23,"o":{"q":2}})")
        << QByteArray(R"({"fan":"on","t":23,"o":{"p":1,"q":2}})");
}

// Each rule as written, and the same result as the service's update of a stored shadow.
void tst_ShadowEdit::mergeFollowsAws()
{
    QFETCH(QByteArray, section);
    QFETCH(QByteArray, patch);
    QFETCH(QByteArray, expected);
    QCOMPARE(mergePatch(json(section), json(patch)), json(expected));
    const auto updated = serviceVerdict(shadow(section), ShadowSection::Desired, json(patch));
    QVERIFY(updated.ok());
    QCOMPARE(updated.value().desired(), json(expected));
}

void tst_ShadowEdit::buildsTheRequest()
{
    const ShadowDocument base = shadow(R"({"mode":"heat","t":21,"fan":"auto"})", R"({"t":20})");
    QCOMPARE(base.version(), qint64(1));
    const auto request =
        buildShadowEdit(base, ShadowSection::Desired, json(R"({"mode":"cool","t":21})"),
                        QStringLiteral("thingdeck-1"));
    QVERIFY(request.ok());
    QCOMPARE(request.value().patch, json(R"({"mode":"cool","fan":null})"));
    QCOMPARE(request.value().basedOnVersion, qint64(1));
    QCOMPARE(request.value().document,
             json(R"({"state":{"desired":{"mode":"cool","fan":null}},"clientToken":"thingdeck-1",)"
                  R"("version":1})"));
    // What the service makes of the request is exactly the edit, as the next version.
    const auto update = ShadowUpdate::parse(ShadowJson::compact(request.value().document));
    QVERIFY(update.ok());
    QCOMPARE(update.value().version(), std::optional<qint64>(1));
    QCOMPARE(update.value().clientToken(), QStringLiteral("thingdeck-1"));
    const auto after = base.updated(update.value(), 1700000100);
    QVERIFY(after.ok());
    QCOMPARE(after.value().desired(), json(R"({"mode":"cool","t":21})"));
    QCOMPARE(after.value().reported(), base.reported());
    QCOMPARE(after.value().version(), qint64(2));
    // The same request is refused once the shadow has moved on from version 1.
    QCOMPARE(after.value().updated(update.value(), 1700000200).error().code, 409);

    const auto reported =
        buildShadowEdit(base, ShadowSection::Reported, json(R"({"t":20,"firmware":"2"})"), {});
    QVERIFY(reported.ok());
    QCOMPARE(reported.value().patch, json(R"({"firmware":"2"})"));
    QCOMPARE(reported.value().document,
             json(R"({"state":{"reported":{"firmware":"2"}},"version":1})")); // no token: none
}

// AWS tells no version for a shadow that does not exist: the request carries none.
void tst_ShadowEdit::missingShadowIsSentWithoutVersion()
{
    const auto created = buildShadowEdit(ShadowDocument(), ShadowSection::Desired,
                                         json(R"({"on":true})"), QStringLiteral("t1"));
    QVERIFY(created.ok());
    QCOMPARE(created.value().document,
             json(R"({"state":{"desired":{"on":true}},"clientToken":"t1"})"));
    QCOMPARE(created.value().basedOnVersion, qint64(0));

    const ShadowDocument deleted = shadow(R"({"on":false})").deleted(1700000050, QString()).value();
    QCOMPARE(deleted.version(), qint64(1));
    const auto recreated =
        buildShadowEdit(deleted, ShadowSection::Desired, json(R"({"on":true})"), {});
    QVERIFY(recreated.ok());
    QVERIFY(!recreated.value().document.contains(QStringLiteral("version")));
    QCOMPARE(recreated.value().basedOnVersion, qint64(1));
}

void tst_ShadowEdit::problemsBeforeSending_data()
{
    QTest::addColumn<QByteArray>("desired");
    QTest::addColumn<QByteArray>("reported");
    QTest::addColumn<ShadowSection>("section");
    QTest::addColumn<QByteArray>("edited");
    QTest::addColumn<QString>("token");
    QTest::addColumn<QStringList>("path");
    QTest::addColumn<QString>("message");
    const QByteArray small = R"({"a":1})";
    const QByteArray none = "{}";
    const auto desired = ShadowSection::Desired;

    QTest::newRow("unchanged") << small << none << desired << small << QString() << QStringList()
                               << QStringLiteral("Nothing changed.");
    QTest::newRow("unchanged, long token")
        << small << none << desired << small << QString(80, QLatin1Char('t')) << QStringList()
        << QStringLiteral("Nothing changed.");
    QTest::newRow("only an empty object")
        << small << none << desired << QByteArray(R"({"a":1,"o":{}})") << QString() << QStringList()
        << QStringLiteral("Nothing changed: AWS keeps neither empty objects nor nulls.");
    QTest::newRow("depth 7") << small << none << desired
                             << QByteArray(R"({"a":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}})")
                             << QString() << keys("a b c d e f g")
                             << QStringLiteral(
                                    "desired.a.b.c.d.e.f.g is nested 7 levels deep; AWS allows 6.");
    QTest::newRow("depth 10, deepest place named")
        << small << none << desired << QByteArray(R"({"a":1,"k":)" + chain(9) + "}") << QString()
        << keys("k k1 k2 k3 k4 k5 k6 k7 k8 k9")
        << QStringLiteral("desired.k.k1.k2.k3.k4.k5.k6.k7.k8.k9 is nested 10 levels deep; AWS "
                          "allows 6.");
    QTest::newRow("depth 7 in arrays")
        << small << none << desired << QByteArray(R"({"a":[[[[[[1]]]]]]})") << QString()
        << keys("a 0 0 0 0 0 0")
        << QStringLiteral("desired.a.0.0.0.0.0.0 is nested 7 levels deep; AWS allows 6.");
    QTest::newRow("depth 7 by an empty object")
        << small << none << desired << QByteArray(R"({"a":{"b":{"c":{"d":{"e":{"f":{}}}}}}})")
        << QString() << keys("a b c d e f")
        << QStringLiteral("desired.a.b.c.d.e.f is nested 7 levels deep; AWS allows 6.");
    QTest::newRow("depth 7 in reported, odd key")
        << small << small << ShadowSection::Reported
        << QByteArray(R"({"a":1,"x y":{"b":{"c":{"d":{"e":{"f":{"g":1}}}}}}})") << QString()
        << QStringList{QStringLiteral("x y"), QStringLiteral("b"), QStringLiteral("c"),
                       QStringLiteral("d"),   QStringLiteral("e"), QStringLiteral("f"),
                       QStringLiteral("g")}
        << QStringLiteral(R"(reported["x y"].b.c.d.e.f.g is nested 7 levels deep; AWS allows 6.)");
    QTest::newRow("null in array")
        << small << none << desired << QByteArray(R"({"a":1,"list":[1,null]})") << QString()
        << keys("list 1")
        << QStringLiteral("desired.list.1 is null inside an array, which AWS refuses: remove it or "
                          "give it a value.");
    QTest::newRow("null in object in array")
        << small << none << desired << QByteArray(R"({"a":1,"o":{"list":[{"x":1},{"y":null}]}})")
        << QString() << keys("o list 1 y")
        << QStringLiteral("desired.o.list.1.y is null inside an array, which AWS refuses: remove "
                          "it or give it a value.");
    QTest::newRow("client token over 64 bytes")
        << small << none << desired << QByteArray(R"({"a":2})") << QString(65, QLatin1Char('t'))
        << QStringList() << QStringLiteral("The client token is 65 bytes long; AWS allows 64.");
    QTest::newRow("client token of 33 two-byte characters")
        << small << none << desired << QByteArray(R"({"a":2})") << QString(33, QChar(u'\u00e9'))
        << QStringList() << QStringLiteral("The client token is 66 bytes long; AWS allows 64.");
    // {"desired":{"a":1,"blob":"<9,000 x>"}}: 26 + 9,000 + 3 bytes.
    QTest::newRow("state over 8 KB")
        << small << none << desired
        << QByteArray(R"({"a":1,"blob":")" + repeated('x', 9000) + R"("})") << QString()
        << QStringList()
        << QStringLiteral("The shadow would hold 9,029 bytes of state after this update; AWS "
                          "allows 8,192. Remove 837 bytes.");
    // A 3 KB edit of desired, with 5 KB already reported: over the limit only once merged.
    // {"desired":{"a":1,"b":"<3,200 y>"},"reported":{"r":"<5,000 x>"}}: 23 + 3,200 + 20 +
    // 5,000 + 3 bytes.
    QTest::newRow("merged state over 8 KB")
        << small << QByteArray(R"({"r":")" + repeated('x', 5000) + R"("})") << desired
        << QByteArray(R"({"a":1,"b":")" + repeated('y', 3200) + R"("})") << QString()
        << QStringList()
        << QStringLiteral("The shadow would hold 8,246 bytes of state after this update; AWS "
                          "allows 8,192. Remove 54 bytes.");
}

// Refused before any request, with the place and a sentence saying what to do.
void tst_ShadowEdit::problemsBeforeSending()
{
    QFETCH(QByteArray, desired);
    QFETCH(QByteArray, reported);
    QFETCH(ShadowSection, section);
    QFETCH(QByteArray, edited);
    QFETCH(QString, token);
    QFETCH(QStringList, path);
    QFETCH(QString, message);
    const auto request = buildShadowEdit(shadow(desired, reported), section, json(edited), token);
    QVERIFY(!request.ok());
    QCOMPARE(request.error().message, message);
    QCOMPARE(request.error().path, path);
    QCOMPARE(request.error(), (ShadowEditProblem{path, message}));
}

void tst_ShadowEdit::agreesWithTheService_data()
{
    QTest::addColumn<QByteArray>("desired");
    QTest::addColumn<QByteArray>("reported");
    QTest::addColumn<ShadowSection>("section");
    QTest::addColumn<QByteArray>("edited");
    QTest::addColumn<bool>("accepted");
    // The bytes of stored state around a string "s" in desired, alone or beside reported.
    const int aroundDesired = int(QByteArray(R"({"desired":{"s":""}})").size());
    const int aroundBoth =
        int(QByteArray(R"({"desired":{"s":""},"reported":{"r":"12345"}})").size());
    const auto desired = ShadowSection::Desired;
    const auto reported = ShadowSection::Reported;
    const QByteArray none = "{}";

    QTest::newRow("depth 1") << none << none << desired << QByteArray(R"({"a":1})") << true;
    QTest::newRow("depth 5") << none << none << desired << chain(5) << true;
    QTest::newRow("depth 6") << none << none << desired << chain(6) << true;
    QTest::newRow("depth 7") << none << none << desired << chain(7) << false;
    QTest::newRow("depth 6 ending in an array")
        << none << none << desired << chain(5, "[1,2]") << true;
    QTest::newRow("depth 7 ending in an array")
        << none << none << desired << chain(6, "[1,2]") << false;
    QTest::newRow("depth 6 ending in an empty array")
        << none << none << desired << chain(5, "[]") << true;
    QTest::newRow("depth 7 ending in an empty array")
        << none << none << desired << chain(6, "[]") << false;
    QTest::newRow("depth 6 ending in an array of an object")
        << none << none << desired << chain(4, R"([{"x":1}])") << true;
    QTest::newRow("depth 7 ending in an array of an object")
        << none << none << desired << chain(5, R"([{"x":1}])") << false;
    QTest::newRow("depth 7 beside a shallow key")
        << none << none << desired << QByteArray(R"({"a":1,"b":)" + chain(6) + "}") << false;
    QTest::newRow("depth 6 reached by an edit of a deep shadow")
        << chain(5) << none << desired << chain(5, "2") << true;
    QTest::newRow("depth 7 reached by an edit of a deep shadow")
        << chain(6) << none << desired << chain(5, R"({"k6":{"k7":1}})") << false;
    QTest::newRow("deep removal") << chain(6) << none << desired << QByteArray(R"({"k1":1})")
                                  << true;
    QTest::newRow("depth 7 in reported") << none << none << reported << chain(7) << false;
    QTest::newRow("null in array")
        << none << none << desired << QByteArray(R"({"a":[null]})") << false;
    QTest::newRow("null in nested array")
        << none << none << desired << QByteArray(R"({"a":[[1,[null]]]})") << false;
    QTest::newRow("null in object in array")
        << none << none << desired << QByteArray(R"({"a":[{"b":null}]})") << false;
    QTest::newRow("null in object deletes") << QByteArray(R"({"a":1,"b":2})") << none << desired
                                            << QByteArray(R"({"a":1,"b":null})") << true;
    QTest::newRow("8,192 bytes of state")
        << none << none << desired
        << QByteArray(R"({"s":")" + repeated('x', 8192 - aroundDesired) + R"("})") << true;
    QTest::newRow("8,193 bytes of state")
        << none << none << desired
        << QByteArray(R"({"s":")" + repeated('x', 8193 - aroundDesired) + R"("})") << false;
    QTest::newRow("8,192 bytes with reported")
        << none << QByteArray(R"({"r":"12345"})") << desired
        << QByteArray(R"({"s":")" + repeated('x', 8192 - aroundBoth) + R"("})") << true;
    QTest::newRow("8,193 bytes with reported")
        << none << QByteArray(R"({"r":"12345"})") << desired
        << QByteArray(R"({"s":")" + repeated('x', 8193 - aroundBoth) + R"("})") << false;
    QTest::newRow("8,193 bytes, edited in reported")
        << QByteArray(R"({"s":"12345"})") << none << reported
        << QByteArray(R"({"r":")" + repeated('x', 8193 - aroundBoth) + R"("})") << false;
    QTest::newRow("shrinking a full shadow")
        << QByteArray(R"({"s":")" + repeated('x', 8192 - aroundDesired) + R"("})") << none
        << desired << QByteArray(R"({"s":"short"})") << true;
}

// The editor's verdict is the service's verdict on the same request (ShadowUpdate::parse, then
// ShadowDocument::updated); an accepted edit becomes exactly the edited section, within limits.
void tst_ShadowEdit::agreesWithTheService()
{
    QFETCH(QByteArray, desired);
    QFETCH(QByteArray, reported);
    QFETCH(ShadowSection, section);
    QFETCH(QByteArray, edited);
    QFETCH(bool, accepted);
    const ShadowDocument base = shadow(desired, reported);
    const QJsonObject e = json(edited);
    const auto request = buildShadowEdit(base, section, e, QStringLiteral("token"));
    QVERIFY2(request.ok() == accepted,
             request.ok() ? "accepted" : qPrintable(request.error().message));
    const auto service = serviceVerdict(base, section, shadowPatch(sectionOf(base, section), e));
    QCOMPARE(service.ok(), accepted);
    if (!accepted)
        return;
    // What a shadow can hold of the edit: nulls and empty objects merge away.
    QCOMPARE(sectionOf(service.value(), section), ShadowJson::merge(QJsonObject(), e));
    QVERIFY(service.value().stateSize() <= ShadowDocument::kMaxStateBytes);
    QVERIFY(ShadowJson::depth(request.value().patch) <= ShadowJson::kMaxDepth);
    if (QByteArray(QTest::currentDataTag()).startsWith("8,192"))
        QCOMPARE(service.value().stateSize(), qint64(ShadowDocument::kMaxStateBytes));
}

QTEST_GUILESS_MAIN(tst_ShadowEdit)
#include "tst_shadowedit.moc"
