#include "aws/AwsConfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStringDecoder>

#include <optional>

namespace thingdeck {
namespace {

constexpr QLatin1String kConfigFileVariable("AWS_CONFIG_FILE");
constexpr QLatin1String kCredentialsFileVariable("AWS_SHARED_CREDENTIALS_FILE");

QString homeDirectory(const QProcessEnvironment &environment)
{
    QString home = environment.contains(QStringLiteral("HOME"))
                       ? environment.value(QStringLiteral("HOME"))
                       : QDir::homePath();
    while (home.size() > 1 && home.endsWith(u'/'))
        home.chop(1);
    return home;
}

// Python's os.path.expandvars: $NAME and ${NAME} of variables that are set; others stay.
QString expandVariables(const QString &path, const QProcessEnvironment &environment)
{
    const QRegularExpression variable(QStringLiteral(R"(\$(\w+|\{[^}]*\}))"));
    QString expanded;
    qsizetype last = 0;
    for (const QRegularExpressionMatch &match : variable.globalMatch(path)) {
        QString name = match.captured(1);
        if (name.startsWith(u'{'))
            name = name.mid(1, name.size() - 2);
        expanded += QStringView(path).mid(last, match.capturedStart() - last);
        expanded += environment.contains(name) ? environment.value(name) : match.captured();
        last = match.capturedEnd();
    }
    return expanded + QStringView(path).mid(last);
}

// botocore expands variables, then a leading `~` (os.path.expanduser), in both file paths.
QString expandPath(const QString &path, const QProcessEnvironment &environment)
{
    QString expanded = expandVariables(path, environment);
    if (expanded == QLatin1String("~") || expanded.startsWith(QLatin1String("~/")))
        return homeDirectory(environment) + expanded.mid(1);
    return expanded;
}

QString locate(const QProcessEnvironment &environment, QLatin1String variable,
               const QString &defaultPath)
{
    const QString named = environment.value(variable);
    return expandPath(named.isEmpty() ? defaultPath : named, environment);
}

ConfigError unreadable(const QString &path, const QString &message)
{
    return {ConfigError::Kind::UnreadableFile, message, path, 0};
}

Result<ProfileFile, ConfigError> parseBytes(const QByteArray &bytes, const QString &path,
                                            ProfileFile::Kind kind)
{
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString text = decoder.decode(bytes);
    if (decoder.hasError()) {
        return fail(ConfigError{ConfigError::Kind::MalformedFile,
                                QStringLiteral("%1 is not UTF-8 text. Save it as UTF-8.").arg(path),
                                path, 0});
    }
    return ProfileFile::parse(text, kind, path);
}

// A missing file reads as empty, as the AWS CLI reads it, wherever it is (its default place or
// one named by AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE); `exists` reports which it was.
Result<ProfileFile, ConfigError> readProfileFile(const QString &path, ProfileFile::Kind kind,
                                                 bool *exists)
{
    *exists = QFileInfo::exists(path);
    if (!*exists)
        return ProfileFile();
    QFile file(path);
    const bool opened = file.open(QIODevice::ReadOnly);
    const QByteArray bytes = opened ? file.readAll() : QByteArray();
    if (!opened || file.error() != QFileDevice::NoError) {
        return fail(unreadable(path, QStringLiteral("Cannot read %1: %2. Check that it is a file "
                                                    "you are allowed to read.")
                                         .arg(path, file.errorString())));
    }
    return parseBytes(bytes, path, kind);
}

// Where the selected profile name came from, for messages; empty for the implicit default.
QString profileOrigin(const QProcessEnvironment &environment, const QString &explicitProfile)
{
    if (!explicitProfile.isEmpty())
        return QStringLiteral("chosen explicitly");
    for (const QString &variable :
         {QStringLiteral("AWS_DEFAULT_PROFILE"), QStringLiteral("AWS_PROFILE")}) {
        if (environment.contains(variable))
            return QStringLiteral("from %1").arg(variable);
    }
    return {};
}

QString lookedIn(const QString &path, bool exists)
{
    return exists ? path : path + QStringLiteral(" (which does not exist)");
}

ConfigError unknownProfile(const AwsConfig &config, const QString &origin)
{
    const QString name = config.profileName();
    const QString known = config.profileNames().isEmpty()
                              ? QStringLiteral("There are no profiles in them")
                              : QStringLiteral("Profiles there: %1")
                                    .arg(config.profileNames().join(QStringLiteral(", ")));
    return {ConfigError::Kind::UnknownProfile,
            QStringLiteral("The profile '%1' (%2) is in neither %3 nor %4. %5. Pick one of them, "
                           "or create it with `aws configure --profile %1`.")
                .arg(name, origin, lookedIn(config.configPath(), config.configFileExists()),
                     lookedIn(config.credentialsPath(), config.credentialsFileExists()), known),
            QString(), 0};
}

} // namespace

Result<AwsConfig, ConfigError> AwsConfig::load(const QProcessEnvironment &environment,
                                               const QString &explicitProfile)
{
    AwsConfig config;
    config.m_environment = environment;
    config.m_configPath = locateConfigFile(environment);
    config.m_credentialsPath = locateCredentialsFile(environment);
    auto configFile =
        readProfileFile(config.m_configPath, ProfileFile::Kind::Config, &config.m_configExists);
    if (!configFile)
        return fail(configFile.error());
    auto credentialsFile = readProfileFile(config.m_credentialsPath, ProfileFile::Kind::Credentials,
                                           &config.m_credentialsExists);
    if (!credentialsFile)
        return fail(credentialsFile.error());
    config.m_config = configFile.value();
    config.m_credentials = credentialsFile.value();
    config.m_merged = ProfileFile::merge(config.m_config, config.m_credentials);
    config.m_profileName = selectProfile(environment, explicitProfile);
    config.m_profileExplicit = !explicitProfile.isEmpty();
    // Like botocore: a profile asked for by name must exist, the implicit default need not.
    const QString origin = profileOrigin(environment, explicitProfile);
    if (!origin.isEmpty() && !config.m_merged.hasProfile(config.m_profileName))
        return fail(unknownProfile(config, origin));
    return config;
}

QString AwsConfig::locateConfigFile(const QProcessEnvironment &environment)
{
    return locate(environment, kConfigFileVariable, QStringLiteral("~/.aws/config"));
}

QString AwsConfig::locateCredentialsFile(const QProcessEnvironment &environment)
{
    return locate(environment, kCredentialsFileVariable, QStringLiteral("~/.aws/credentials"));
}

QString AwsConfig::selectProfile(const QProcessEnvironment &environment,
                                 const QString &explicitProfile)
{
    if (!explicitProfile.isEmpty())
        return explicitProfile;
    // botocore reads AWS_DEFAULT_PROFILE first, and a variable set to "" still selects "".
    for (const QString &variable :
         {QStringLiteral("AWS_DEFAULT_PROFILE"), QStringLiteral("AWS_PROFILE")}) {
        if (environment.contains(variable))
            return environment.value(variable);
    }
    return QStringLiteral("default");
}

QString AwsConfig::profileProperty(const QString &name) const
{
    return m_merged.profile(m_profileName).value(name);
}

QString AwsConfig::region() const
{
    // AWS_REGION is what the AWS CLI v2 and the SDKs read first; botocore (CLI v1) only
    // knows AWS_DEFAULT_REGION, which comes second here.
    for (const QString &variable :
         {QStringLiteral("AWS_REGION"), QStringLiteral("AWS_DEFAULT_REGION")}) {
        QString value = environmentValue(variable);
        if (!value.isEmpty())
            return value;
    }
    return profileProperty(QStringLiteral("region"));
}

bool AwsConfig::ignoresConfiguredEndpointUrls() const
{
    const QString variable = QStringLiteral("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
    const QString value = m_environment.contains(variable)
                              ? m_environment.value(variable)
                              : profileProperty(QStringLiteral("ignore_configured_endpoint_urls"));
    return value.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0;
}

Result<QUrl, ConfigError> AwsConfig::endpointUrl(const QString &serviceId) const
{
    if (ignoresConfiguredEndpointUrls())
        return QUrl();
    return configuredEndpoint(serviceId);
}

QString AwsConfig::caBundle() const
{
    QString value = environmentValue(QStringLiteral("AWS_CA_BUNDLE"));
    return value.isEmpty() ? profileProperty(QStringLiteral("ca_bundle")) : value;
}

QString AwsConfig::environmentValue(const QString &name) const
{
    return m_environment.value(name);
}

Result<QUrl, ConfigError> AwsConfig::configuredEndpoint(const QString &serviceId) const
{
    const QString snakeId = QString(serviceId).replace(u'-', u'_');
    const QString serviceVariable = QStringLiteral("AWS_ENDPOINT_URL_") + snakeId.toUpper();
    const QString globalVariable = QStringLiteral("AWS_ENDPOINT_URL");
    if (!environmentValue(serviceVariable).isEmpty())
        return checkedUrl(environmentValue(serviceVariable), serviceVariable);
    if (!environmentValue(globalVariable).isEmpty())
        return checkedUrl(environmentValue(globalVariable), globalVariable);
    auto fromServices = servicesEndpoint(snakeId);
    if (!fromServices || !fromServices.value().isEmpty())
        return fromServices;
    const QString fromProfile = profileProperty(QStringLiteral("endpoint_url"));
    if (fromProfile.isEmpty())
        return QUrl();
    return checkedUrl(fromProfile, QStringLiteral("endpoint_url of profile %1").arg(m_profileName));
}

// The `endpoint_url` under `snakeId` in the `[services …]` section that the profile names.
Result<QUrl, ConfigError> AwsConfig::servicesEndpoint(const QString &snakeId) const
{
    const ProfileFile::Properties properties = profile();
    if (!properties.contains(QStringLiteral("services")))
        return QUrl();
    const QString sectionName = properties.value(QStringLiteral("services"));
    const ProfileFile::Properties section = m_merged.services().value(sectionName);
    if (section.isEmpty()) {
        return fail(ConfigError{
            ConfigError::Kind::InvalidValue,
            QStringLiteral("Profile '%1' says services = %2, but %3 has no [services %2] section "
                           "(or it is empty). Add the section or remove the services line.")
                .arg(m_profileName, sectionName, m_configPath),
            m_configPath, 0});
    }
    const QString url =
        ProfileFile::subProperties(section.value(snakeId)).value(QStringLiteral("endpoint_url"));
    if (url.isEmpty())
        return QUrl();
    return checkedUrl(
        url, QStringLiteral("endpoint_url under %1 in [services %2]").arg(snakeId, sectionName));
}

// The value is not repeated in the message: a URL may carry a user name and password.
Result<QUrl, ConfigError> AwsConfig::checkedUrl(const QString &value, const QString &origin)
{
    const QUrl url(value);
    const bool web =
        url.scheme() == QLatin1String("https") || url.scheme() == QLatin1String("http");
    if (url.isValid() && web && !url.host().isEmpty())
        return url;
    return fail(ConfigError{ConfigError::Kind::InvalidValue,
                            QStringLiteral("The endpoint URL from %1 is not an http(s) URL with a "
                                           "host name. Use a full URL such as "
                                           "https://localhost:4566.")
                                .arg(origin),
                            QString(), 0});
}

} // namespace thingdeck
