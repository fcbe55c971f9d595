// The shadow editor's core rules: the diff of two documents, the minimal update an edit makes,
// AWS's merge, and the checks made before anything is sent — each against the service's own
// implementation in core (ShadowUpdate::parse, ShadowDocument::updated) where one exists.
#include "iot/JsonDiff.h"
#include "iot/ShadowDocument.h"
#include "iot/ShadowEdit.h"
#include "iot/ShadowJson.h"
#include "iot/ShadowUpdate.h"
#include "models/JsonDiffModel.h"

#include <QAbstractItemModelTester>
#include <QJsonDocument>
#include <QTest>

using namespace thingdeck;

namespace {

QJsonObject json(const char *text)
{
    QJsonParseError error{};
    const QJsonObject object = QJsonDocument::fromJson(QByteArray(text), &error).object();
    if (error.error != QJsonParseError::NoError)
        qFatal("bad test JSON: %s", text);
    return object;
}

/// A shadow with `desired` and `reported`, made by the service's own update rules.
ShadowDocument shadow(const char *desired, const char *reported = "{}")
{
    const QByteArray request = QByteArray("{\"state\":{\"desired\":") + desired +
                               QByteArray(",\"reported\":") + reported + QByteArray("}}");
    const auto update = ShadowUpdate::parse(request);
    if (!update.ok())
        qFatal("bad test shadow");
    const auto document = ShadowDocument().updated(update.value(), 1700000000);
    if (!document.ok())
        qFatal("test shadow refused");
    return document.value();
}

QStringList paths(const char *words)
{
    return QString::fromLatin1(words).split(QLatin1Char(' '));
}

QString nested(int levels)
{
    QString text = QStringLiteral("1");
    for (int i = levels; i >= 1; --i)
        text = QStringLiteral("{\"k%1\": %2}").arg(i).arg(text);
    return text;
}

} // namespace

class TestShadowEdit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void diff_data()
    {
        QTest::addColumn<QByteArray>("before");
        QTest::addColumn<QByteArray>("after");
        QTest::addColumn<QByteArrayList>("expected"); // "kind path", kind one of + - ~
        QTest::newRow("same") << QByteArray(R"({"a":1})") << QByteArray(R"({"a":1})")
                              << QByteArrayList();
        QTest::newRow("empty") << QByteArray("{}") << QByteArray("{}") << QByteArrayList();
        QTest::newRow("added") << QByteArray(R"({"a":1})") << QByteArray(R"({"a":1,"b":2})")
                               << QByteArrayList{"+ b"};
        QTest::newRow("removed") << QByteArray(R"({"a":1,"b":2})") << QByteArray(R"({"a":1})")
                                 << QByteArrayList{"- b"};
        QTest::newRow("changed") << QByteArray(R"({"a":1})") << QByteArray(R"({"a":2})")
                                 << QByteArrayList{"~ a"};
        QTest::newRow("nested") << QByteArray(R"({"o":{"x":1,"y":2}})")
                                << QByteArray(R"({"o":{"x":1,"y":3,"z":4}})")
                                << QByteArrayList{"~ o.y", "+ o.z"};
        QTest::newRow("array whole") << QByteArray(R"({"a":[1,2]})") << QByteArray(R"({"a":[1,3]})")
                                     << QByteArrayList{"~ a"};
        QTest::newRow("type change") << QByteArray(R"({"a":{"x":1}})") << QByteArray(R"({"a":"x"})")
                                     << QByteArrayList{"~ a"};
        QTest::newRow("string vs number")
            << QByteArray(R"({"a":"21"})") << QByteArray(R"({"a":21})") << QByteArrayList{"~ a"};
        QTest::newRow("added object whole")
            << QByteArray("{}") << QByteArray(R"({"o":{"x":1}})") << QByteArrayList{"+ o"};
        QTest::newRow("sorted by path")
            << QByteArray(R"({"b":1,"a":{"z":1}})") << QByteArray(R"({"b":2,"a":{"z":2},"c":0})")
            << QByteArrayList{"~ a.z", "~ b", "+ c"};
    }

    void diff()
    {
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        QFETCH(QByteArrayList, expected);
        QByteArrayList got;
        for (const JsonChange &change :
             diffJson(json(before.constData()), json(after.constData()))) {
            const char *kind = change.kind == JsonChange::Kind::Added     ? "+"
                               : change.kind == JsonChange::Kind::Removed ? "-"
                                                                          : "~";
            got.append(QByteArray(kind) + ' ' + change.path.join(QLatin1Char('.')).toUtf8());
            QCOMPARE(change.before.isUndefined(), change.kind == JsonChange::Kind::Added);
            QCOMPARE(change.after.isUndefined(), change.kind == JsonChange::Kind::Removed);
        }
        QCOMPARE(got, expected);
    }

    void pathText()
    {
        QCOMPARE(jsonPathText({QStringLiteral("state"), QStringLiteral("desired")}),
                 QStringLiteral("state.desired"));
        QCOMPARE(jsonPathText({QStringLiteral("a.b"), QStringLiteral("c d"), QString()}),
                 QStringLiteral("[\"a.b\"].[\"c d\"].[\"\"]"));
    }

    void patch_data()
    {
        QTest::addColumn<QByteArray>("base");
        QTest::addColumn<QByteArray>("edited");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("nothing") << QByteArray(R"({"a":1})") << QByteArray(R"({"a":1})")
                                 << QByteArray("{}");
        QTest::newRow("changed leaf only")
            << QByteArray(R"({"a":1,"b":2})") << QByteArray(R"({"a":1,"b":3})")
            << QByteArray(R"({"b":3})");
        QTest::newRow("removed as null") << QByteArray(R"({"a":1,"b":2})")
                                         << QByteArray(R"({"a":1})") << QByteArray(R"({"b":null})");
        QTest::newRow("added") << QByteArray(R"({"a":1})") << QByteArray(R"({"a":1,"c":[1,2]})")
                               << QByteArray(R"({"c":[1,2]})");
        QTest::newRow("nested leaf")
            << QByteArray(R"({"o":{"x":1,"y":2}})") << QByteArray(R"({"o":{"x":1,"y":5}})")
            << QByteArray(R"({"o":{"y":5}})");
        QTest::newRow("nested removal")
            << QByteArray(R"({"o":{"x":1,"y":2}})") << QByteArray(R"({"o":{"x":1}})")
            << QByteArray(R"({"o":{"y":null}})");
        QTest::newRow("object emptied")
            << QByteArray(R"({"o":{"x":1}})") << QByteArray(R"({"o":{}})")
            << QByteArray(R"({"o":{"x":null}})");
        QTest::newRow("object to scalar") << QByteArray(R"({"o":{"x":1}})")
                                          << QByteArray(R"({"o":7})") << QByteArray(R"({"o":7})");
        QTest::newRow("scalar to object")
            << QByteArray(R"({"o":7})") << QByteArray(R"({"o":{"x":1}})")
            << QByteArray(R"({"o":{"x":1}})");
        QTest::newRow("array replaced whole")
            << QByteArray(R"({"a":[1,2,3]})") << QByteArray(R"({"a":[1,2]})")
            << QByteArray(R"({"a":[1,2]})");
        QTest::newRow("everything removed")
            << QByteArray(R"({"a":1,"o":{"x":1}})") << QByteArray("{}")
            << QByteArray(R"({"a":null,"o":null})");
    }

    // The patch is minimal, and AWS's merge of it into the base gives back the edit.
    void patch()
    {
        QFETCH(QByteArray, base);
        QFETCH(QByteArray, edited);
        QFETCH(QByteArray, expected);
        const QJsonObject b = json(base.constData());
        const QJsonObject e = json(edited.constData());
        const QJsonObject p = shadowPatch(b, e);
        QCOMPARE(p, json(expected.constData()));
        // An emptied object disappears from a shadow: compare with what AWS would store.
        QCOMPARE(mergePatch(b, p), ShadowJson::merge(QJsonObject(), e));
        QCOMPARE(mergePatch(b, p), ShadowJson::merge(b, p));
    }

    void mergeFollowsAws_data()
    {
        QTest::addColumn<QByteArray>("section");
        QTest::addColumn<QByteArray>("patch");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("replace") << QByteArray(R"({"a":1})") << QByteArray(R"({"a":2})")
                                 << QByteArray(R"({"a":2})");
        QTest::newRow("null deletes") << QByteArray(R"({"a":1,"b":2})")
                                      << QByteArray(R"({"a":null})") << QByteArray(R"({"b":2})");
        QTest::newRow("objects merge")
            << QByteArray(R"({"o":{"x":1}})") << QByteArray(R"({"o":{"y":2}})")
            << QByteArray(R"({"o":{"x":1,"y":2}})");
        QTest::newRow("emptied object removed")
            << QByteArray(R"({"o":{"x":1},"a":1})") << QByteArray(R"({"o":{"x":null}})")
            << QByteArray(R"({"a":1})");
        QTest::newRow("array whole") << QByteArray(R"({"a":[1,2,3]})") << QByteArray(R"({"a":[9]})")
                                     << QByteArray(R"({"a":[9]})");
        // Re-applying a user's change on a newer version keeps the other client's keys.
        QTest::newRow("replay on newer")
            << QByteArray(R"({"fan":"on","t":21})") << QByteArray(R"({"t":23})")
            << QByteArray(R"({"fan":"on","t":23})");
    }

    void mergeFollowsAws()
    {
        QFETCH(QByteArray, section);
        QFETCH(QByteArray, patch);
        QFETCH(QByteArray, expected);
        QCOMPARE(mergePatch(json(section.constData()), json(patch.constData())),
                 json(expected.constData()));
    }

    void buildRequest()
    {
        const ShadowDocument base = shadow(R"({"mode":"heat","t":21,"fan":"auto"})");
        const auto request =
            buildShadowEdit(base, ShadowSection::Desired, json(R"({"mode":"cool","t":21})"),
                            QStringLiteral("thingdeck-1"));
        QVERIFY(request.ok());
        QCOMPARE(request.value().patch, json(R"({"mode":"cool","fan":null})"));
        QCOMPARE(
            request.value().document,
            json(
                R"({"state":{"desired":{"mode":"cool","fan":null}},"clientToken":"thingdeck-1"})"));
        QCOMPARE(request.value().basedOnVersion, base.version());
        // What the service makes of it is exactly the edit.
        QByteArray body = ShadowJson::compact(request.value().document);
        const auto update = ShadowUpdate::parse(body);
        QVERIFY(update.ok());
        const auto after = base.updated(update.value(), 1700000100);
        QVERIFY(after.ok());
        QCOMPARE(after.value().desired(), json(R"({"mode":"cool","t":21})"));

        const auto reported =
            buildShadowEdit(base, ShadowSection::Reported, json(R"({"firmware":"2"})"), QString());
        QVERIFY(reported.ok());
        QCOMPARE(reported.value().document,
                 json(R"({"state":{"reported":{"firmware":"2"}}})")); // no token: none sent
    }

    void problemsBeforeSending_data()
    {
        QTest::addColumn<QByteArray>("edited");
        QTest::addColumn<QString>("token");
        QTest::addColumn<QStringList>("path");
        QTest::addColumn<QByteArray>("says");
        QTest::newRow("unchanged") << QByteArray(R"({"a":1})") << QString() << QStringList()
                                   << QByteArray("Nothing changed");
        QTest::newRow("depth 7") << nested(7).toUtf8() << QString() << paths("k1 k2 k3 k4 k5 k6")
                                 << QByteArray("7 levels deep; AWS allows 6");
        QTest::newRow("null in array") << QByteArray(R"({"a":1,"list":[1,null]})") << QString()
                                       << paths("list 1") << QByteArray("null inside an array");
        QTest::newRow("null in object in array")
            << QByteArray(R"({"a":1,"list":[{"x":null}]})") << QString() << paths("list 0 x")
            << QByteArray("null inside an array");
        QTest::newRow("long client token")
            << QByteArray(R"({"a":2})") << QString(65, QLatin1Char('t')) << QStringList()
            << QByteArray("clientToken");
        QTest::newRow("over 8 KB")
            << (QByteArray("{\"a\":1,\"blob\":\"") + QByteArray(8200, 'x') + QByteArray("\"}"))
            << QString() << QStringList() << QByteArray("AWS allows 8,192");
    }

    // Refused before any request, where the problem is; and parse()/updated() agree.
    void problemsBeforeSending()
    {
        QFETCH(QByteArray, edited);
        QFETCH(QString, token);
        QFETCH(QStringList, path);
        QFETCH(QByteArray, says);
        const ShadowDocument base = shadow(R"({"a":1})");
        const auto request =
            buildShadowEdit(base, ShadowSection::Desired, json(edited.constData()), token);
        QVERIFY(!request.ok());
        QCOMPARE(request.error().path, path);
        QVERIFY2(request.error().message.contains(QString::fromUtf8(says)),
                 qPrintable(request.error().message));
    }

    // At the limits: depth 6 and exactly 8,192 bytes of state go; one more level or byte does not
    // — the same verdict as the service's own rules.
    void limitsAgreeWithTheService_data()
    {
        QTest::addColumn<int>("depth");
        QTest::addColumn<int>("bytes");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("depth 6") << 6 << 0 << true;
        QTest::newRow("depth 7") << 7 << 0 << false;
        QTest::newRow("8192 bytes") << 0 << 8192 << true;
        QTest::newRow("8193 bytes") << 0 << 8193 << false;
    }

    void limitsAgreeWithTheService()
    {
        QFETCH(int, depth);
        QFETCH(int, bytes);
        QFETCH(bool, accepted);
        const ShadowDocument base;
        QJsonObject edited;
        if (depth > 0) {
            edited = json(nested(depth).toUtf8().constData());
        } else {
            // {"desired":{"s":"xxx…"}} is the stored state: 20 bytes around the string.
            const qsizetype overhead =
                ShadowJson::compact(QJsonObject{{QStringLiteral("desired"),
                                                 QJsonObject{{QStringLiteral("s"), QString()}}}})
                    .size();
            edited =
                QJsonObject{{QStringLiteral("s"), QString(bytes - overhead, QLatin1Char('x'))}};
        }
        const auto request = buildShadowEdit(base, ShadowSection::Desired, edited, QString());
        QCOMPARE(request.ok(), accepted);
        // The service's verdict on the same request.
        const QByteArray body = ShadowJson::compact(QJsonObject{
            {QStringLiteral("state"), QJsonObject{{QStringLiteral("desired"), edited}}}});
        const auto update = ShadowUpdate::parse(body);
        const bool serviceAccepts = update.ok() && base.updated(update.value(), 1700000000).ok();
        QCOMPARE(serviceAccepts, accepted);
    }

    void diffModel()
    {
        JsonDiffModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setDocuments(json(R"({"state":{"desired":{"a":1,"b":2}},"version":3})"),
                           QStringLiteral("Version 3"),
                           json(R"({"state":{"desired":{"a":1,"b":5,"c":0}},"version":4})"),
                           QStringLiteral("Version 4"));
        QCOMPARE(model.headerData(JsonDiffModel::LeftColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Version 3"));
        QCOMPARE(model.headerData(JsonDiffModel::RightColumn, Qt::Horizontal).toString(),
                 QStringLiteral("Version 4"));
        QCOMPARE(model.rowCount(), 2); // state, version
        const QModelIndex state = model.indexForPath({QStringLiteral("state")});
        QVERIFY(state.data(JsonDiffModel::ContainsChangesRole).toBool());
        QCOMPARE(JsonDiffModel::Kind(state.data(JsonDiffModel::KindRole).toInt()),
                 JsonDiffModel::Kind::Unchanged);
        const auto kindAt = [&](const QStringList &path) {
            return JsonDiffModel::Kind(
                model.indexForPath(path).data(JsonDiffModel::KindRole).toInt());
        };
        const QStringList desired{QStringLiteral("state"), QStringLiteral("desired")};
        QCOMPARE(kindAt(desired + QStringList{QStringLiteral("a")}),
                 JsonDiffModel::Kind::Unchanged);
        QCOMPARE(kindAt(desired + QStringList{QStringLiteral("b")}), JsonDiffModel::Kind::Changed);
        QCOMPARE(kindAt(desired + QStringList{QStringLiteral("c")}), JsonDiffModel::Kind::Added);
        QCOMPARE(kindAt({QStringLiteral("version")}), JsonDiffModel::Kind::Changed);
        const QModelIndex b = model.indexForPath(desired + QStringList{QStringLiteral("b")});
        QCOMPARE(b.siblingAtColumn(JsonDiffModel::LeftColumn).data().toString(),
                 QStringLiteral("2"));
        QCOMPARE(b.siblingAtColumn(JsonDiffModel::RightColumn).data().toString(),
                 QStringLiteral("5"));
        QCOMPARE(model.changes().size(), 3);
        QVERIFY(!model.indexForPath({QStringLiteral("nothing")}).isValid());
        model.setDocuments(json(R"({"x":{"y":1}})"), QStringLiteral("A"), json("{}"),
                           QStringLiteral("B"));
        QCOMPARE(JsonDiffModel::Kind(model.index(0, 0).data(JsonDiffModel::KindRole).toInt()),
                 JsonDiffModel::Kind::Removed);
        QCOMPARE(model.rowCount(model.index(0, 0)), 1); // a removed object still shows its keys
    }
};

QTEST_GUILESS_MAIN(TestShadowEdit)
#include "tst_shadowedit.moc"
