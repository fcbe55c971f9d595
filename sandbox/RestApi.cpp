#include "RestApi.h"

#include "JsonKey.h"

#include <QJsonDocument>
#include <QLocale>
#include <QLoggingCategory>
#include <QUuid>

#include <algorithm>

Q_LOGGING_CATEGORY(lcSandboxRest, "thingdeck.sandbox.rest", QtInfoMsg)

namespace thingdeck {

namespace {

// The suffix AWS IoT's control plane puts after the code in x-amzn-ErrorType; every SDK cuts
// the header at ':' (aws-iot.md §4 "Parsing an error response"), so clients see the code.
constexpr const char *kCoralSuffix = ":http://internal.amazon.com/coral/com.amazonaws.iot/";

QList<QByteArray> pathSegments(const QByteArray &path)
{
    QList<QByteArray> segments = path.split('/');
    if (!segments.isEmpty() && segments.constFirst().isEmpty())
        segments.removeFirst();
    return segments;
}

// Every value is percent-decoded once; '+' stays '+' (SDKs send spaces as %20).
QMap<QString, QString> parseQuery(const QByteArray &query)
{
    QMap<QString, QString> params;
    for (const QByteArray &part : query.split('&')) {
        if (part.isEmpty())
            continue;
        const qsizetype eq = part.indexOf('=');
        const QByteArray name = eq < 0 ? part : part.left(eq);
        const QByteArray value = eq < 0 ? QByteArray() : part.mid(eq + 1);
        const QString decodedName = QString::fromUtf8(QByteArray::fromPercentEncoding(name));
        if (!params.contains(decodedName))
            params.insert(decodedName, QString::fromUtf8(QByteArray::fromPercentEncoding(value)));
    }
    return params;
}

QByteArray newRequestId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1();
}

QByteArray httpDate(const QDateTime &time)
{
    return QLocale::c()
        .toString(time.toUTC(), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
        .toLatin1();
}

std::optional<int> parseInt(const QMap<QString, QString> &query, const char *name, int fallback)
{
    if (!query.contains(jsonKey(name)))
        return fallback;
    bool ok = false;
    const int value = query.value(jsonKey(name)).toInt(&ok);
    return ok ? std::optional<int>(value) : std::nullopt;
}

std::optional<bool> parseBool(const QMap<QString, QString> &query, const char *name)
{
    const QString value = query.value(jsonKey(name), QStringLiteral("false")).toLower();
    if (value != QLatin1String("true") && value != QLatin1String("false"))
        return std::nullopt;
    return value == QLatin1String("true");
}

} // namespace

struct RestApi::Route
{
    QByteArray method;
    QList<QByteArray> pattern; ///< literal segments; "{}" takes any one segment
    ApiPlane plane;
    Handler handler;

    Route(const char *httpMethod, const char *path, ApiPlane apiPlane, Handler function)
        : method(httpMethod)
        , pattern(pathSegments(path))
        , plane(apiPlane)
        , handler(function)
    {}

    // Fills `params` with the decoded segments that stand for "{}".
    bool matches(const QList<QByteArray> &segments, QStringList &params) const
    {
        if (segments.size() != pattern.size())
            return false;
        QStringList found;
        for (qsizetype i = 0; i < pattern.size(); ++i) {
            const QByteArray decoded = QByteArray::fromPercentEncoding(segments.at(i));
            if (pattern.at(i) == "{}")
                found.append(QString::fromUtf8(decoded));
            else if (pattern.at(i) != decoded)
                return false;
        }
        params = found;
        return true;
    }
};

/// A routed request: the decoded path parameters and query.
struct RestApi::RouteCall
{
    const HttpRequest &request;
    QStringList params;
    QMap<QString, QString> query;
};

std::optional<ThrottlePolicy> ThrottlePolicy::parse(const QString &text)
{
    ThrottlePolicy policy;
    bool ok = false;
    if (text.endsWith(QLatin1String("/s"))) {
        policy.maxPerSecond = text.chopped(2).toDouble(&ok);
        return ok && policy.maxPerSecond > 0 ? std::optional(policy) : std::nullopt;
    }
    policy.everyNth = text.toInt(&ok);
    return ok && policy.everyNth >= 1 ? std::optional(policy) : std::nullopt;
}

RestApi::RestApi(RequestAuthenticator *authenticator, RegistryService *registry,
                 ShadowService *shadows, Clock clock, QObject *parent)
    : QObject(parent)
    , m_authenticator(authenticator)
    , m_registry(registry)
    , m_shadows(shadows)
    , m_clock(std::move(clock))
{}

RestApi::~RestApi() = default;

void RestApi::handle(const HttpRequest &request, HttpResponder responder)
{
    responder.respond(respond(request));
}

HttpResponse RestApi::respond(const HttpRequest &request)
{
    const QList<QByteArray> segments = pathSegments(request.path());
    std::optional<ApiPlane> pathPlane;
    HttpResponse response;
    bool routed = false;
    for (const Route &route : routes()) {
        QStringList params;
        if (!route.matches(segments, params))
            continue;
        if (route.method == request.method) {
            response = dispatch(request, route, params);
            routed = true;
            break;
        }
        pathPlane = route.plane;
    }
    if (!routed)
        response = unrouted(request, pathPlane);
    qCDebug(lcSandboxRest).noquote() << request.method << request.target << "->" << response.status;
    return response;
}

void RestApi::setThrottle(const ThrottlePolicy &policy)
{
    m_throttle = policy;
    m_requestCount = 0;
    m_tokens = std::max(1.0, policy.maxPerSecond);
    m_sinceRefill.start();
}

template<RegistryService::Reply (RegistryService::*Operation)(const RegistryCall &)>
HttpResponse RestApi::registry(const RouteCall &call)
{
    RegistryCall registryCall;
    registryCall.name = call.params.value(0);
    registryCall.query = call.query;
    registryCall.principal = QString::fromUtf8(call.request.header("x-amzn-principal"));
    if (!call.request.body.isEmpty()) {
        QJsonParseError parseError;
        const QJsonDocument body = QJsonDocument::fromJson(call.request.body, &parseError);
        if (!body.isObject())
            return controlError(
                RegistryError{400,
                              QStringLiteral("InvalidRequestException"),
                              QStringLiteral("The request body is not a JSON object: ") +
                                  parseError.errorString(),
                              {}});
        registryCall.body = body.object();
    }
    const RegistryService::Reply reply = (m_registry->*Operation)(registryCall);
    return reply.ok() ? json(200, reply.value()) : controlError(reply.error());
}

const QList<RestApi::Route> &RestApi::routes()
{
    using R = RegistryService;
    constexpr ApiPlane control = ApiPlane::Control;
    constexpr ApiPlane data = ApiPlane::Data;
    // Literal paths come before "{}" ones where both could match.
    static const QList<Route> table = {
        {"GET", "/things", control, &RestApi::registry<&R::listThings>},
        {"GET", "/things/{}", control, &RestApi::registry<&R::describeThing>},
        {"POST", "/things/{}", control, &RestApi::registry<&R::createThing>},
        {"PATCH", "/things/{}", control, &RestApi::registry<&R::updateThing>},
        {"DELETE", "/things/{}", control, &RestApi::registry<&R::deleteThing>},
        {"GET", "/things/{}/thing-groups", control,
         &RestApi::registry<&R::listThingGroupsForThing>},
        {"GET", "/things/{}/principals", control, &RestApi::registry<&R::listThingPrincipals>},
        {"PUT", "/things/{}/principals", control, &RestApi::registry<&R::attachThingPrincipal>},
        {"DELETE", "/things/{}/principals", control, &RestApi::registry<&R::detachThingPrincipal>},
        {"GET", "/endpoint", control, &RestApi::registry<&R::describeEndpoint>},
        {"GET", "/thing-types", control, &RestApi::registry<&R::listThingTypes>},
        {"GET", "/thing-types/{}", control, &RestApi::registry<&R::describeThingType>},
        {"POST", "/thing-types/{}", control, &RestApi::registry<&R::createThingType>},
        {"GET", "/thing-groups", control, &RestApi::registry<&R::listThingGroups>},
        {"PUT", "/thing-groups/addThingToThingGroup", control,
         &RestApi::registry<&R::addThingToThingGroup>},
        {"POST", "/thing-groups/{}", control, &RestApi::registry<&R::createThingGroup>},
        {"GET", "/things/{}/shadow", data, &RestApi::getShadow},
        {"POST", "/things/{}/shadow", data, &RestApi::updateShadow},
        {"DELETE", "/things/{}/shadow", data, &RestApi::deleteShadow},
        {"GET", "/api/things/shadow/ListNamedShadowsForThing/{}", data, &RestApi::listNamedShadows},
        {"POST", "/topics/{}", data, &RestApi::publish},
    };
    return table;
}

HttpResponse RestApi::dispatch(const HttpRequest &request, const Route &route,
                               const QStringList &params)
{
    const auto caller = m_authenticator->authenticate(request, route.plane);
    if (!caller.ok())
        return authError(caller.error());
    if (shouldThrottle()) {
        const QString message = QStringLiteral("Rate exceeded");
        if (route.plane == ApiPlane::Control)
            return controlError(
                RegistryError{400, QStringLiteral("ThrottlingException"), message, {}});
        return dataError(429, QStringLiteral("ThrottlingException"), message);
    }
    return (this->*route.handler)(RouteCall{request, params, parseQuery(request.query())});
}

HttpResponse RestApi::unrouted(const HttpRequest &request, std::optional<ApiPlane> pathPlane)
{
    if (!request.hasHeader("authorization"))
        return authError(AuthFailure{403, QStringLiteral("MissingAuthenticationTokenException"),
                                     QStringLiteral("Missing Authentication Token")});
    if (pathPlane == ApiPlane::Data)
        return dataError(405, QStringLiteral("MethodNotAllowedException"),
                         QStringLiteral("The specified combination of HTTP verb and URI is not "
                                        "supported."));
    return json(
        404,
        QJsonObject{{jsonKey("message"), QStringLiteral("No operation of the sandbox matches %1 %2")
                                             .arg(QString::fromLatin1(request.method),
                                                  QString::fromUtf8(request.path()))}},
        "UnknownOperationException");
}

bool RestApi::shouldThrottle()
{
    if (m_throttle.isOff())
        return false;
    ++m_requestCount;
    if (m_throttle.everyNth > 0 && m_requestCount % quint64(m_throttle.everyNth) == 0)
        return true;
    if (m_throttle.maxPerSecond <= 0)
        return false;
    const double elapsed = double(m_sinceRefill.restart()) / 1000.0;
    const double burst = std::max(1.0, m_throttle.maxPerSecond);
    m_tokens = std::min(burst, m_tokens + elapsed * m_throttle.maxPerSecond);
    if (m_tokens < 1.0)
        return true;
    m_tokens -= 1.0;
    return false;
}

// ---- data plane ----------------------------------------------------------------------------

HttpResponse RestApi::getShadow(const RouteCall &call)
{
    const QString name = call.query.value(jsonKey("name"));
    if (call.query.contains(jsonKey("name")) && name.isEmpty())
        return shadowResponse(fail(ShadowError{400, QStringLiteral("Invalid shadow name"), {}}));
    return shadowResponse(m_shadows->getShadow(call.params.value(0), name));
}

HttpResponse RestApi::updateShadow(const RouteCall &call)
{
    const QString name = call.query.value(jsonKey("name"));
    if (call.query.contains(jsonKey("name")) && name.isEmpty())
        return shadowResponse(fail(ShadowError{400, QStringLiteral("Invalid shadow name"), {}}));
    if (call.request.body.size() > ShadowService::kMaxPublishBytes)
        return shadowResponse(fail(ShadowError::payloadTooLarge()));
    return shadowResponse(m_shadows->updateShadow(call.params.value(0), name, call.request.body));
}

HttpResponse RestApi::deleteShadow(const RouteCall &call)
{
    const QString name = call.query.value(jsonKey("name"));
    if (call.query.contains(jsonKey("name")) && name.isEmpty())
        return shadowResponse(fail(ShadowError{400, QStringLiteral("Invalid shadow name"), {}}));
    return shadowResponse(m_shadows->deleteShadow(call.params.value(0), name));
}

HttpResponse RestApi::listNamedShadows(const RouteCall &call)
{
    const auto pageSize = parseInt(call.query, "pageSize", 0);
    if (!pageSize || (call.query.contains(jsonKey("pageSize")) && *pageSize < 1))
        return shadowResponse(
            fail(ShadowError{400, QStringLiteral("pageSize must be between 1 and 100"), {}}));
    return shadowResponse(m_shadows->listNamedShadows(
        call.params.value(0), call.query.value(jsonKey("nextToken")), *pageSize));
}

HttpResponse RestApi::publish(const RouteCall &call)
{
    const auto qos = parseInt(call.query, "qos", 0);
    const auto retain = parseBool(call.query, "retain");
    if (!qos || !retain)
        return dataError(400, QStringLiteral("InvalidRequestException"),
                         QStringLiteral("qos must be 0 or 1 and retain true or false"));
    if (auto error = m_shadows->publish(call.params.value(0), call.request.body, *qos, *retain))
        return dataError(error->code, error->awsErrorType(), error->message);
    return json(200, QJsonObject{{jsonKey("message"), QStringLiteral("OK")},
                                 {jsonKey("traceId"), QString::fromLatin1(newRequestId())}});
}

// ---- responses -----------------------------------------------------------------------------

HttpResponse RestApi::shadowResponse(const ShadowReply &reply) const
{
    if (reply.ok())
        return json(200, reply.value());
    const ShadowError &error = reply.error();
    const QDateTime now = m_clock ? m_clock() : QDateTime::currentDateTimeUtc();
    return json(error.code, error.toJson(now.toSecsSinceEpoch()), error.awsErrorType().toLatin1());
}

HttpResponse RestApi::controlError(const RegistryError &error) const
{
    return json(error.httpStatus, error.toJson(), error.code.toLatin1() + kCoralSuffix);
}

HttpResponse RestApi::dataError(int status, const QString &code, const QString &message) const
{
    return json(status, QJsonObject{{jsonKey("message"), message}}, code.toLatin1());
}

HttpResponse RestApi::authError(const AuthFailure &failure) const
{
    return json(failure.httpStatus, QJsonObject{{jsonKey("message"), failure.message}},
                failure.code.toLatin1());
}

HttpResponse RestApi::json(int status, const QJsonObject &body, const QByteArray &errorType) const
{
    HttpResponse response;
    response.status = status;
    response.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    response.headers.append(HttpHeader{"Content-Type", "application/json"});
    response.headers.append(HttpHeader{"x-amzn-RequestId", newRequestId()});
    response.headers.append(
        HttpHeader{"Date", httpDate(m_clock ? m_clock() : QDateTime::currentDateTimeUtc())});
    if (!errorType.isEmpty())
        response.headers.append(HttpHeader{"x-amzn-ErrorType", errorType});
    return response;
}

} // namespace thingdeck
