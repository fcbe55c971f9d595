#include "aws/StsEndpoint.h"

#include "aws/AwsConfig.h"

#include <QRegularExpression>

#include <array>

namespace thingdeck {
namespace {

struct Partition
{
    const char *regex;
    const char *dnsSuffix;
    const char *dualStackSuffix;
};

// partitions.json, most specific first; a region matching none belongs to `aws`.
constexpr auto kPartitions = std::to_array<Partition>({
    {R"(^us\-gov\-\w+\-\d+$)", "amazonaws.com", "api.aws"},
    {R"(^cn\-\w+\-\d+$)", "amazonaws.com.cn", "api.amazonwebservices.com.cn"},
    {R"(^us\-iso\-\w+\-\d+$)", "c2s.ic.gov", "c2s.ic.gov"},
    {R"(^us\-isob\-\w+\-\d+$)", "sc2s.sgov.gov", "sc2s.sgov.gov"},
    {R"(^(us|eu|ap|sa|ca|me|af)\-\w+\-\d+$)", "amazonaws.com", "api.aws"},
});

const Partition &partitionOf(const QString &region)
{
    for (const Partition &partition : kPartitions) {
        if (QRegularExpression(QLatin1String(partition.regex)).match(region).hasMatch())
            return partition;
    }
    return kPartitions.back(); // aws
}

bool isTrue(const QString &value)
{
    return value.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
}

// The environment variable first, then the profile's key, as botocore's config chain does.
bool flag(const AwsConfig &config, const QString &variable, const QString &key)
{
    const QProcessEnvironment &environment = config.environment();
    return environment.contains(variable) ? isTrue(environment.value(variable))
                                          : isTrue(config.profileProperty(key));
}

} // namespace

StsEndpoint StsEndpoint::forRegion(const QString &region, bool fips, bool dualStack)
{
    if (region.isEmpty() || region == QLatin1String("aws-global"))
        return {QUrl(QStringLiteral("https://sts.amazonaws.com")), QStringLiteral("us-east-1")};
    const bool gov = region.startsWith(QLatin1String("us-gov-"));
    const QString service = fips && !gov ? QStringLiteral("sts-fips") : QStringLiteral("sts");
    return {
        QUrl(QStringLiteral("https://%1.%2.%3").arg(service, region, dnsSuffix(region, dualStack))),
        region};
}

QString StsEndpoint::dnsSuffix(const QString &region, bool dualStack)
{
    const Partition &partition = partitionOf(region);
    return QLatin1String(dualStack ? partition.dualStackSuffix : partition.dnsSuffix);
}

bool StsEndpoint::usesFips(const AwsConfig &config)
{
    return flag(config, QStringLiteral("AWS_USE_FIPS_ENDPOINT"),
                QStringLiteral("use_fips_endpoint"));
}

bool StsEndpoint::usesDualStack(const AwsConfig &config)
{
    return flag(config, QStringLiteral("AWS_USE_DUALSTACK_ENDPOINT"),
                QStringLiteral("use_dualstack_endpoint"));
}

Result<StsEndpoint, ConfigError> StsEndpoint::resolve(const AwsConfig &config)
{
    const QString region = config.region();
    const auto configured = config.endpointUrl(QStringLiteral("sts"));
    if (!configured)
        return fail(configured.error());
    if (!configured.value().isEmpty())
        return StsEndpoint{configured.value(),
                           region.isEmpty() ? QStringLiteral("us-east-1") : region};
    return forRegion(region, usesFips(config), usesDualStack(config));
}

} // namespace thingdeck
