#pragma once

#include "Result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace thingdeck {

class CredentialStore;

/// Writes ready AWS config/credentials pairs into `<state dir>/examples/<way>/`, one for each
/// way of getting credentials the sandbox stands in for (static keys, assume-role, ExternalId,
/// MFA, a role chain, SSO, web identity), plus the web identity token file and the SSO token
/// cache file, and describes them for sandbox.json's `examples` section. Rewritten at every
/// start, as the port, tokens and expiry times change.
class CredentialExamples
{
public:
    struct Inputs
    {
        QString stateDir;
        QString region;
        QString accountId;
        QString endpoint; ///< https://localhost:PORT
        QString caFile;
        QString accessKeyId;
        QString secretAccessKey;
        QString webIdentityToken;
        QString ssoAccessToken;
        QDateTime ssoExpiresAt;
        QString ssoRefreshToken;
    };

    static constexpr const char *kSsoSession = "thingdeck-sandbox";
    static constexpr const char *kStaticProfile = "sandbox-static";

    /// The `examples` object for sandbox.json, or what could not be written.
    static Result<QJsonObject, QString> write(const Inputs &inputs, const CredentialStore &store);
};

} // namespace thingdeck
