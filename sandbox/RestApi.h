#pragma once

#include "HttpServer.h"
#include "RegistryService.h"
#include "RequestAuthenticator.h"
#include "ShadowService.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QStringList>

#include <functional>
#include <optional>

namespace thingdeck {

/// When the sandbox pretends to be overloaded (the `--throttle` option), so that clients'
/// retry paths can be tried: the control plane then answers 400 ThrottlingException, the data
/// plane 429 ThrottlingException, as AWS does (aws-iot.md §8 item 7).
struct ThrottlePolicy
{
    int everyNth = 0;        ///< every Nth authenticated request is refused; 0 = off
    double maxPerSecond = 0; ///< requests beyond this rate are refused; 0 = off

    bool isOff() const { return everyNth <= 0 && maxPerSecond <= 0; }
    /// "N" (every Nth request, N ≥ 1) or "R/s" (at most R requests per second, R > 0);
    /// nullopt for anything else.
    static std::optional<ThrottlePolicy> parse(const QString &text);
};

/// The sandbox's HTTPS REST endpoint: routes every request from the HttpServer to the
/// RequestAuthenticator and then to the RegistryService (control plane, signed for "iot" or
/// "execute-api") or the ShadowService (data plane, signed for "iotdata"), and writes AWS's
/// response format: JSON bodies, `x-amzn-RequestId` on every response, `x-amzn-ErrorType` on
/// errors. Both planes share the one endpoint, as /things/{name} (control) and
/// /things/{name}/shadow (data) do not overlap. Path segments are percent-decoded once, so the
/// topic of `/topics/a%2Fb` is `a/b`.
///
/// Unknown routes: an unsigned request gets 403 MissingAuthenticationTokenException (what AWS's
/// front end answers to any unsigned request); a signed one gets 404 UnknownOperationException.
/// A known data-plane path with another method gets 405 MethodNotAllowedException.
class RestApi : public QObject
{
    Q_OBJECT
public:
    using Clock = std::function<QDateTime()>;

    /// The collaborators must outlive the RestApi. `clock` (default: the system clock) gives
    /// the Date header, so that a skewed sandbox also looks skewed to clients.
    RestApi(RequestAuthenticator *authenticator, RegistryService *registry, ShadowService *shadows,
            Clock clock = {}, QObject *parent = nullptr);
    ~RestApi() override;
    Q_DISABLE_COPY_MOVE(RestApi)

    /// The HttpServer handler: answers at once through `responder`.
    void handle(const HttpRequest &request, HttpResponder responder);
    /// The response to one request (what handle() sends).
    HttpResponse respond(const HttpRequest &request);

    void setThrottle(const ThrottlePolicy &policy);

private:
    struct Route;
    struct RouteCall;
    using Handler = HttpResponse (RestApi::*)(const RouteCall &);

    static const QList<Route> &routes();
    HttpResponse dispatch(const HttpRequest &request, const Route &route,
                          const QStringList &params);
    HttpResponse unrouted(const HttpRequest &request, std::optional<ApiPlane> pathPlane);
    bool shouldThrottle();

    template<RegistryService::Reply (RegistryService::*Operation)(const RegistryCall &)>
    HttpResponse registry(const RouteCall &call);
    HttpResponse getShadow(const RouteCall &call);
    HttpResponse updateShadow(const RouteCall &call);
    HttpResponse deleteShadow(const RouteCall &call);
    HttpResponse listNamedShadows(const RouteCall &call);
    HttpResponse publish(const RouteCall &call);

    HttpResponse shadowResponse(const ShadowReply &reply) const;
    HttpResponse controlError(const RegistryError &error) const;
    HttpResponse dataError(int status, const QString &code, const QString &message) const;
    HttpResponse authError(const AuthFailure &failure) const;
    HttpResponse json(int status, const QJsonObject &body, const QByteArray &errorType = {}) const;

    RequestAuthenticator *m_authenticator;
    RegistryService *m_registry;
    ShadowService *m_shadows;
    Clock m_clock;
    ThrottlePolicy m_throttle;
    quint64 m_requestCount = 0;
    double m_tokens = 0;
    QElapsedTimer m_sinceRefill;
};

} // namespace thingdeck
