// The Device Shadow document rules (aws-iot.md §5): request validation, merge, delta, metadata,
// versions, limits, delete, the response documents and storage. Rows named "DG ..." replay the
// examples of the AWS IoT Developer Guide that aws-iot.md cites; "IS-..." rows replay texts
// observed in GitHub issues (aws-iot.md §0).
#include "iot/ShadowDocument.h"
#include "iot/ShadowError.h"
#include "iot/ShadowUpdate.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace thingdeck;

namespace {

constexpr qint64 kFirstUpdate = 1000; // the i-th update of a row runs at kFirstUpdate + i
constexpr qint64 kNow = 2000;         // the time of the response under test

QJsonObject object(const QByteArray &text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        qFatal("test literal is not a JSON object: %s", text.constData());
    return document.object();
}

QByteArray compact(const QJsonObject &json)
{
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

// The canonical form of a JSON literal, for comparing whole documents as readable strings.
QByteArray normalized(const QByteArray &text)
{
    return compact(object(text));
}

ShadowDocument stored(const QByteArray &storageJson)
{
    const auto document = ShadowDocument::fromJson(object(storageJson));
    if (!document)
        qFatal("test storage literal rejected: %s", qPrintable(document.error()));
    return document.value();
}

// Applies each update payload in turn, the i-th at kFirstUpdate + i.
Result<ShadowDocument, ShadowError> applyAll(ShadowDocument document, const QByteArrayList &updates)
{
    qint64 time = kFirstUpdate;
    for (const QByteArray &payload : updates) {
        const auto update = ShadowUpdate::parse(payload);
        if (!update)
            return fail(update.error());
        const auto next = document.updated(update.value(), time++);
        if (!next)
            return fail(next.error());
        document = next.value();
    }
    return document;
}

// What a parsed request amounts to, as one document: the echoed state, version, clientToken.
QJsonObject summary(const ShadowUpdate &update)
{
    QJsonObject result{{QStringLiteral("state"), update.state()}};
    if (update.version())
        result.insert(QStringLiteral("version"), *update.version());
    if (!update.clientToken().isEmpty())
        result.insert(QStringLiteral("clientToken"), update.clientToken());
    return result;
}

// `text` as a JSON string. (Raw strings that end in a quote confuse moc, hence this.)
QByteArray quoted(const QByteArray &text)
{
    return '"' + text + '"';
}

// An update whose stored state `{"desired":{"k":"xx…"}}` is exactly `stateBytes` long.
QByteArray sizedUpdate(int stateBytes)
{
    const int overhead = int(qstrlen(R"({"desired":{"k":""}})"));
    const QByteArray value = quoted(QByteArray(stateBytes - overhead, 'x'));
    return R"({"state":{"desired":{"k":)" + value + "}}}";
}

const QByteArray kDgLocked = R"({"exists":true,"version":10,
    "state":{"desired":{"colors":["RED","GREEN","BLUE"]}},
    "metadata":{"desired":{"colors":{"timestamp":500}}}})";

} // namespace

class TestShadowDocument : public QObject
{
    Q_OBJECT

    static void parseColumns()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QByteArray>("expected"); // summary() when accepted, else error doc
    }

    static void checkParse()
    {
        QFETCH(QByteArray, payload);
        QFETCH(QByteArray, expected);
        const auto update = ShadowUpdate::parse(payload);
        const QJsonObject actual = update ? summary(update.value()) : update.error().toJson();
        QCOMPARE(compact(actual), normalized(expected));
    }

    static void getAfterUpdatesColumns()
    {
        QTest::addColumn<QByteArrayList>("updates");
        QTest::addColumn<QByteArray>("get"); // getResponse(kNow) afterwards
    }

    static void checkGetAfterUpdates()
    {
        QFETCH(QByteArrayList, updates);
        QFETCH(QByteArray, get);
        const auto document = applyAll(ShadowDocument(), updates);
        QVERIFY2(document.ok(), qPrintable(document ? QString() : document.error().message));
        QVERIFY(document.value().exists());
        QCOMPARE(compact(document.value().getResponse(kNow)), normalized(get));
    }

private Q_SLOTS:
    // --- request documents ------------------------------------------------------------------

    void parseValid_data()
    {
        parseColumns();

        QTest::newRow("DG request state document")
            << QByteArray(R"({"state":{"desired":{"attribute1":2,"attribute2":"string2"},
                 "reported":{"attribute1":1,"attributeN":true}},"clientToken":"token","version":7})")
            << QByteArray(R"({"state":{"desired":{"attribute1":2,"attribute2":"string2"},
                 "reported":{"attribute1":1,"attributeN":true}},"clientToken":"token","version":7})");
        QTest::newRow("DG /update by a client: desired")
            << QByteArray(R"({"state":{"desired":{"color":"red","power":"on"}}})")
            << QByteArray(R"({"state":{"desired":{"color":"red","power":"on"}}})");
        QTest::newRow("DG /update by a device: reported")
            << QByteArray(R"({"state":{"reported":{"color":"red","power":"on"}}})")
            << QByteArray(R"({"state":{"reported":{"color":"red","power":"on"}}})");
        QTest::newRow("DG delete a property: null is kept in the request")
            << QByteArray(R"({"state":{"desired":{"engine":null}}})")
            << QByteArray(R"({"state":{"desired":{"engine":null}}})");
        QTest::newRow("DG empty sections: desired null")
            << QByteArray(R"({"state":{"reported":{"color":"red"},"desired":null}})")
            << QByteArray(R"({"state":{"reported":{"color":"red"},"desired":null}})");
        QTest::newRow("state null is a valid request")
            << QByteArray(R"({"state":null})") << QByteArray(R"({"state":null})");
        QTest::newRow("state {} is a valid request")
            << QByteArray(R"({"state":{}})") << QByteArray(R"({"state":{}})");
        QTest::newRow("DIAG: only desired and reported are used (state.delta, state.foo)")
            << QByteArray(R"({"state":{"desired":{"a":1},"delta":{"a":2},"foo":3}})")
            << QByteArray(R"({"state":{"desired":{"a":1}}})");
        QTest::newRow("DIAG: top-level members other than state are ignored")
            << QByteArray(R"({"state":{"reported":{"a":1}},"metadata":{"x":1},"timestamp":5})")
            << QByteArray(R"({"state":{"reported":{"a":1}}})");
    }

    void parseErrors_data()
    {
        parseColumns();

        QTest::newRow("Invalid JSON: truncated")
            << QByteArray(R"({"state":)") << QByteArray(R"({"code":400,"message":"Invalid JSON"})");
        QTest::newRow("Invalid JSON: empty payload")
            << QByteArray() << QByteArray(R"({"code":400,"message":"Invalid JSON"})");
        QTest::newRow("Invalid JSON: top-level array")
            << QByteArray(R"([{"state":{}}])")
            << QByteArray(R"({"code":400,"message":"Invalid JSON"})");
        QTest::newRow("Invalid JSON: top-level string")
            << QByteArray(R"("state")") << QByteArray(R"({"code":400,"message":"Invalid JSON"})");
        QTest::newRow("415: bytes that are not UTF-8")
            << QByteArray("{\"state\":{\"desired\":{\"a\":\"\xff\"}}}")
            << QByteArray(R"({"code":415,
                 "message":"Unsupported documented encoding; supported encoding is UTF-8"})");
        QTest::newRow("Missing required node: state (clientToken echoed)")
            << QByteArray(R"({"clientToken":"abc"})")
            << QByteArray(
                   R"({"code":400,"message":"Missing required node: state","clientToken":"abc"})");
        QTest::newRow("Missing required node: state (DG state document without wrapper)")
            << QByteArray(R"({"desired":{"color":"RED"}})")
            << QByteArray(R"({"code":400,"message":"Missing required node: state"})");
        QTest::newRow("State node must be an object: string")
            << QByteArray(R"({"state":"on"})")
            << QByteArray(R"({"code":400,"message":"State node must be an object"})");
        QTest::newRow("State node must be an object: array")
            << QByteArray(R"({"state":[{"desired":{}}]})")
            << QByteArray(R"({"code":400,"message":"State node must be an object"})");
        QTest::newRow("Desired node must be an object: number")
            << QByteArray(R"({"state":{"desired":1}})")
            << QByteArray(R"({"code":400,"message":"Desired node must be an object"})");
        QTest::newRow("Desired node must be an object: array")
            << QByteArray(R"({"state":{"desired":["RED"]}})")
            << QByteArray(R"({"code":400,"message":"Desired node must be an object"})");
        QTest::newRow("Reported node must be an object: string")
            << QByteArray(R"({"state":{"reported":"x"}})")
            << QByteArray(R"({"code":400,"message":"Reported node must be an object"})");
    }

    void parseVersionAndClientToken_data()
    {
        parseColumns();

        QTest::newRow("version 0 is valid") << QByteArray(R"({"state":{},"version":0})")
                                            << QByteArray(R"({"state":{},"version":0})");
        QTest::newRow("version null is no version")
            << QByteArray(R"({"state":{},"version":null})") << QByteArray(R"({"state":{}})");
        QTest::newRow("Invalid version: string")
            << QByteArray(R"({"state":{},"version":"3"})")
            << QByteArray(R"({"code":400,"message":"Invalid version"})");
        QTest::newRow("Invalid version: negative")
            << QByteArray(R"({"state":{},"version":-1})")
            << QByteArray(R"({"code":400,"message":"Invalid version"})");
        QTest::newRow("Invalid version: fraction")
            << QByteArray(R"({"state":{},"version":1.5,"clientToken":"t"})")
            << QByteArray(R"({"code":400,"message":"Invalid version","clientToken":"t"})");

        const QByteArray token64(64, 'c');
        QTest::newRow("clientToken of 64 bytes is valid")
            << QByteArray(R"({"state":{},"clientToken":)" + quoted(token64) + "}")
            << QByteArray(R"({"state":{},"clientToken":)" + quoted(token64) + "}");
        QTest::newRow("Invalid clientToken: 65 bytes")
            << QByteArray(R"({"state":{},"clientToken":)" + quoted(token64 + 'c') + "}")
            << QByteArray(R"({"code":400,"message":"Invalid clientToken"})");
        const QByteArray euro = "\xe2\x82\xac"; // three UTF-8 bytes, one character
        QTest::newRow("clientToken of 21 three-byte characters (63 bytes) is valid")
            << QByteArray(R"({"state":{},"clientToken":)" + quoted(euro.repeated(21)) + "}")
            << QByteArray(R"({"state":{},"clientToken":)" + quoted(euro.repeated(21)) + "}");
        QTest::newRow("Invalid clientToken: 22 characters but 66 bytes")
            << QByteArray(R"({"state":{},"clientToken":)" + quoted(euro.repeated(22)) + "}")
            << QByteArray(R"({"code":400,"message":"Invalid clientToken"})");
        QTest::newRow("Invalid clientToken: number")
            << QByteArray(R"({"state":{},"clientToken":42})")
            << QByteArray(R"({"code":400,"message":"Invalid clientToken"})");
    }

    void parseLimits_data()
    {
        parseColumns();

        const QByteArray tooDeep =
            R"({"code":400,"message":"JSON contains too many levels of nesting; maximum is 6"})";
        const QByteArray six = R"({"1":{"2":{"3":{"4":{"5":{"6":"The Beatles"}}}}}})";
        const QByteArray seven = R"({"1":{"2":{"3":{"4":{"5":{"6":{"7":"The Beatles"}}}}}}})";
        QTest::newRow("depth: 6 levels in desired are accepted (Greengrass JsonUtilTest)")
            << QByteArray(R"({"state":{"desired":)" + six + "}}")
            << QByteArray(R"({"state":{"desired":)" + six + "}}");
        QTest::newRow("depth: 6 levels in reported are accepted")
            << QByteArray(R"({"state":{"reported":)" + six + "}}")
            << QByteArray(R"({"state":{"reported":)" + six + "}}");
        QTest::newRow("depth: 7 levels in desired are rejected")
            << QByteArray(R"({"state":{"desired":)" + seven + "}}") << tooDeep;
        QTest::newRow("depth: 7 levels in reported are rejected")
            << QByteArray(R"({"state":{"reported":)" + seven + "}}") << tooDeep;
        QTest::newRow("depth: desired 6 and reported 7 is rejected")
            << QByteArray(R"({"state":{"desired":)" + six + R"(,"reported":)" + seven + "}}")
            << tooDeep;
        QTest::newRow("depth: arrays are levels too, 6 accepted")
            << QByteArray(R"({"state":{"desired":{"a":[[[[["x"]]]]]}}})")
            << QByteArray(R"({"state":{"desired":{"a":[[[[["x"]]]]]}}})");
        QTest::newRow("depth: arrays are levels too, 7 rejected")
            << QByteArray(R"({"state":{"desired":{"a":[[[[[["x"]]]]]]}}})") << tooDeep;
        QTest::newRow("depth: objects in arrays, 7 rejected (clientToken echoed)")
            << QByteArray(R"({"clientToken":"d","state":{"reported":
                 {"a":[{"b":[{"c":{"d":{"e":1}}}]}]}}})")
            << QByteArray(R"({"code":400,"message":
                 "JSON contains too many levels of nesting; maximum is 6","clientToken":"d"})");

        QTest::newRow("DG arrays can't have null values")
            << QByteArray(R"({"state":{"desired":{"colors":[null,"RED","GREEN"]}}})")
            << QByteArray(R"({"code":400,"message":"State contains an invalid node"})");
        QTest::newRow("arrays can't hide null in an object either")
            << QByteArray(R"({"state":{"reported":{"lamps":[{"on":true},{"on":null}]}}})")
            << QByteArray(R"({"code":400,"message":"State contains an invalid node"})");
    }

    void parseValid() { checkParse(); }
    void parseErrors() { checkParse(); }
    void parseVersionAndClientToken() { checkParse(); }
    void parseLimits() { checkParse(); }

    // --- merge, metadata, delta: the GET document after a series of updates ----------------

    void getAfterDgExamples_data()
    {
        getAfterUpdatesColumns();

        QTest::newRow("DG a client requests a state change")
            << QByteArrayList{R"({"state":{"desired":{"color":{"r":10},"engine":"ON"}}})"}
            << QByteArray(R"({"state":{"desired":{"color":{"r":10},"engine":"ON"},
                 "delta":{"color":{"r":10},"engine":"ON"}},
                 "metadata":{"desired":{"color":{"r":{"timestamp":1000}},
                 "engine":{"timestamp":1000}}},"version":1,"timestamp":2000})");
        QTest::newRow("DG the device reports its state: no delta left")
            << QByteArrayList{R"({"state":{"desired":{"color":{"r":10},"engine":"ON"}}})",
                              R"({"state":{"reported":{"color":{"r":10},"engine":"ON"}}})"}
            << QByteArray(R"({"state":{"desired":{"color":{"r":10},"engine":"ON"},
                 "reported":{"color":{"r":10},"engine":"ON"}},
                 "metadata":{"desired":{"color":{"r":{"timestamp":1000}},
                 "engine":{"timestamp":1000}},"reported":{"color":{"r":{"timestamp":1001}},
                 "engine":{"timestamp":1001}}},"version":2,"timestamp":2000})");
        QTest::newRow("DG deleting a property: engine null")
            << QByteArrayList{R"({"state":{"desired":{"color":{"r":10},"engine":"ON"}}})",
                              R"({"state":{"desired":{"engine":null}}})"}
            << QByteArray(R"({"state":{"desired":{"color":{"r":10}},"delta":{"color":{"r":10}}},
                 "metadata":{"desired":{"color":{"r":{"timestamp":1000}}}},
                 "version":2,"timestamp":2000})");
        QTest::newRow("DG empty sections: desired null removes the section")
            << QByteArrayList{R"({"state":{"desired":{"color":"RED"}}})",
                              R"({"state":{"reported":{"color":"red"},"desired":null}})"}
            << QByteArray(R"({"state":{"reported":{"color":"red"}},
                 "metadata":{"reported":{"color":{"timestamp":1001}}},
                 "version":2,"timestamp":2000})");
        QTest::newRow("DG empty document {}: state null clears both sections")
            << QByteArrayList{R"({"state":{"desired":{"a":1},"reported":{"b":2}}})",
                              R"({"state":null})"}
            << QByteArray(R"({"state":{},"metadata":{},"version":2,"timestamp":2000})");
        QTest::newRow("DG arrays: an update replaces the whole array")
            << QByteArrayList{R"({"state":{"desired":{"colors":["RED","GREEN","BLUE"]}}})",
                              R"({"state":{"desired":{"colors":["RED"]}}})"}
            << QByteArray(R"({"state":{"desired":{"colors":["RED"]},"delta":{"colors":["RED"]}},
                 "metadata":{"desired":{"colors":{"timestamp":1001}}},
                 "version":2,"timestamp":2000})");
        QTest::newRow("DG delta state: desired fields not reported or different")
            << QByteArrayList{R"({"state":{"desired":{"color":"RED","state":"STOP"},
                                   "reported":{"color":"GREEN","engine":"ON"}}})"}
            << QByteArray(R"({"state":{"desired":{"color":"RED","state":"STOP"},
                 "reported":{"color":"GREEN","engine":"ON"},
                 "delta":{"color":"RED","state":"STOP"}},
                 "metadata":{"desired":{"color":{"timestamp":1000},"state":{"timestamp":1000}},
                 "reported":{"color":{"timestamp":1000},"engine":{"timestamp":1000}}},
                 "version":1,"timestamp":2000})");
        QTest::newRow("DG delta of nested objects keeps the path: lights.color.g")
            << QByteArrayList{R"({"state":{"desired":{"lights":{"color":{"r":255,"g":255,"b":255}}},
                                   "reported":{"lights":{"color":{"r":255,"g":0,"b":255}}}}})"}
            << QByteArray(R"({"state":{"desired":{"lights":{"color":{"r":255,"g":255,"b":255}}},
                 "reported":{"lights":{"color":{"r":255,"g":0,"b":255}}},
                 "delta":{"lights":{"color":{"g":255}}}},
                 "metadata":{"desired":{"lights":{"color":{"r":{"timestamp":1000},
                 "g":{"timestamp":1000},"b":{"timestamp":1000}}}},
                 "reported":{"lights":{"color":{"r":{"timestamp":1000},"g":{"timestamp":1000},
                 "b":{"timestamp":1000}}}}},"version":1,"timestamp":2000})");
        QTest::newRow("DG delta: a differing array is copied whole")
            << QByteArrayList{R"({"state":{"desired":{"seq":["RED","GREEN"],"same":[1,2]},
                                   "reported":{"seq":["RED"],"same":[1,2]}}})"}
            << QByteArray(R"({"state":{"desired":{"seq":["RED","GREEN"],"same":[1,2]},
                 "reported":{"seq":["RED"],"same":[1,2]},"delta":{"seq":["RED","GREEN"]}},
                 "metadata":{"desired":{"seq":{"timestamp":1000},"same":{"timestamp":1000}},
                 "reported":{"seq":{"timestamp":1000},"same":{"timestamp":1000}}},
                 "version":1,"timestamp":2000})");
        QTest::newRow("DG delta: a key deleted from reported but still desired")
            << QByteArrayList{R"({"state":{"desired":{"a":1},"reported":{"a":1}}})",
                              R"({"state":{"reported":{"a":null}}})"}
            << QByteArray(R"({"state":{"desired":{"a":1},"delta":{"a":1}},
                 "metadata":{"desired":{"a":{"timestamp":1000}}},"version":2,"timestamp":2000})");
        QTest::newRow("DG delta: reported-only keys are not included")
            << QByteArrayList{R"({"state":{"desired":{"a":1},"reported":{"a":1,"b":2}}})"}
            << QByteArray(R"({"state":{"desired":{"a":1},"reported":{"a":1,"b":2}},
                 "metadata":{"desired":{"a":{"timestamp":1000}},
                 "reported":{"a":{"timestamp":1000},"b":{"timestamp":1000}}},
                 "version":1,"timestamp":2000})");
    }

    void deltaRules_data()
    {
        getAfterUpdatesColumns();

        QTest::newRow("delta: numbers compare by value, 1 equals 1.0")
            << QByteArrayList{R"({"state":{"desired":{"a":1},"reported":{"a":1.0}}})"}
            << QByteArray(R"({"state":{"desired":{"a":1},"reported":{"a":1}},
                 "metadata":{"desired":{"a":{"timestamp":1000}},
                 "reported":{"a":{"timestamp":1000}}},"version":1,"timestamp":2000})");
        QTest::newRow("delta: a desired object against a reported scalar is copied whole")
            << QByteArrayList{R"({"state":{"desired":{"a":{"x":1,"y":2}},"reported":{"a":5}}})"}
            << QByteArray(R"({"state":{"desired":{"a":{"x":1,"y":2}},"reported":{"a":5},
                 "delta":{"a":{"x":1,"y":2}}},
                 "metadata":{"desired":{"a":{"x":{"timestamp":1000},"y":{"timestamp":1000}}},
                 "reported":{"a":{"timestamp":1000}}},"version":1,"timestamp":2000})");
        QTest::newRow("delta: a string is not a number")
            << QByteArrayList{R"({"state":{"desired":{"a":"1"},"reported":{"a":1}}})"}
            << QByteArray(R"({"state":{"desired":{"a":"1"},"reported":{"a":1},"delta":{"a":"1"}},
                 "metadata":{"desired":{"a":{"timestamp":1000}},
                 "reported":{"a":{"timestamp":1000}}},"version":1,"timestamp":2000})");
    }

    void mergeRules_data()
    {
        getAfterUpdatesColumns();

        QTest::newRow("merge: nested objects merge key by key")
            << QByteArrayList{R"({"state":{"reported":{"lights":{"color":"red","level":5}}}})",
                              R"({"state":{"reported":{"lights":{"level":7}}}})"}
            << QByteArray(R"({"state":{"reported":{"lights":{"color":"red","level":7}}},
                 "metadata":{"reported":{"lights":{"color":{"timestamp":1000},
                 "level":{"timestamp":1001}}}},"version":2,"timestamp":2000})");
        QTest::newRow("merge: deleting the last key of an object removes the object")
            << QByteArrayList{R"({"state":{"reported":{"a":{"b":1},"c":2}}})",
                              R"({"state":{"reported":{"a":{"b":null}}}})"}
            << QByteArray(R"({"state":{"reported":{"c":2}},
                 "metadata":{"reported":{"c":{"timestamp":1000}}},"version":2,"timestamp":2000})");
        QTest::newRow("merge: deleting every desired key removes the section")
            << QByteArrayList{R"({"state":{"desired":{"a":1}}})",
                              R"({"state":{"desired":{"a":null}}})"}
            << QByteArray(R"({"state":{},"metadata":{},"version":2,"timestamp":2000})");
        QTest::newRow("merge: null for a missing key changes only the version")
            << QByteArrayList{R"({"state":{"reported":{"a":1}}})",
                              R"({"state":{"reported":{"zzz":null}}})"}
            << QByteArray(R"({"state":{"reported":{"a":1}},
                 "metadata":{"reported":{"a":{"timestamp":1000}}},"version":2,"timestamp":2000})");
        QTest::newRow("merge: an object replaces a scalar")
            << QByteArrayList{R"({"state":{"reported":{"a":5}}})",
                              R"({"state":{"reported":{"a":{"b":1}}}})"}
            << QByteArray(R"({"state":{"reported":{"a":{"b":1}}},
                 "metadata":{"reported":{"a":{"b":{"timestamp":1001}}}},
                 "version":2,"timestamp":2000})");
        QTest::newRow("merge: a scalar replaces an object")
            << QByteArrayList{R"({"state":{"reported":{"a":{"b":1,"c":2}}}})",
                              R"({"state":{"reported":{"a":7}}})"}
            << QByteArray(R"({"state":{"reported":{"a":7}},
                 "metadata":{"reported":{"a":{"timestamp":1001}}},"version":2,"timestamp":2000})");
        QTest::newRow("merge: an array replaces an object")
            << QByteArrayList{R"({"state":{"reported":{"a":{"b":1}}}})",
                              R"({"state":{"reported":{"a":[{"b":2}]}}})"}
            << QByteArray(R"({"state":{"reported":{"a":[{"b":2}]}},
                 "metadata":{"reported":{"a":{"timestamp":1001}}},"version":2,"timestamp":2000})");
        QTest::newRow("merge: an empty object stores nothing")
            << QByteArrayList{R"({"state":{"desired":{"a":{}}}})"}
            << QByteArray(R"({"state":{},"metadata":{},"version":1,"timestamp":2000})");
        QTest::newRow("merge: nulls inside a new object are dropped")
            << QByteArrayList{R"({"state":{"desired":{"a":{"b":null,"c":1}}}})"}
            << QByteArray(R"({"state":{"desired":{"a":{"c":1}},"delta":{"a":{"c":1}}},
                 "metadata":{"desired":{"a":{"c":{"timestamp":1000}}}},
                 "version":1,"timestamp":2000})");
    }

    void metadataAndVersionRules_data()
    {
        getAfterUpdatesColumns();

        QTest::newRow("metadata: untouched leaves keep their timestamps")
            << QByteArrayList{R"({"state":{"reported":{"a":1,"b":2}}})",
                              R"({"state":{"reported":{"b":3}}})",
                              R"({"state":{"desired":{"a":1}}})"}
            << QByteArray(R"({"state":{"desired":{"a":1},"reported":{"a":1,"b":3}},
                 "metadata":{"desired":{"a":{"timestamp":1002}},
                 "reported":{"a":{"timestamp":1000},"b":{"timestamp":1001}}},
                 "version":3,"timestamp":2000})");
        QTest::newRow("metadata: writing the same value again restamps it")
            << QByteArrayList{R"({"state":{"reported":{"a":1}}})",
                              R"({"state":{"reported":{"a":1}}})"}
            << QByteArray(R"({"state":{"reported":{"a":1}},
                 "metadata":{"reported":{"a":{"timestamp":1001}}},"version":2,"timestamp":2000})");
        QTest::newRow("version: state {} is an accepted update")
            << QByteArrayList{R"({"state":{"reported":{"a":1}}})", R"({"state":{}})"}
            << QByteArray(R"({"state":{"reported":{"a":1}},
                 "metadata":{"reported":{"a":{"timestamp":1000}}},"version":2,"timestamp":2000})");
        QTest::newRow("version: matching versions are accepted")
            << QByteArrayList{R"({"state":{"reported":{"a":1}},"version":0})",
                              R"({"state":{"reported":{"a":2}},"version":1})"}
            << QByteArray(R"({"state":{"reported":{"a":2}},
                 "metadata":{"reported":{"a":{"timestamp":1001}}},"version":2,"timestamp":2000})");
    }

    void getAfterDgExamples() { checkGetAfterUpdates(); }
    void deltaRules() { checkGetAfterUpdates(); }
    void mergeRules() { checkGetAfterUpdates(); }
    void metadataAndVersionRules() { checkGetAfterUpdates(); }

    void updateLeavesTheOriginalUntouched()
    {
        // The GUI previews an update on the value; the sandbox keeps the old one on rejection.
        const ShadowDocument original = stored(kDgLocked);
        const QJsonObject before = original.toJson();
        const auto update =
            ShadowUpdate::parse(R"({"state":{"desired":{"colors":null,"x":1}},"version":10})");
        QVERIFY(update.ok());
        const auto next = original.updated(update.value(), kNow);
        QVERIFY(next.ok());
        QCOMPARE(compact(original.toJson()), compact(before));
        QCOMPARE(next.value().version(), qint64(11));
        QCOMPARE(compact(next.value().desired()), normalized(R"({"x":1})"));
    }

    // --- rejected updates leave the shadow as it was ---------------------------------------

    void rejectedUpdate_data()
    {
        QTest::addColumn<QByteArray>("initial"); // storage JSON
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QByteArray>("error");

        const QByteArray absent = R"({"exists":false,"version":0})";
        QTest::newRow("DG optimistic locking: version 9 against 10")
            << kDgLocked << QByteArray(R"({"state":{"desired":{"colors":["BLUE"]}},"version":9,
                 "clientToken":"426bfd96-e720-46d3-95cd-014e3ef12bb6"})")
            << QByteArray(R"({"code":409,"message":"Version conflict",
                 "clientToken":"426bfd96-e720-46d3-95cd-014e3ef12bb6"})");
        QTest::newRow("version ahead of the shadow is a conflict too")
            << kDgLocked << QByteArray(R"({"state":{"desired":{"x":1}},"version":11})")
            << QByteArray(R"({"code":409,"message":"Version conflict"})");
        QTest::newRow("a new shadow is at version 0")
            << absent << QByteArray(R"({"state":{"desired":{"x":1}},"version":1})")
            << QByteArray(R"({"code":409,"message":"Version conflict"})");

        const QByteArray big5000 = R"({"exists":true,"version":1,
            "state":{"desired":{"k1":)" +
                                   quoted(QByteArray(5000, 'x')) + R"(}},
            "metadata":{"desired":{"k1":{"timestamp":500}}}})";
        QTest::newRow("re:Post 413: the merged shadow is too large, not the request")
            << big5000
            << QByteArray(R"({"clientToken":"big","state":{"desired":{"k2":)" +
                          quoted(QByteArray(4000, 'y')) + "}}}")
            << QByteArray(R"({"code":413,"message":"The payload exceeds the maximum size allowed",
                 "clientToken":"big"})");
        QTest::newRow("413: one request over the limit")
            << absent << sizedUpdate(ShadowDocument::kMaxStateBytes + 1)
            << QByteArray(
                   R"({"code":413,"message":"The payload exceeds the maximum size allowed"})");
        QTest::newRow("409 is checked before 413")
            << big5000
            << QByteArray(R"({"version":7,"state":{"desired":{"k2":)" +
                          quoted(QByteArray(4000, 'y')) + "}}}")
            << QByteArray(R"({"code":409,"message":"Version conflict"})");
    }

    void rejectedUpdate()
    {
        QFETCH(QByteArray, initial);
        QFETCH(QByteArray, payload);
        QFETCH(QByteArray, error);
        const ShadowDocument shadow = stored(initial);
        const QJsonObject before = shadow.toJson();
        const auto update = ShadowUpdate::parse(payload);
        QVERIFY(update.ok());
        const auto next = shadow.updated(update.value(), kNow);
        QVERIFY(!next.ok());
        QCOMPARE(compact(next.error().toJson()), normalized(error));
        QCOMPARE(compact(shadow.toJson()), compact(before));
    }

    void sizeLimit_data()
    {
        QTest::addColumn<int>("stateBytes");
        QTest::addColumn<bool>("accepted");

        QTest::newRow("8191 bytes") << 8191 << true;
        QTest::newRow("8192 bytes, the limit, metadata not counted") << 8192 << true;
        QTest::newRow("8193 bytes") << 8193 << false;
    }

    void sizeLimit()
    {
        QFETCH(int, stateBytes);
        QFETCH(bool, accepted);
        const auto document = applyAll(ShadowDocument(), {sizedUpdate(stateBytes)});
        QCOMPARE(document.ok(), accepted);
        if (accepted)
            QCOMPARE(document.value().stateSize(), qint64(stateBytes));
        else
            QCOMPARE(document.error(), ShadowError::payloadTooLarge());
    }

    void sizeLimitCountsDeletionsInTheSameRequest()
    {
        // 8027 bytes stored; the request deletes 4000 and adds 4001: merged it fits (8028),
        // added on top it would not.
        const QByteArray filler = quoted(QByteArray(4000, 'a'));
        const QByteArray longer = quoted(QByteArray(4001, 'a'));
        const auto document =
            applyAll(ShadowDocument(),
                     {R"({"state":{"desired":{"a":)" + filler + R"(,"b":)" + filler + "}}}",
                      R"({"state":{"desired":{"a":null,"c":)" + longer + "}}}"});
        QVERIFY(document.ok());
        QCOMPARE(document.value().stateSize(), qint64(4000 + 4001 + 27));
    }

    void dgOptimisticLocking()
    {
        // DG device-shadow-data-flow.md "Optimistic locking", all three steps.
        const ShadowDocument initial = stored(kDgLocked);
        const QByteArray request = R"({"state":{"desired":{"colors":["BLUE"]}},"version":%1})";
        const auto stale = ShadowUpdate::parse(QByteArray(request).replace("%1", "9"));
        QVERIFY(stale.ok());
        QCOMPARE(initial.updated(stale.value(), kNow).error(), ShadowError::versionConflict());
        const auto current = ShadowUpdate::parse(QByteArray(request).replace("%1", "10"));
        QVERIFY(current.ok());
        const auto accepted = initial.updated(current.value(), 1500);
        QVERIFY(accepted.ok());
        QCOMPARE(compact(accepted.value().getResponse(kNow)),
                 normalized(R"({"state":{"desired":{"colors":["BLUE"]},
                    "delta":{"colors":["BLUE"]}},
                    "metadata":{"desired":{"colors":{"timestamp":1500}}},
                    "version":11,"timestamp":2000})"));
    }

    // --- response documents --------------------------------------------------------------

    void getResponse_data()
    {
        QTest::addColumn<QByteArray>("storage");
        QTest::addColumn<qint64>("timestamp");
        QTest::addColumn<QString>("clientToken");
        QTest::addColumn<QByteArray>("expected");

        QTest::newRow("DG example document, with the delta GET adds")
            << QByteArray(R"({"exists":true,"version":10,
                 "state":{"desired":{"color":"RED","sequence":["RED","GREEN","BLUE"]},
                 "reported":{"color":"GREEN"}},
                 "metadata":{"desired":{"color":{"timestamp":12345},
                 "sequence":{"timestamp":12345}},"reported":{"color":{"timestamp":12345}}}})")
            << qint64(123456789) << QStringLiteral("UniqueClientToken")
            << QByteArray(R"({"state":{"desired":{"color":"RED","sequence":["RED","GREEN","BLUE"]},
                 "reported":{"color":"GREEN"},
                 "delta":{"color":"RED","sequence":["RED","GREEN","BLUE"]}},
                 "metadata":{"desired":{"color":{"timestamp":12345},
                 "sequence":{"timestamp":12345}},"reported":{"color":{"timestamp":12345}}},
                 "version":10,"clientToken":"UniqueClientToken","timestamp":123456789})");
        QTest::newRow("DG delta state example (version 17)")
            << QByteArray(R"({"exists":true,"version":17,
                 "state":{"desired":{"color":"RED","state":"STOP"},
                 "reported":{"color":"GREEN","engine":"ON"}},
                 "metadata":{"desired":{"color":{"timestamp":12345},"state":{"timestamp":12345}},
                 "reported":{"color":{"timestamp":12345},"engine":{"timestamp":12345}}}})")
            << qint64(123456789) << QString()
            << QByteArray(R"({"state":{"desired":{"color":"RED","state":"STOP"},
                 "reported":{"color":"GREEN","engine":"ON"},
                 "delta":{"color":"RED","state":"STOP"}},
                 "metadata":{"desired":{"color":{"timestamp":12345},"state":{"timestamp":12345}},
                 "reported":{"color":{"timestamp":12345},"engine":{"timestamp":12345}}},
                 "version":17,"timestamp":123456789})");
        QTest::newRow("DG empty sections: reported only")
            << QByteArray(R"({"exists":true,"version":2,"state":{"reported":{"temp":55}},
                 "metadata":{"reported":{"temp":{"timestamp":12345}}}})")
            << qint64(123456789) << QString() << QByteArray(R"({"state":{"reported":{"temp":55}},
                 "metadata":{"reported":{"temp":{"timestamp":12345}}},
                 "version":2,"timestamp":123456789})");
        QTest::newRow("DG empty sections: desired only")
            << QByteArray(R"({"exists":true,"version":2,"state":{"desired":{"color":"RED"}},
                 "metadata":{"desired":{"color":{"timestamp":12345}}}})")
            << qint64(123456789) << QString()
            << QByteArray(R"({"state":{"desired":{"color":"RED"},"delta":{"color":"RED"}},
                 "metadata":{"desired":{"color":{"timestamp":12345}}},
                 "version":2,"timestamp":123456789})");
        QTest::newRow("DG empty sections: the empty document")
            << QByteArray(R"({"exists":true,"version":3})") << qint64(123456789) << QString()
            << QByteArray(R"({"state":{},"metadata":{},"version":3,"timestamp":123456789})");
    }

    void getResponse()
    {
        QFETCH(QByteArray, storage);
        QFETCH(qint64, timestamp);
        QFETCH(QString, clientToken);
        QFETCH(QByteArray, expected);
        QCOMPARE(compact(stored(storage).getResponse(timestamp, clientToken)),
                 normalized(expected));
    }

    void accepted_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<QByteArray>("expected"); // acceptedResponse on a new shadow at kNow

        QTest::newRow("DG /accepted response: desired, clientToken")
            << QByteArray(R"({"state":{"desired":{"color":"red","power":"on"}},
                 "clientToken":"token"})")
            << QByteArray(R"({"state":{"desired":{"color":"red","power":"on"}},
                 "metadata":{"desired":{"color":{"timestamp":2000},"power":{"timestamp":2000}}},
                 "timestamp":2000,"clientToken":"token","version":1})");
        QTest::newRow("no clientToken: none in the answer")
            << QByteArray(R"({"state":{"reported":{"temp":55}}})")
            << QByteArray(R"({"state":{"reported":{"temp":55}},
                 "metadata":{"reported":{"temp":{"timestamp":2000}}},
                 "timestamp":2000,"version":1})");
        QTest::newRow("DG deleting a property: the null is echoed and stamped")
            << QByteArray(R"({"state":{"desired":{"engine":null}}})")
            << QByteArray(R"({"state":{"desired":{"engine":null}},
                 "metadata":{"desired":{"engine":{"timestamp":2000}}},
                 "timestamp":2000,"version":1})");
        QTest::newRow("DG empty sections: desired null is echoed and stamped")
            << QByteArray(R"({"state":{"reported":{"color":"red"},"desired":null}})")
            << QByteArray(R"({"state":{"reported":{"color":"red"},"desired":null},
                 "metadata":{"reported":{"color":{"timestamp":2000}},"desired":{"timestamp":2000}},
                 "timestamp":2000,"version":1})");
        QTest::newRow("nested objects mirrored, arrays are leaves")
            << QByteArray(R"({"state":{"desired":{"lights":{"color":{"g":255}},
                 "colors":["RED"]}}})")
            << QByteArray(R"({"state":{"desired":{"lights":{"color":{"g":255}},"colors":["RED"]}},
                 "metadata":{"desired":{"lights":{"color":{"g":{"timestamp":2000}}},
                 "colors":{"timestamp":2000}}},"timestamp":2000,"version":1})");
        QTest::newRow("state null") << QByteArray(R"({"state":null,"clientToken":"c"})")
                                    << QByteArray(R"({"state":null,"metadata":{"timestamp":2000},
                 "timestamp":2000,"clientToken":"c","version":1})");
        QTest::newRow("only the request's desired and reported are echoed")
            << QByteArray(R"({"state":{"reported":{"a":1},"delta":{"a":2}},"version":0,"x":1})")
            << QByteArray(R"({"state":{"reported":{"a":1}},
                 "metadata":{"reported":{"a":{"timestamp":2000}}},"timestamp":2000,"version":1})");
    }

    void accepted()
    {
        QFETCH(QByteArray, payload);
        QFETCH(QByteArray, expected);
        const auto update = ShadowUpdate::parse(payload);
        QVERIFY(update.ok());
        const auto next = ShadowDocument().updated(update.value(), kNow);
        QVERIFY(next.ok());
        QCOMPARE(compact(update.value().acceptedResponse(next.value().version(), kNow)),
                 normalized(expected));
    }

    void deltaMessage_data()
    {
        QTest::addColumn<QByteArrayList>("updates");
        QTest::addColumn<QByteArray>("expected"); // empty: nothing is published

        QTest::newRow("DG /delta response: no desired wrapper, desired metadata")
            << QByteArrayList{R"({"state":{"desired":{"color":"red","power":"on"}}})"}
            << QByteArray(R"({"state":{"color":"red","power":"on"},
                 "metadata":{"color":{"timestamp":1000},"power":{"timestamp":1000}},
                 "version":1,"timestamp":2000,"clientToken":"tok"})");
        QTest::newRow("DG /delta holds all differing attributes, not only this update's")
            << QByteArrayList{R"({"state":{"desired":{"a":1,"b":2}}})",
                              R"({"state":{"reported":{"b":2}}})",
                              R"({"state":{"desired":{"c":3}}})"}
            << QByteArray(R"({"state":{"a":1,"c":3},
                 "metadata":{"a":{"timestamp":1000},"c":{"timestamp":1002}},
                 "version":3,"timestamp":2000,"clientToken":"tok"})");
        QTest::newRow("DG nested delta: path and metadata of lights.color.g only")
            << QByteArrayList{R"({"state":{"reported":{"lights":{"color":{"r":255,"g":0}}}}})",
                              R"({"state":{"desired":{"lights":{"color":{"r":255,"g":255}}}}})"}
            << QByteArray(R"({"state":{"lights":{"color":{"g":255}}},
                 "metadata":{"lights":{"color":{"g":{"timestamp":1001}}}},
                 "version":2,"timestamp":2000,"clientToken":"tok"})");
        QTest::newRow("desired object missing from reported: whole object and its metadata")
            << QByteArrayList{R"({"state":{"desired":{"a":{"x":1,"y":[1,2]}}}})"}
            << QByteArray(R"({"state":{"a":{"x":1,"y":[1,2]}},
                 "metadata":{"a":{"x":{"timestamp":1000},"y":{"timestamp":1000}}},
                 "version":1,"timestamp":2000,"clientToken":"tok"})");
        QTest::newRow("reported only: nothing to publish")
            << QByteArrayList{R"({"state":{"reported":{"a":1}}})"} << QByteArray();
        QTest::newRow("the device caught up: nothing to publish")
            << QByteArrayList{R"({"state":{"desired":{"a":1}}})",
                              R"({"state":{"reported":{"a":1,"b":2}}})"}
            << QByteArray();
    }

    void deltaMessage()
    {
        QFETCH(QByteArrayList, updates);
        QFETCH(QByteArray, expected);
        const auto document = applyAll(ShadowDocument(), updates);
        QVERIFY(document.ok());
        const auto message = document.value().deltaMessage(kNow, QStringLiteral("tok"));
        QCOMPARE(message.has_value(), !expected.isEmpty());
        if (message)
            QCOMPARE(compact(*message), normalized(expected));
        else
            QCOMPARE(compact(document.value().delta()), QByteArray("{}"));
    }

    void documentsMessage_data()
    {
        QTest::addColumn<QByteArrayList>("before"); // updates making `previous`
        QTest::addColumn<QByteArray>("update");     // applied at kNow
        QTest::addColumn<QByteArray>("expected");

        QTest::newRow("DG /documents: previous and current with metadata and version")
            << QByteArrayList{R"({"state":{"desired":{"a":1},"reported":{"a":0}}})"}
            << QByteArray(R"({"state":{"reported":{"a":1}},"clientToken":"token"})")
            << QByteArray(R"({"previous":{"state":{"desired":{"a":1},"reported":{"a":0}},
                 "metadata":{"desired":{"a":{"timestamp":1000}},
                 "reported":{"a":{"timestamp":1000}}},"version":1},
                 "current":{"state":{"desired":{"a":1},"reported":{"a":1}},
                 "metadata":{"desired":{"a":{"timestamp":1000}},
                 "reported":{"a":{"timestamp":2000}}},"version":2},
                 "timestamp":2000,"clientToken":"token"})");
        QTest::newRow("first update: no previous")
            << QByteArrayList{} << QByteArray(R"({"state":{"reported":{"a":1}}})")
            << QByteArray(R"({"current":{"state":{"reported":{"a":1}},
                 "metadata":{"reported":{"a":{"timestamp":2000}}},"version":1},
                 "timestamp":2000})");
        QTest::newRow("state null: empty current state")
            << QByteArrayList{R"({"state":{"reported":{"a":1}}})"}
            << QByteArray(R"({"state":null})")
            << QByteArray(R"({"previous":{"state":{"reported":{"a":1}},
                 "metadata":{"reported":{"a":{"timestamp":1000}}},"version":1},
                 "current":{"state":{},"metadata":{},"version":2},"timestamp":2000})");
    }

    void documentsMessage()
    {
        QFETCH(QByteArrayList, before);
        QFETCH(QByteArray, update);
        QFETCH(QByteArray, expected);
        const auto previous = applyAll(ShadowDocument(), before);
        QVERIFY(previous.ok());
        const auto request = ShadowUpdate::parse(update);
        QVERIFY(request.ok());
        const auto current = previous.value().updated(request.value(), kNow);
        QVERIFY(current.ok());
        const QJsonObject message = ShadowDocument::documentsMessage(
            previous.value(), current.value(), kNow, request.value().clientToken());
        QCOMPARE(compact(message), normalized(expected));
    }

    // --- delete -------------------------------------------------------------------------

    void dgDeleteAccepted()
    {
        // DG device-shadow-data-flow.md "Deleting a shadow": {"version":4,"timestamp":1591057529}
        const auto shadow =
            applyAll(ShadowDocument(),
                     {R"({"state":{"reported":{"a":1}}})", R"({"state":{"reported":{"a":2}}})",
                      R"({"state":{"reported":{"a":3}}})", R"({"state":{"reported":{"a":4}}})"});
        QVERIFY(shadow.ok());
        const auto gone = shadow.value().deleted(1591057529, QStringLiteral("Limits"));
        QVERIFY(gone.ok());
        QCOMPARE(compact(gone.value().deleteAcceptedResponse(1591057529)),
                 normalized(R"({"version":4,"timestamp":1591057529})"));
        QVERIFY(!gone.value().exists());
        QCOMPARE(compact(gone.value().toJson()),
                 normalized(R"({"exists":false,"version":4,"deletedAt":1591057529,
                    "state":{},"metadata":{}})"));
    }

    void deleteMissingShadow_data()
    {
        QTest::addColumn<QString>("shadowName");
        QTest::addColumn<QByteArray>("error");

        QTest::newRow("IS-IOS-5388 named shadow")
            << QStringLiteral("Limits")
            << QByteArray(R"({"code":404,"message":"No shadow exists with name: 'Limits'"})");
        QTest::newRow("IS-JS-4372 classic shadow: empty name")
            << QString() << QByteArray(R"({"code":404,"message":"No shadow exists with name: "})");
    }

    void deleteMissingShadow()
    {
        QFETCH(QString, shadowName);
        QFETCH(QByteArray, error);
        // Never created, and deleted twice: both are 404.
        const auto never = ShadowDocument().deleted(kNow, shadowName);
        QVERIFY(!never.ok());
        QCOMPARE(compact(never.error().toJson()), normalized(error));
        const auto once = applyAll(ShadowDocument(), {R"({"state":{"desired":{"a":1}}})"});
        QVERIFY(once.ok());
        const auto gone = once.value().deleted(kNow, shadowName);
        QVERIFY(gone.ok());
        const auto twice = gone.value().deleted(kNow + 1, shadowName);
        QVERIFY(!twice.ok());
        QCOMPARE(compact(twice.error().toJson()), normalized(error));
    }

    void versionAfterDelete_data()
    {
        QTest::addColumn<qint64>("secondsAfterDelete");
        QTest::addColumn<QByteArray>("get"); // after re-creating the shadow

        const QByteArray continued = R"({"state":{"reported":{"b":1}},
            "metadata":{"reported":{"b":{"timestamp":%T}}},"version":4,"timestamp":2000})";
        QTest::newRow("DG delete does not reset the version: 1 s later")
            << qint64(1) << QByteArray(continued).replace("%T", "5001");
        QTest::newRow("DG within 48 hours the version follows the deleted one: exactly 48 h")
            << qint64(48 * 3600) << QByteArray(continued).replace("%T", "177800");
        QTest::newRow("DG deleted for more than 48 hours: starts again")
            << qint64(48 * 3600 + 1) << QByteArray(R"({"state":{"reported":{"b":1}},
                 "metadata":{"reported":{"b":{"timestamp":177801}}},"version":1,"timestamp":2000})");
    }

    void versionAfterDelete()
    {
        QFETCH(qint64, secondsAfterDelete);
        QFETCH(QByteArray, get);
        const auto shadow = applyAll(ShadowDocument(), {R"({"state":{"desired":{"a":1}}})",
                                                        R"({"state":{"reported":{"a":1}}})",
                                                        R"({"state":{"desired":{"a":2}}})"});
        QVERIFY(shadow.ok());
        const qint64 deletedAt = 5000;
        const auto gone = shadow.value().deleted(deletedAt, QString());
        QVERIFY(gone.ok());
        QCOMPARE(gone.value().version(), qint64(3));
        const auto update = ShadowUpdate::parse(R"({"state":{"reported":{"b":1}}})");
        QVERIFY(update.ok());
        const auto again = gone.value().updated(update.value(), deletedAt + secondsAfterDelete);
        QVERIFY(again.ok());
        QVERIFY(again.value().exists());
        QCOMPARE(again.value().deletedAt(), std::optional<qint64>());
        QCOMPARE(compact(again.value().getResponse(kNow)), normalized(get));
    }

    void versionCheckAfterDelete()
    {
        // A deleted shadow's version is still the one requests are checked against.
        const ShadowDocument gone = stored(R"({"exists":false,"version":4,"deletedAt":10})");
        const auto stale = ShadowUpdate::parse(R"({"state":{"desired":{"a":1}},"version":0})");
        const auto current = ShadowUpdate::parse(R"({"state":{"desired":{"a":1}},"version":4})");
        QVERIFY(stale.ok() && current.ok());
        QCOMPARE(gone.updated(stale.value(), 20).error(), ShadowError::versionConflict());
        QCOMPARE(gone.updated(current.value(), 20).value().version(), qint64(5));
    }

    void dgStateNullDoesNotDeleteTheShadow()
    {
        // DG: "Setting the device's shadow state to null does not delete the shadow. The
        // shadow version will be incremented on the next update."
        const auto cleared =
            applyAll(ShadowDocument(), {R"({"state":{"desired":{"a":1}}})", R"({"state":null})"});
        QVERIFY(cleared.ok());
        QVERIFY(cleared.value().exists());
        QCOMPARE(compact(cleared.value().getResponse(kNow)),
                 normalized(R"({"state":{},"metadata":{},"version":2,"timestamp":2000})"));
        const auto next = applyAll(cleared.value(), {R"({"state":{"reported":{"a":1}}})"});
        QVERIFY(next.ok());
        QCOMPARE(next.value().version(), qint64(3));
        const auto gone = cleared.value().deleted(kNow, QString());
        QVERIFY(gone.ok());
        QCOMPARE(compact(gone.value().deleteAcceptedResponse(kNow, QStringLiteral("t"))),
                 normalized(R"({"version":2,"timestamp":2000,"clientToken":"t"})"));
    }

    // --- error documents ------------------------------------------------------------------

    void errorDocument_data()
    {
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::addColumn<QString>("clientToken");
        QTest::addColumn<qint64>("timestamp"); // 0: none
        QTest::addColumn<QByteArray>("expected");
        QTest::addColumn<QString>("awsErrorType");

        QTest::newRow("DG optimistic locking: 409 with clientToken")
            << 409 << QStringLiteral("Version conflict")
            << QStringLiteral("426bfd96-e720-46d3-95cd-014e3ef12bb6") << qint64(0)
            << QByteArray(R"({"code":409,"message":"Version conflict",
                 "clientToken":"426bfd96-e720-46d3-95cd-014e3ef12bb6"})")
            << QStringLiteral("ConflictException");
        QTest::newRow("IS-IOS-5388: 404 of a named shadow")
            << 404 << QStringLiteral("No shadow exists with name: 'Limits'")
            << QStringLiteral("8F67BE93-86DC-4258-96D4-299D93B8A880-ios-1") << qint64(0)
            << QByteArray(R"({"code":404,"message":"No shadow exists with name: 'Limits'",
                 "clientToken":"8F67BE93-86DC-4258-96D4-299D93B8A880-ios-1"})")
            << QStringLiteral("ResourceNotFoundException");
        QTest::newRow("DG error response document with timestamp")
            << 413 << QStringLiteral("The payload exceeds the maximum size allowed")
            << QStringLiteral("token") << qint64(1591057529)
            << QByteArray(R"({"code":413,"message":"The payload exceeds the maximum size allowed",
                 "timestamp":1591057529,"clientToken":"token"})")
            << QStringLiteral("RequestEntityTooLargeException");
        QTest::newRow("400 without clientToken or timestamp")
            << 400 << QStringLiteral("Invalid JSON") << QString() << qint64(0)
            << QByteArray(R"({"code":400,"message":"Invalid JSON"})")
            << QStringLiteral("InvalidRequestException");
        QTest::newRow("415") << 415
                             << QStringLiteral(
                                    "Unsupported documented encoding; supported encoding is UTF-8")
                             << QString() << qint64(0) << QByteArray(R"({"code":415,
                 "message":"Unsupported documented encoding; supported encoding is UTF-8"})")
                             << QStringLiteral("UnsupportedDocumentEncodingException");
    }

    void errorDocument()
    {
        QFETCH(int, code);
        QFETCH(QString, message);
        QFETCH(QString, clientToken);
        QFETCH(qint64, timestamp);
        QFETCH(QByteArray, expected);
        QFETCH(QString, awsErrorType);
        const ShadowError error{code, message, clientToken};
        const auto time = timestamp ? std::optional<qint64>(timestamp) : std::nullopt;
        QCOMPARE(compact(error.toJson(time)), normalized(expected));
        QCOMPARE(error.awsErrorType(), awsErrorType);
    }

    // --- storage ----------------------------------------------------------------------------

    void roundTrip_data()
    {
        QTest::addColumn<QByteArrayList>("updates");
        QTest::addColumn<bool>("deleteAfter");

        QTest::newRow("never existed") << QByteArrayList{} << false;
        QTest::newRow("desired and reported with nested metadata")
            << QByteArrayList{R"({"state":{"desired":{"lights":{"color":{"g":255}},"a":[1,2]}}})",
                              R"({"state":{"reported":{"lights":{"color":{"g":0}},"t":1.5}}})"}
            << false;
        QTest::newRow("cleared by state null")
            << QByteArrayList{R"({"state":{"desired":{"a":1}}})", R"({"state":null})"} << false;
        QTest::newRow("deleted") << QByteArrayList{R"({"state":{"desired":{"a":1}}})"} << true;
    }

    void roundTrip()
    {
        QFETCH(QByteArrayList, updates);
        QFETCH(bool, deleteAfter);
        auto document = applyAll(ShadowDocument(), updates);
        QVERIFY(document.ok());
        ShadowDocument original = document.value();
        if (deleteAfter)
            original = original.deleted(kNow, QString()).value();
        const QJsonObject json = original.toJson();
        const auto restored = ShadowDocument::fromJson(json);
        QVERIFY(restored.ok());
        QCOMPARE(compact(restored.value().toJson()), compact(json));
        QVERIFY(restored.value() == original);
    }

    void storageFormat()
    {
        const auto document = applyAll(ShadowDocument(), {R"({"state":{"desired":{"a":1}}})"});
        QVERIFY(document.ok());
        QCOMPARE(compact(document.value().toJson()),
                 normalized(R"({"exists":true,"version":1,"state":{"desired":{"a":1}},
                    "metadata":{"desired":{"a":{"timestamp":1000}}}})"));
    }

    void fromJsonRejects_data()
    {
        QTest::addColumn<QByteArray>("storage");
        QTest::addColumn<QString>("error");

        QTest::newRow("no exists")
            << QByteArray(R"({"version":1})") << QStringLiteral("\"exists\" must be true or false");
        QTest::newRow("negative version")
            << QByteArray(R"({"exists":true,"version":-1})")
            << QStringLiteral("\"version\" must be a whole number of at least 0");
        QTest::newRow("fractional version")
            << QByteArray(R"({"exists":true,"version":1.5})")
            << QStringLiteral("\"version\" must be a whole number of at least 0");
        QTest::newRow("deletedAt text")
            << QByteArray(R"({"exists":false,"version":1,"deletedAt":"yesterday"})")
            << QStringLiteral("\"deletedAt\" must be epoch seconds");
        QTest::newRow("state array")
            << QByteArray(R"({"exists":true,"version":1,"state":[]})")
            << QStringLiteral("\"state\" and \"metadata\" must be objects");
        QTest::newRow("desired number")
            << QByteArray(R"({"exists":true,"version":1,"state":{"desired":1}})")
            << QStringLiteral("\"state.desired\" and \"state.reported\" must be objects");
        QTest::newRow("metadata.reported string")
            << QByteArray(R"({"exists":true,"version":1,"metadata":{"reported":"x"}})")
            << QStringLiteral("\"metadata.desired\" and \"metadata.reported\" must be objects");
    }

    void fromJsonRejects()
    {
        QFETCH(QByteArray, storage);
        QFETCH(QString, error);
        const auto document = ShadowDocument::fromJson(object(storage));
        QVERIFY(!document.ok());
        QCOMPARE(document.error(), error);
    }
};

QTEST_GUILESS_MAIN(TestShadowDocument)
#include "tst_shadowdocument.moc"
