#pragma once

#include "Result.h"
#include "aws/ConfigError.h"

#include <QString>
#include <QUrl>

namespace thingdeck {

class AwsConfig;

/// Where the SSO provider sends GetRoleCredentials (the portal) and CreateToken (SSO OIDC).
///
/// By default `https://portal.sso.<sso_region>.<dnsSuffix>` and
/// `https://oidc.<sso_region>.<dnsSuffix>` (FIPS `portal.sso-fips` / `oidc-fips`, dual-stack
/// `….api.aws`). Like newer SDKs (and unlike CLI 2.9.19), a configured endpoint wins unless
/// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is set: AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC,
/// AWS_ENDPOINT_URL, the `services` section's `sso` / `sso_oidc` entry, the profile's
/// `endpoint_url` (StsEndpoint does the same for STS).
struct SsoEndpoint
{
    QUrl portal;
    QUrl oidc;

    /// InvalidValue for a configured URL that is not an http(s) URL.
    static Result<SsoEndpoint, ConfigError> resolve(const AwsConfig &config,
                                                    const QString &ssoRegion);
    static SsoEndpoint forRegion(const QString &ssoRegion, bool fips = false,
                                 bool dualStack = false);
};

} // namespace thingdeck
