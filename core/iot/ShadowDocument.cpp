#include "iot/ShadowDocument.h"

#include "JsonKey.h"
#include "iot/ShadowJson.h"

namespace thingdeck {

namespace {

// Inserts `section` under `name` unless it is empty: "A shadow document contains a desired
// section only if it has a desired state" (DG device-shadow-document.md "Empty sections").
void insertSection(QJsonObject &parent, const char *name, const QJsonObject &section)
{
    if (!section.isEmpty())
        parent.insert(jsonKey(name), section);
}

// Replaces `section` and its metadata by the result of merging the request's `patch`.
void mergeSection(QJsonObject &section, QJsonObject &metadata,
                  const std::optional<QJsonValue> &patch, qint64 timestamp)
{
    if (!patch)
        return;
    // "desired": null removes the whole section (§5.2).
    section = patch->isNull() ? QJsonObject() : ShadowJson::merge(section, patch->toObject());
    metadata = ShadowJson::metadataAfter(section, metadata, *patch, timestamp).toObject();
}

ShadowError withToken(ShadowError error, const ShadowUpdate &update)
{
    error.clientToken = update.clientToken();
    return error;
}

// Reads an optional object member of a stored document; false when it is something else.
bool readObject(const QJsonObject &parent, const char *name, QJsonObject &out)
{
    const QJsonValue value = parent.value(jsonKey(name));
    out = value.toObject();
    return value.isUndefined() || value.isObject();
}

bool isCount(const QJsonValue &value)
{
    return value.isDouble() && value.toInteger(-1) >= 0;
}

} // namespace

QJsonObject ShadowDocument::delta() const
{
    return ShadowJson::delta(m_desired, m_reported);
}

QJsonObject ShadowDocument::deltaMetadata() const
{
    return ShadowJson::deltaMetadata(delta(), m_desiredMetadata);
}

qint64 ShadowDocument::stateSize() const
{
    return ShadowJson::compact(stateJson()).size();
}

Result<ShadowDocument, ShadowError> ShadowDocument::updated(const ShadowUpdate &update,
                                                            qint64 timestamp) const
{
    ShadowDocument next = *this;
    next.m_version = versionToContinue(timestamp);
    // Optimistic locking: "processed only if it equals the current version" (§5.1).
    if (update.version() && *update.version() != next.m_version)
        return fail(withToken(ShadowError::versionConflict(), update));
    next.mergeState(update, timestamp);
    // The limit is on the merged document, not on the request (§5.4, re:Post answer).
    if (next.stateSize() > kMaxStateBytes)
        return fail(withToken(ShadowError::payloadTooLarge(), update));
    next.m_exists = true;
    next.m_deletedAt.reset();
    ++next.m_version;
    return next;
}

qint64 ShadowDocument::versionToContinue(qint64 timestamp) const
{
    // "If a device shadow document has been deleted for more than 48 hours, the version number
    // of a new device shadow document with the same name will be 0" (DG
    // device-shadow-data-flow.md): the count starts again as for a new shadow.
    if (!m_exists && m_deletedAt && timestamp - *m_deletedAt > kVersionMemorySeconds)
        return 0;
    return m_version;
}

void ShadowDocument::mergeState(const ShadowUpdate &update, qint64 timestamp)
{
    if (update.clearsState()) {
        m_desired = m_reported = m_desiredMetadata = m_reportedMetadata = QJsonObject();
        return;
    }
    mergeSection(m_desired, m_desiredMetadata, update.desired(), timestamp);
    mergeSection(m_reported, m_reportedMetadata, update.reported(), timestamp);
}

Result<ShadowDocument, ShadowError> ShadowDocument::deleted(qint64 timestamp,
                                                            const QString &shadowName) const
{
    if (!m_exists)
        return fail(ShadowError::noShadow(shadowName));
    ShadowDocument gone;
    gone.m_version = m_version;
    gone.m_deletedAt = timestamp;
    return gone;
}

QJsonObject ShadowDocument::stateJson() const
{
    QJsonObject state;
    insertSection(state, "desired", m_desired);
    insertSection(state, "reported", m_reported);
    return state;
}

QJsonObject ShadowDocument::metadataJson() const
{
    QJsonObject metadata;
    insertSection(metadata, "desired", m_desiredMetadata);
    insertSection(metadata, "reported", m_reportedMetadata);
    return metadata;
}

QJsonObject ShadowDocument::getResponse(qint64 timestamp, const QString &clientToken) const
{
    QJsonObject state = stateJson();
    insertSection(state, "delta", delta());
    QJsonObject document{{jsonKey("state"), state},
                         {jsonKey("metadata"), metadataJson()},
                         {jsonKey("version"), m_version},
                         {jsonKey("timestamp"), timestamp}};
    ShadowJson::insertClientToken(document, clientToken);
    return document;
}

std::optional<QJsonObject> ShadowDocument::deltaMessage(qint64 timestamp,
                                                        const QString &clientToken) const
{
    const QJsonObject differences = delta();
    if (differences.isEmpty())
        return std::nullopt;
    QJsonObject message{
        {jsonKey("state"), differences},
        {jsonKey("metadata"), ShadowJson::deltaMetadata(differences, m_desiredMetadata)},
        {jsonKey("version"), m_version},
        {jsonKey("timestamp"), timestamp}};
    ShadowJson::insertClientToken(message, clientToken);
    return message;
}

QJsonObject ShadowDocument::snapshot() const
{
    return QJsonObject{{jsonKey("state"), stateJson()},
                       {jsonKey("metadata"), metadataJson()},
                       {jsonKey("version"), m_version}};
}

QJsonObject ShadowDocument::documentsMessage(const ShadowDocument &previous,
                                             const ShadowDocument &current, qint64 timestamp,
                                             const QString &clientToken)
{
    QJsonObject message{{jsonKey("current"), current.snapshot()},
                        {jsonKey("timestamp"), timestamp}};
    if (previous.exists())
        message.insert(jsonKey("previous"), previous.snapshot());
    ShadowJson::insertClientToken(message, clientToken);
    return message;
}

QJsonObject ShadowDocument::deleteAcceptedResponse(qint64 timestamp,
                                                   const QString &clientToken) const
{
    QJsonObject document{{jsonKey("version"), m_version}, {jsonKey("timestamp"), timestamp}};
    ShadowJson::insertClientToken(document, clientToken);
    return document;
}

QJsonObject ShadowDocument::toJson() const
{
    QJsonObject json{{jsonKey("exists"), m_exists},
                     {jsonKey("version"), m_version},
                     {jsonKey("state"), stateJson()},
                     {jsonKey("metadata"), metadataJson()}};
    if (m_deletedAt)
        json.insert(jsonKey("deletedAt"), *m_deletedAt);
    return json;
}

Result<ShadowDocument, QString> ShadowDocument::fromJson(const QJsonObject &json)
{
    ShadowDocument document;
    const QJsonValue exists = json.value(jsonKey("exists"));
    const QJsonValue version = json.value(jsonKey("version"));
    const QJsonValue deletedAt = json.value(jsonKey("deletedAt"));
    if (!exists.isBool())
        return fail(QStringLiteral("\"exists\" must be true or false"));
    if (!isCount(version))
        return fail(QStringLiteral("\"version\" must be a whole number of at least 0"));
    if (!deletedAt.isUndefined() && !isCount(deletedAt))
        return fail(QStringLiteral("\"deletedAt\" must be epoch seconds"));
    document.m_exists = exists.toBool();
    document.m_version = version.toInteger();
    if (!deletedAt.isUndefined())
        document.m_deletedAt = deletedAt.toInteger();
    if (auto error = document.readSections(json))
        return fail(*error);
    return document;
}

std::optional<QString> ShadowDocument::readSections(const QJsonObject &json)
{
    QJsonObject state;
    QJsonObject metadata;
    if (!readObject(json, "state", state) || !readObject(json, "metadata", metadata))
        return QStringLiteral("\"state\" and \"metadata\" must be objects");
    if (!readObject(state, "desired", m_desired) || !readObject(state, "reported", m_reported))
        return QStringLiteral("\"state.desired\" and \"state.reported\" must be objects");
    if (!readObject(metadata, "desired", m_desiredMetadata) ||
        !readObject(metadata, "reported", m_reportedMetadata))
        return QStringLiteral("\"metadata.desired\" and \"metadata.reported\" must be objects");
    return std::nullopt;
}

} // namespace thingdeck
