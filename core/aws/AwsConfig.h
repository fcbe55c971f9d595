#pragma once

#include "Result.h"
#include "aws/ConfigError.h"
#include "aws/ProfileFile.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace thingdeck {

/// The AWS shared configuration as the AWS CLI sees it for one profile: where the `config` and
/// `credentials` files are, their parsed contents, the selected profile, and the region,
/// endpoint URLs and CA bundle that follow from the environment and that profile.
/// A value object: load() reads the files once; nothing here touches the disk afterwards.
class AwsConfig
{
public:
    /// Reads both files and selects the profile. A missing file is an empty file, as for the
    /// AWS CLI, also one named by AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE; a file that
    /// exists must be readable and parse. A profile asked for by name (`explicitProfile`, like
    /// the CLI's --profile, or AWS_DEFAULT_PROFILE / AWS_PROFILE) must exist, and the error
    /// then names the files looked in; the implicit "default" need not exist.
    static Result<AwsConfig, ConfigError> load(const QProcessEnvironment &environment,
                                               const QString &explicitProfile = {});

    /// AWS_CONFIG_FILE (with `~` and `$VAR` expanded), else ~/.aws/config.
    static QString locateConfigFile(const QProcessEnvironment &environment);
    /// AWS_SHARED_CREDENTIALS_FILE (expanded the same way), else ~/.aws/credentials.
    static QString locateCredentialsFile(const QProcessEnvironment &environment);
    /// botocore's order: `explicitProfile` if not empty, AWS_DEFAULT_PROFILE, AWS_PROFILE (a
    /// variable that is set counts even when empty), else "default".
    static QString selectProfile(const QProcessEnvironment &environment,
                                 const QString &explicitProfile);

    QString profileName() const { return m_profileName; }
    /// True when the profile was given to load() by name; botocore then skips the
    /// environment's access keys, which AWS_PROFILE does not do.
    bool isProfileExplicit() const { return m_profileExplicit; }
    /// Names of all profiles in both files, sorted.
    QStringList profileNames() const { return m_merged.profileNames(); }
    /// The selected profile's properties from both files (the credentials file wins).
    ProfileFile::Properties profile() const { return m_merged.profile(m_profileName); }
    QString profileProperty(const QString &name) const;

    QString configPath() const { return m_configPath; }
    QString credentialsPath() const { return m_credentialsPath; }
    bool configFileExists() const { return m_configExists; }
    bool credentialsFileExists() const { return m_credentialsExists; }
    /// The environment load() was given.
    const QProcessEnvironment &environment() const { return m_environment; }
    const ProfileFile &configFile() const { return m_config; }
    const ProfileFile &credentialsFile() const { return m_credentials; }
    const ProfileFile &profiles() const { return m_merged; }

    /// AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region`; empty when unset.
    QString region() const;

    /// True when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS (if set, even to "false") or else the
    /// profile's ignore_configured_endpoint_urls is "true" (any case).
    bool ignoresConfiguredEndpointUrls() const;

    /// The endpoint configured for a service, by its hyphenated id ("iot", "iot-data-plane"):
    /// AWS_ENDPOINT_URL_<ID> > AWS_ENDPOINT_URL > the profile's `services` section entry
    /// (`iot`, `iot_data_plane`) > the profile's `endpoint_url`. An empty URL when none is
    /// configured or they are ignored. InvalidValue for a `services` name with no such section,
    /// or a value that is not an http(s) URL with a host.
    Result<QUrl, ConfigError> endpointUrl(const QString &serviceId) const;

    /// AWS_CA_BUNDLE, else the profile's `ca_bundle`; empty when unset.
    QString caBundle() const;

private:
    AwsConfig() = default;

    QString environmentValue(const QString &name) const;
    Result<QUrl, ConfigError> configuredEndpoint(const QString &serviceId) const;
    Result<QUrl, ConfigError> servicesEndpoint(const QString &snakeId) const;
    static Result<QUrl, ConfigError> checkedUrl(const QString &value, const QString &origin);

    QProcessEnvironment m_environment;
    QString m_configPath;
    QString m_credentialsPath;
    ProfileFile m_config;
    ProfileFile m_credentials;
    ProfileFile m_merged;
    QString m_profileName;
    bool m_profileExplicit = false;
    bool m_configExists = false;
    bool m_credentialsExists = false;
};

} // namespace thingdeck
