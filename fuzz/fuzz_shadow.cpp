// The Device Shadow update rules: arbitrary update requests applied to a document. Fields:
// a starting document (a stored document as fromJson() reads it; otherwise the first update
// request), then up to three update requests applied in turn. Properties for every accepted
// update: the version goes up by one; the state is within 8 KB; a document built by updates
// alone is at most 6 deep; no null inside an array, no null value and no empty object stored;
// the metadata mirrors the state key by key with a timestamp per leaf; every document the
// service answers with is JSON that reads back the same; toJson()/fromJson() round-trips.

#include "FuzzSupport.h"

#include "iot/ShadowDocument.h"
#include "iot/ShadowJson.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace thingdeck;

namespace {

void checkStored(const QJsonValue &value)
{
    FUZZ_CHECK(!value.isNull() && !value.isUndefined());
    if (!value.isObject())
        return;
    const QJsonObject object = value.toObject();
    FUZZ_CHECK(!object.isEmpty());
    for (const QJsonValue &child : object)
        checkStored(child);
}

void checkMirrors(const QJsonObject &state, const QJsonObject &metadata)
{
    FUZZ_CHECK(state.keys() == metadata.keys());
    for (auto it = state.begin(); it != state.end(); ++it) {
        const QJsonValue meta = metadata.value(it.key());
        FUZZ_CHECK(meta.isObject());
        if (it.value().isObject())
            checkMirrors(it.value().toObject(), meta.toObject());
        else
            FUZZ_CHECK(meta.toObject().value(QLatin1String("timestamp")).isDouble());
    }
}

void checkValidJson(const QJsonObject &object)
{
    const QByteArray text = QJsonDocument(object).toJson(QJsonDocument::Compact);
    QJsonParseError error;
    const QJsonDocument back = QJsonDocument::fromJson(text, &error);
    FUZZ_CHECK(error.error == QJsonParseError::NoError && back.object() == object);
}

void checkDocument(const ShadowDocument &document, bool builtByUpdates)
{
    FUZZ_CHECK(document.stateSize() <= ShadowDocument::kMaxStateBytes);
    for (const QJsonObject &section : {document.desired(), document.reported()}) {
        if (builtByUpdates) {
            FUZZ_CHECK(ShadowJson::depth(section) <= ShadowJson::kMaxDepth);
            FUZZ_CHECK(!ShadowJson::hasNullInArray(section));
            for (const QJsonValue &value : section)
                checkStored(value);
        }
    }
    if (builtByUpdates) {
        checkMirrors(document.desired(), document.desiredMetadata());
        checkMirrors(document.reported(), document.reportedMetadata());
    }
    checkValidJson(document.getResponse(1, QStringLiteral("token")));
    if (const auto delta = document.deltaMessage(1))
        checkValidJson(*delta);
    const auto stored = ShadowDocument::fromJson(document.toJson());
    FUZZ_CHECK(stored.ok() && stored.value() == document);
}

// Applies one request; the document stays as it was when the request is rejected.
void apply(ShadowDocument &document, const QByteArray &request, qint64 timestamp,
           bool builtByUpdates)
{
    const auto update = ShadowUpdate::parse(request);
    if (!update.ok())
        return;
    checkValidJson(update.value().acceptedResponse(document.version() + 1, timestamp));
    const auto next = document.updated(update.value(), timestamp);
    if (!next.ok())
        return;
    FUZZ_CHECK(next.value().exists());
    FUZZ_CHECK(next.value().version() == document.version() + 1 || !document.exists());
    checkDocument(next.value(), builtByUpdates);
    checkValidJson(ShadowDocument::documentsMessage(document, next.value(), timestamp));
    document = next.value();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> field = fuzz::fields(fuzz::input(data, size), 4);
    ShadowDocument document;
    bool builtByUpdates = true;
    qint64 timestamp = 1700000000;
    const auto stored = ShadowDocument::fromJson(QJsonDocument::fromJson(field.at(0)).object());
    if (stored.ok() && !field.at(0).trimmed().isEmpty()) {
        document = stored.value();
        builtByUpdates = false;
    } else {
        apply(document, field.at(0), timestamp, builtByUpdates);
    }
    for (qsizetype i = 1; i < field.size(); ++i)
        apply(document, field.at(i), ++timestamp, builtByUpdates);
    if (document.exists()) {
        const auto gone = document.deleted(++timestamp, QString());
        FUZZ_CHECK(gone.ok() && !gone.value().exists());
    }
    return 0;
}
