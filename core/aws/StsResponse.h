#pragma once

#include "Result.h"
#include "aws/AwsCredentials.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <utility>

namespace thingdeck {

/// A successful AssumeRole / AssumeRoleWithWebIdentity answer, read from its XML as botocore's
/// query parser does: the `<Op>Result` element is found by local name under the root, whose
/// own name is not checked. Keeps what the AWS CLI's cache file holds.
struct StsResponse
{
    AwsCredentials credentials; ///< the four Credentials members; expiration in UTC
    QString expirationText;     ///< Expiration exactly as sent
    /// The result's other scalar members in document order, flattened ("AssumedRoleUser.Arn",
    /// "PackedPolicySize", "Provider", ...), for the cache file.
    QList<std::pair<QString, QString>> members;
    QString requestId;

    /// `operation` is "AssumeRole" or "AssumeRoleWithWebIdentity". The error says what is
    /// missing, never a value.
    static Result<StsResponse, QString> parse(const QByteArray &body, const QString &operation);

    /// An ISO 8601 time as STS and the cache files write it: `YYYY-MM-DDTHH:MM:SS[.fraction]`
    /// then `Z`, `UTC`, `+HH:MM` / `-HH:MM` (or nothing, read as UTC). Invalid when unreadable.
    static QDateTime parseTime(const QString &text);
};

} // namespace thingdeck
