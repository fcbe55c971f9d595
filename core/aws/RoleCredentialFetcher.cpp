#include "aws/RoleCredentialFetcher.h"

#include "aws/AwsClient.h"
#include "aws/MfaCodeSource.h"
#include "aws/StsResponse.h"

#include "Logging.h"

#include <QFile>

#include <cctype>

namespace thingdeck {
namespace {

ConfigError stsFailed(const QString &message)
{
    return {ConfigError::Kind::StsFailed, message, QString(), 0};
}

QByteArray parameter(const char *name, const QString &value)
{
    return QByteArray('&' + QByteArray(name) + '=') +
           RoleCredentialFetcher::formEncode(value.toUtf8());
}

// What went wrong with an STS call, in the AWS CLI's words for a service error.
QString describeFailure(const AwsError &error, const QString &operation, const QString &host)
{
    if (error.kind == AwsError::Kind::Service && !error.code.isEmpty()) {
        QString text = QStringLiteral("An error occurred (%1) when calling the %2 operation: %3")
                           .arg(error.code, operation, error.message);
        if (!error.requestId.isEmpty())
            text += QStringLiteral(" [request id %1]").arg(error.requestId);
        return text;
    }
    AwsError local = error;
    local.operation.clear();
    return QStringLiteral("The %1 call to %2 failed: %3").arg(operation, host, local.toString());
}

} // namespace

RoleCredentialFetcher::RoleCredentialFetcher(RolePlan plan, StsEndpoint endpoint, AwsClient *sts,
                                             CredentialCache cache, MfaCodeSource *mfa,
                                             QObject *parent)
    : QObject(parent)
    , m_plan(std::move(plan))
    , m_endpoint(std::move(endpoint))
    , m_sts(sts)
    , m_cache(std::move(cache))
    , m_mfa(mfa)
{}

void RoleCredentialFetcher::setBaseSource(BaseSource source)
{
    m_baseSource = std::move(source);
}

void RoleCredentialFetcher::start(Callback done)
{
    credentialsFor(int(m_plan.hops.size()), std::move(done));
}

QByteArray RoleCredentialFetcher::formEncode(const QByteArray &value)
{
    QByteArray out;
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        // Unreserved characters (RFC 3986) stay as they are.
        if ((std::isalnum(u) && u < 0x80) || c == '-' || c == '_' || c == '.' || c == '~')
            out += c;
        else if (c == ' ')
            out += '+';
        else
            out += '%' + QByteArray::number(u, 16).toUpper().rightJustified(2, '0');
    }
    return out;
}

QByteArray RoleCredentialFetcher::assumeRoleBody(const AssumeRoleHop &hop,
                                                 const QString &sessionName,
                                                 const QString &tokenCode)
{
    QByteArray body = "Action=AssumeRole&Version=2011-06-15";
    body += parameter("RoleSessionName", sessionName);
    if (!hop.externalId.isEmpty())
        body += parameter("ExternalId", hop.externalId);
    if (!hop.mfaSerial.isEmpty())
        body += parameter("SerialNumber", hop.mfaSerial);
    if (hop.durationSeconds)
        body += "&DurationSeconds=" + QByteArray::number(*hop.durationSeconds);
    body += parameter("RoleArn", hop.roleArn);
    if (!tokenCode.isEmpty())
        body += parameter("TokenCode", tokenCode);
    return body;
}

QByteArray RoleCredentialFetcher::webIdentityBody(const WebIdentitySource &source,
                                                  const QString &sessionName,
                                                  const QByteArray &token)
{
    return "Action=AssumeRoleWithWebIdentity&Version=2011-06-15" +
           parameter("RoleArn", source.roleArn) + parameter("RoleSessionName", sessionName) +
           "&WebIdentityToken=" + formEncode(token);
}

std::optional<RoleCredentialFetcher::Outcome>
RoleCredentialFetcher::cached(const QString &key) const
{
    const auto entry = m_cache.read(key, QDateTime::currentDateTimeUtc());
    if (!entry)
        return Outcome(fail(entry.error()));
    if (!entry.value())
        return std::nullopt;
    qCDebug(lcAws) << "role credentials from" << m_cache.filePath(key);
    return Outcome(*entry.value());
}

// Level 0 is the base; level n the credentials of hop n (1-based).
void RoleCredentialFetcher::credentialsFor(int level, Callback callback)
{
    if (level == 0) {
        if (m_plan.base == RolePlan::Base::WebIdentity)
            return webIdentity(std::move(callback));
        return m_baseSource(callback);
    }
    const AssumeRoleHop hop = m_plan.hops.at(level - 1);
    if (auto hit = cached(CredentialCache::key(hop.cacheArguments())))
        return callback(*hit);
    credentialsFor(level - 1, [this, hop, callback](const Outcome &source) {
        if (!source)
            return callback(source);
        assumeRole(hop, source.value(), callback);
    });
}

void RoleCredentialFetcher::assumeRole(const AssumeRoleHop &hop, const AwsCredentials &source,
                                       Callback callback)
{
    if (hop.mfaSerial.isEmpty())
        return sendAssumeRole(hop, source, QString(), std::move(callback));
    if (!m_mfa) {
        return callback(fail(ConfigError{
            ConfigError::Kind::MfaRequired,
            QStringLiteral("Profile '%1' needs an MFA code; this program has no way to ask for "
                           "one. Run `aws sts get-caller-identity --profile %1` in a terminal "
                           "to cache the role's credentials, then try again.")
                .arg(hop.profile),
            QString(), 0}));
    }
    QPointer<RoleCredentialFetcher> self(this);
    m_mfa->request(
        hop.mfaSerial, [self, hop, source, callback](const MfaCodeSource::CodeResult &code) {
            if (!self)
                return;
            if (!code) {
                return callback(
                    fail(ConfigError{ConfigError::Kind::MfaRequired,
                                     QStringLiteral("Profile '%1' needs an MFA code for %2: %3")
                                         .arg(hop.profile, hop.mfaSerial, code.error()),
                                     QString(), 0}));
            }
            self->sendAssumeRole(hop, source, code.value(), callback);
        });
}

void RoleCredentialFetcher::sendAssumeRole(const AssumeRoleHop &hop, const AwsCredentials &source,
                                           const QString &tokenCode, Callback callback)
{
    const QString session = hop.roleSessionName.isEmpty()
                                ? RolePlan::generatedSessionName(QDateTime::currentDateTimeUtc())
                                : hop.roleSessionName;
    send(assumeRoleBody(hop, session, tokenCode), &source, QStringLiteral("AssumeRole"),
         CredentialCache::key(hop.cacheArguments()),
         QStringLiteral("profile %1 (assume role)").arg(hop.profile), std::move(callback));
}

void RoleCredentialFetcher::webIdentity(Callback callback)
{
    const WebIdentitySource &source = m_plan.webIdentity;
    const QString key = CredentialCache::key(source.cacheArguments());
    if (auto hit = cached(key))
        return callback(*hit);
    // Read on every call: the token is rotated by whoever writes the file.
    QFile file(source.tokenFile);
    if (!file.open(QIODevice::ReadOnly)) {
        return callback(fail(ConfigError{
            ConfigError::Kind::UnreadableFile,
            QStringLiteral("Cannot read the web identity token file %1 (%2). Check "
                           "web_identity_token_file or AWS_WEB_IDENTITY_TOKEN_FILE; `~` is not "
                           "expanded there.")
                .arg(source.tokenFile, file.errorString()),
            source.tokenFile, 0}));
    }
    const QString session = source.roleSessionName.isEmpty()
                                ? RolePlan::generatedSessionName(QDateTime::currentDateTimeUtc())
                                : source.roleSessionName;
    send(webIdentityBody(source, session, file.readAll()), nullptr,
         QStringLiteral("AssumeRoleWithWebIdentity"), key,
         QStringLiteral("web identity (%1)").arg(source.roleArn), std::move(callback));
}

// `signer` null: unsigned (AssumeRoleWithWebIdentity).
void RoleCredentialFetcher::send(const QByteArray &body, const AwsCredentials *signer,
                                 const QString &operation, const QString &cacheKey,
                                 const QString &source, Callback callback)
{
    AwsRequest request;
    request.method = QByteArrayLiteral("POST");
    request.endpoint = m_endpoint.url;
    request.signingService = QStringLiteral("sts");
    request.signingRegion = m_endpoint.signingRegion;
    request.contentType = QByteArrayLiteral("application/x-www-form-urlencoded; charset=utf-8");
    request.body = body;
    request.jsonResponse = false;
    request.signing = signer ? AwsRequest::Signing::Given : AwsRequest::Signing::None;
    if (signer)
        request.credentials = *signer;
    const QString host = m_endpoint.url.host();
    m_sts->send(
        request, this,
        [this, operation, cacheKey, source, host,
         callback = std::move(callback)](const Result<AwsResponse, AwsError> &reply) {
            if (!reply)
                return callback(fail(stsFailed(describeFailure(reply.error(), operation, host))));
            auto parsed = StsResponse::parse(reply.value().body, operation);
            if (!parsed)
                return callback(fail(stsFailed(
                    QStringLiteral("STS at %1 answered oddly: %2.").arg(host, parsed.error()))));
            if (auto problem = m_cache.write(cacheKey, parsed.value()))
                qCWarning(lcAws) << "not cached:" << *problem;
            AwsCredentials credentials = parsed.value().credentials;
            credentials.source = source;
            callback(credentials);
        });
}

} // namespace thingdeck
