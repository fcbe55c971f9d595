#pragma once

#include "Result.h"
#include "iot/ShadowError.h"
#include "iot/ShadowUpdate.h"

#include <QJsonObject>
#include <QString>

#include <optional>

namespace thingdeck {

/// One Device Shadow (classic or named) as the service keeps it: `desired` and `reported`
/// state, their metadata (per-leaf `{"timestamp": T}` trees mirroring the state), the version,
/// and whether the shadow exists. Implements AWS's update, delete and delta rules
/// (aws-iot.md §5) and renders the documents the service answers with.
///
/// A value: updating or deleting returns a new document and leaves this one untouched, so a
/// rejected request never changes a shadow, and the GUI can preview an update on a copy.
/// Times are epoch seconds passed in by the caller.
class ShadowDocument
{
public:
    /// The most `desired`+`reported` data a shadow may hold (§5.4), in bytes of the compact
    /// JSON of the stored state, see stateSize().
    static constexpr int kMaxStateBytes = 8192;
    /// How long a deleted shadow's version is remembered (aws-iot.md §4: "a shadow recreated
    /// within 48 h continues the old version, after 48 h starts at 0").
    static constexpr qint64 kVersionMemorySeconds = qint64(48) * 60 * 60;

    /// A shadow that has never existed: version 0, so its first update makes version 1.
    ShadowDocument() = default;

    bool exists() const { return m_exists; }
    /// The current version; a deleted shadow keeps the version it had.
    qint64 version() const { return m_version; }
    /// When the shadow was deleted; nullopt unless it is a deleted shadow.
    std::optional<qint64> deletedAt() const { return m_deletedAt; }
    QJsonObject desired() const { return m_desired; }
    QJsonObject reported() const { return m_reported; }
    QJsonObject desiredMetadata() const { return m_desiredMetadata; }
    QJsonObject reportedMetadata() const { return m_reportedMetadata; }
    /// Desired keys absent from or different to reported (§5.3); empty when there is none.
    QJsonObject delta() const;
    /// The desired metadata of the delta's keys (§5.3).
    QJsonObject deltaMetadata() const;
    /// Bytes counted against kMaxStateBytes: the compact JSON of the stored state object
    /// `{"desired":…,"reported":…}` (empty sections left out), metadata not counted (§5.4).
    qint64 stateSize() const;

    /// The shadow after an accepted UpdateThingShadow at `timestamp`, or the rejection
    /// (409 version conflict, 413 over kMaxStateBytes after merging). The version goes up by
    /// one on every accepted update, `{"state": null}` included (it clears both sections but
    /// the shadow keeps existing, §5.2). A request `version` is compared with the current
    /// version, which for a shadow that does not exist is the one it will continue from.
    Result<ShadowDocument, ShadowError> updated(const ShadowUpdate &update, qint64 timestamp) const;
    /// The shadow after DeleteThingShadow at `timestamp`: no state, not existing, version
    /// kept ("Deleting a shadow does not reset its version number to 0", DG
    /// device-shadow-data-flow.md). 404 noShadow(shadowName) when it does not exist.
    Result<ShadowDocument, ShadowError> deleted(qint64 timestamp, const QString &shadowName) const;

    /// GetThingShadow / `/get/accepted`: state (desired, reported, delta — each only when not
    /// empty), metadata (desired, reported), version, timestamp, clientToken when given.
    /// Callers answer ShadowError::noShadow() instead when !exists().
    QJsonObject getResponse(qint64 timestamp, const QString &clientToken = QString()) const;
    /// The `/update/delta` message to publish after an accepted update, nullopt when desired
    /// and reported agree and nothing is published (§5.3): the whole delta (no `desired`
    /// wrapper), its metadata, version, timestamp, clientToken.
    std::optional<QJsonObject> deltaMessage(qint64 timestamp,
                                            const QString &clientToken = QString()) const;
    /// The `/update/documents` message for an accepted update from `previous` to `current`.
    /// `previous` is left out when the update created the shadow, as AWS's Greengrass shadow
    /// service does.
    static QJsonObject documentsMessage(const ShadowDocument &previous,
                                        const ShadowDocument &current, qint64 timestamp,
                                        const QString &clientToken = QString());
    /// DeleteThingShadow's body / `/delete/accepted`: `{"version", "timestamp"}` (§5.1).
    QJsonObject deleteAcceptedResponse(qint64 timestamp,
                                       const QString &clientToken = QString()) const;

    /// The whole document for storage; fromJson(toJson()) gives it back unchanged.
    QJsonObject toJson() const;
    /// Reads a stored document; the error says what is malformed.
    static Result<ShadowDocument, QString> fromJson(const QJsonObject &json);

    bool operator==(const ShadowDocument &) const = default;

private:
    qint64 versionToContinue(qint64 timestamp) const;
    void mergeState(const ShadowUpdate &update, qint64 timestamp);
    QJsonObject stateJson() const;
    QJsonObject metadataJson() const;
    QJsonObject snapshot() const;
    std::optional<QString> readSections(const QJsonObject &json);

    bool m_exists = false;
    qint64 m_version = 0;
    std::optional<qint64> m_deletedAt;
    QJsonObject m_desired;
    QJsonObject m_reported;
    QJsonObject m_desiredMetadata;
    QJsonObject m_reportedMetadata;
};

} // namespace thingdeck
