#pragma once

#include "Result.h"
#include "aws/ConfigError.h"

#include <QString>
#include <QUrl>

namespace thingdeck {

class AwsConfig;

/// Where the credential chain sends STS calls, and the region it signs them for.
///
/// Like the AWS CLI v2 the host is always regional (`https://sts.<region>.<dnsSuffix>`; the
/// global `https://sts.amazonaws.com` / us-east-1 only without a region or for `aws-global`),
/// with FIPS and dual-stack variants. Unlike CLI 2.9.19, and like newer SDKs, a configured
/// endpoint (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, the profile's `services` section entry
/// `sts`, the profile's `endpoint_url`) wins unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is set.
struct StsEndpoint
{
    QUrl url;
    QString signingRegion;

    /// The endpoint for `config`'s region and settings; InvalidValue for a bad configured URL.
    static Result<StsEndpoint, ConfigError> resolve(const AwsConfig &config);

    /// The endpoint AWS's rule set gives for a region (no configured URL involved).
    static StsEndpoint forRegion(const QString &region, bool fips = false, bool dualStack = false);

    /// The DNS suffix of `region`'s partition (partitions.json): "amazonaws.com",
    /// "amazonaws.com.cn", …, or its dual-stack suffix ("api.aws", …).
    static QString dnsSuffix(const QString &region, bool dualStack = false);
    /// AWS_USE_FIPS_ENDPOINT, else the profile's use_fips_endpoint, is "true".
    static bool usesFips(const AwsConfig &config);
    /// AWS_USE_DUALSTACK_ENDPOINT, else the profile's use_dualstack_endpoint, is "true".
    static bool usesDualStack(const AwsConfig &config);
};

} // namespace thingdeck
