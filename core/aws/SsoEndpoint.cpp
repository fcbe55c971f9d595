#include "aws/SsoEndpoint.h"

#include "aws/AwsConfig.h"
#include "aws/StsEndpoint.h"

namespace thingdeck {

SsoEndpoint SsoEndpoint::forRegion(const QString &ssoRegion, bool fips, bool dualStack)
{
    const QString suffix = StsEndpoint::dnsSuffix(ssoRegion, dualStack);
    const QString portal = fips ? QStringLiteral("portal.sso-fips") : QStringLiteral("portal.sso");
    const QString oidc = fips ? QStringLiteral("oidc-fips") : QStringLiteral("oidc");
    return {QUrl(QStringLiteral("https://%1.%2.%3").arg(portal, ssoRegion, suffix)),
            QUrl(QStringLiteral("https://%1.%2.%3").arg(oidc, ssoRegion, suffix))};
}

Result<SsoEndpoint, ConfigError> SsoEndpoint::resolve(const AwsConfig &config,
                                                      const QString &ssoRegion)
{
    SsoEndpoint endpoint =
        forRegion(ssoRegion, StsEndpoint::usesFips(config), StsEndpoint::usesDualStack(config));
    const auto portal = config.endpointUrl(QStringLiteral("sso"));
    if (!portal)
        return fail(portal.error());
    const auto oidc = config.endpointUrl(QStringLiteral("sso-oidc"));
    if (!oidc)
        return fail(oidc.error());
    if (!portal.value().isEmpty())
        endpoint.portal = portal.value();
    if (!oidc.value().isEmpty())
        endpoint.oidc = oidc.value();
    return endpoint;
}

} // namespace thingdeck
