#pragma once

#include "Result.h"

#include <QList>
#include <QProcessEnvironment>
#include <QString>

namespace thingdeck {

class AwsConfig;

/// One AWS profile as the connection editor shows it: what AwsConfig resolves for it.
struct ProfileInfo
{
    QString name;
    QString region;          ///< empty when neither the environment nor the profile sets one
    QString controlPlaneUrl; ///< configured endpoint for "iot"; empty: derived from the region
    QString dataPlaneUrl;    ///< configured endpoint for "iot-data-plane"; empty: DescribeEndpoint
    QString caBundle;
    /// Where the credential chain gets the keys, in its order: "assume role from <source
    /// profile>" (or "from Environment"), "web identity", "SSO", "access keys",
    /// "credential_process" or "none".
    QString credentialSource;
    QString problem; ///< a sentence when the profile cannot be used; empty otherwise

    bool operator==(const ProfileInfo &other) const = default;
};

/// The profiles of the AWS shared config and credentials files (~/.aws/config and
/// ~/.aws/credentials, or where AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE point).
class ProfileCatalog
{
public:
    /// Every profile of both files, sorted by name; an error sentence when a file cannot be
    /// read or parsed.
    static Result<QList<ProfileInfo>, QString> list(const QProcessEnvironment &environment);
    /// One profile; `problem` says why it cannot be used (unknown, no credentials, …).
    static ProfileInfo describe(const QProcessEnvironment &environment, const QString &profile);
    /// True when either file has at least one profile, or AWS_ACCESS_KEY_ID is set: whether
    /// there is anything to connect to besides the sandbox.
    static bool hasAwsConfiguration(const QProcessEnvironment &environment);

private:
    static ProfileInfo describeLoaded(const AwsConfig &config);
    static QString credentialSource(const AwsConfig &config);
    static QString setupProblem(const AwsConfig &config);
    static QString problemOf(const ProfileInfo &info);
};

} // namespace thingdeck
