#pragma once

#include "Result.h"
#include "iot/ShadowError.h"

#include <QByteArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include <optional>

namespace thingdeck {

/// A validated UpdateThingShadow request document (the body of the REST call or of a publish
/// to `…/shadow/update`, aws-iot.md §5.1): the request's `state.desired` / `state.reported`
/// (each absent, `null` or an object), its `version` and `clientToken`. Everything else in the
/// request, including other keys under `state`, is ignored ("Only JSON fields in the desired
/// and reported sections are stored", §5.2 [IOT-SHADOW-DIAG]).
class ShadowUpdate
{
public:
    /// The longest accepted clientToken, in UTF-8 bytes (§5.4).
    static constexpr int kMaxClientTokenBytes = 64;

    /// Parses raw request bytes and checks them as the service does, failing with AWS's
    /// error (400 texts of aws-iot.md §4; 415 for bytes that are not UTF-8). Checks run in
    /// this order: JSON, clientToken, state and its sections (type, depth, nulls in arrays),
    /// version; a rejection carries the clientToken once it has been read.
    static Result<ShadowUpdate, ShadowError> parse(const QByteArray &payload);

    /// `{"state": null}`: clears desired and reported; the shadow keeps existing (§5.2).
    bool clearsState() const { return m_state.isNull(); }
    /// The request's `desired`: nullopt when absent, a null value to remove the section, or
    /// the object to merge.
    std::optional<QJsonValue> desired() const { return section(QStringLiteral("desired")); }
    std::optional<QJsonValue> reported() const { return section(QStringLiteral("reported")); }
    /// The version the request was based on; nullopt bypasses the version check.
    std::optional<qint64> version() const { return m_version; }
    /// The token to echo; empty when the request had none.
    QString clientToken() const { return m_clientToken; }
    /// The request's state as AWS echoes it: `null`, or an object with only the `desired` and
    /// `reported` members the request gave (their nulls kept).
    QJsonValue state() const { return m_state; }

    /// The `/update/accepted` document, also the UpdateThingShadow response body: only the
    /// request's fields, their metadata, the new version, the time and the clientToken
    /// (§5.1, §5.5). Every leaf of the request, deleting nulls included, is stamped with
    /// `timestamp`; `{"state": null}` echoes `"state": null` with `{"timestamp": T}` as its
    /// metadata, by the same rule.
    QJsonObject acceptedResponse(qint64 version, qint64 timestamp) const;

private:
    // Only parse() makes updates: a default one would silently mean "state": null.
    ShadowUpdate() = default;
    static Result<ShadowUpdate, ShadowError> fromObject(const QJsonObject &request);
    std::optional<ShadowError> readClientToken(const QJsonObject &request);
    std::optional<ShadowError> readState(const QJsonObject &request);
    std::optional<ShadowError> readVersion(const QJsonObject &request);
    std::optional<QJsonValue> section(const QString &name) const;

    QJsonValue m_state = QJsonValue::Null;
    std::optional<qint64> m_version;
    QString m_clientToken;
};

} // namespace thingdeck
