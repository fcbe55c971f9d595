#pragma once

#include <QDateTime>
#include <QString>

namespace thingdeck {

/// AWS access keys as the credential chain found them. Never log or persist the secret parts;
/// `source` is the only field meant for display.
struct AwsCredentials
{
    QString accessKeyId;
    QString secretAccessKey;
    QString sessionToken; ///< empty for long-term keys
    QDateTime expiration; ///< invalid when the keys do not expire
    QString
        source; ///< where they came from, e.g. "environment" or "profile dev (credentials file)"

    bool isValid() const { return !accessKeyId.isEmpty() && !secretAccessKey.isEmpty(); }

    /// True when the keys expire within `seconds` of `now` (or already have).
    bool expiresWithin(qint64 seconds, const QDateTime &now) const
    {
        return expiration.isValid() && now.secsTo(expiration) <= seconds;
    }
};

} // namespace thingdeck
