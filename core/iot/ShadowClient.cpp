#include "iot/ShadowClient.h"

#include "JsonKey.h"
#include "iot/IotCall.h"
#include "iot/IotEndpoints.h"
#include "iot/ShadowUpdate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>

#include <memory>

namespace thingdeck {

namespace {

// Publish payloads have the MQTT message limit (aws-iot.md §6).
constexpr int kMaxPublishBytes = 128 * 1024;

AwsRequest dataRequest(const QUrl &base, const QByteArray &method, const QStringList &path)
{
    AwsRequest request;
    request.method = method;
    request.endpoint = base;
    request.signingService = QStringLiteral("iotdata");
    request.pathSegments = path;
    return request;
}

// /things/{thing}/shadow, with ?name= for a named shadow (aws-iot.md §4).
AwsRequest shadowRequest(const QUrl &base, const QByteArray &method, const ThingName &thing,
                         const ShadowName &shadow)
{
    AwsRequest request =
        dataRequest(base, method, {jsonKey("things"), thing.toString(), jsonKey("shadow")});
    if (!shadow.isClassic())
        request.query.append({jsonKey("name"), shadow.toString()});
    return request;
}

Result<ShadowSnapshot, QString> snapshotOf(const ThingName &thing, const ShadowName &shadow,
                                           const QJsonObject &json)
{
    const QJsonValue version = json.value(jsonKey("version"));
    if (!version.isDouble())
        return fail(QStringLiteral("no \"version\""));
    // Read through the service's own document type: the GET answer has the stored form's
    // state and metadata sections (and a delta, which ShadowDocument computes itself).
    const QJsonObject stored{{jsonKey("exists"), true},
                             {jsonKey("version"), version},
                             {jsonKey("state"), json.value(jsonKey("state")).toObject()},
                             {jsonKey("metadata"), json.value(jsonKey("metadata")).toObject()}};
    auto document = ShadowDocument::fromJson(stored);
    if (!document.ok())
        return fail(document.error());
    return ShadowSnapshot{thing.toString(), shadow.toString(), document.value(),
                          json.value(jsonKey("timestamp")).toInteger(), json};
}

Result<ShadowAccepted, QString> acceptedOf(const ThingName &thing, const ShadowName &shadow,
                                           const QJsonObject &json)
{
    const QJsonValue version = json.value(jsonKey("version"));
    if (!version.isDouble())
        return fail(QStringLiteral("no \"version\""));
    return ShadowAccepted{thing.toString(),
                          shadow.toString(),
                          version.toInteger(),
                          json.value(jsonKey("timestamp")).toInteger(),
                          json.value(jsonKey("clientToken")).toString(),
                          json};
}

Result<int, QString> appendNames(const QJsonObject &page, QStringList &names)
{
    const QJsonValue results = page.value(jsonKey("results"));
    if (!results.isArray())
        return fail(QStringLiteral("\"results\" is not an array"));
    for (const auto &name : results.toArray()) {
        if (!name.isString() || name.toString().isEmpty())
            return fail(QStringLiteral("a shadow name is not a string"));
        names.append(name.toString());
    }
    return int(results.toArray().size());
}

QString publishProblem(const QByteArray &payload, int qos)
{
    if (qos != 0 && qos != 1)
        return QStringLiteral("QoS %1 is not supported; AWS IoT accepts 0 or 1.").arg(qos);
    if (payload.size() > kMaxPublishBytes)
        return QStringLiteral("The payload is %1 bytes; AWS IoT accepts at most %2.")
            .arg(payload.size())
            .arg(kMaxPublishBytes);
    return {};
}

} // namespace

ShadowClient::ShadowClient(IotEndpoints *endpoints, QObject *parent)
    : QObject(parent)
    , m_endpoints(endpoints)
{}

void ShadowClient::getShadow(const ThingName &thing, const ShadowName &shadow, QObject *context,
                             IotCallback<ShadowSnapshot> callback)
{
    sendToDataPlane<ShadowSnapshot>(
        context,
        [thing, shadow](const QUrl &base) { return shadowRequest(base, "GET", thing, shadow); },
        std::move(callback),
        [thing, shadow](const AwsResponse &response) {
            return snapshotOf(thing, shadow, response.json.object());
        });
}

void ShadowClient::updateShadow(const ThingName &thing, const ShadowName &shadow,
                                const QJsonObject &document, std::optional<qint64> basedOnVersion,
                                QObject *context, IotCallback<ShadowAccepted> callback)
{
    const QByteArray body = updateBody(document, basedOnVersion);
    if (const auto checked = ShadowUpdate::parse(body); !checked.ok()) {
        IotCall::post<ShadowAccepted>(context, std::move(callback),
                                      fail(IotError::invalidArgument(checked.error().message)));
        return;
    }
    const auto build = [thing, shadow, body](const QUrl &base) {
        AwsRequest request = shadowRequest(base, "POST", thing, shadow);
        request.body = body;
        request.contentType = "application/json";
        return request;
    };
    sendToDataPlane<ShadowAccepted>(context, build, std::move(callback),
                                    [thing, shadow](const AwsResponse &response) {
                                        return acceptedOf(thing, shadow, response.json.object());
                                    });
}

void ShadowClient::deleteShadow(const ThingName &thing, const ShadowName &shadow, QObject *context,
                                IotCallback<ShadowAccepted> callback)
{
    sendToDataPlane<ShadowAccepted>(
        context,
        [thing, shadow](const QUrl &base) { return shadowRequest(base, "DELETE", thing, shadow); },
        std::move(callback),
        [thing, shadow](const AwsResponse &response) {
            return acceptedOf(thing, shadow, response.json.object());
        });
}

void ShadowClient::listNamedShadows(const ThingName &thing, QObject *context,
                                    IotCallback<QStringList> callback)
{
    QPointer<ShadowClient> self = this;
    m_endpoints->resolveDataPlane(context, [self, thing, context, callback = std::move(callback)](
                                               const Result<QUrl, IotError> &base) {
        if (!base.ok()) {
            callback(fail(base.error()));
            return;
        }
        AwsRequest first = dataRequest(base.value(), "GET",
                                       {jsonKey("api"), jsonKey("things"), jsonKey("shadow"),
                                        jsonKey("ListNamedShadowsForThing"), thing.toString()});
        first.query.append({jsonKey("pageSize"), QString::number(kMaxPageSize)});
        if (self)
            self->pageNamedShadows(first, context, callback);
    });
}

void ShadowClient::publish(const TopicName &topic, const QByteArray &payload, int qos, bool retain,
                           QObject *context, IotCallback<std::monostate> callback)
{
    if (const QString problem = publishProblem(payload, qos); !problem.isEmpty()) {
        IotCall::post<std::monostate>(context, std::move(callback),
                                      fail(IotError::invalidArgument(problem)));
        return;
    }
    const auto build = [topic, payload, qos, retain](const QUrl &base) {
        // The topic is one path segment: its '/' and '$' go out percent-encoded (§4).
        AwsRequest request = dataRequest(base, "POST", {jsonKey("topics"), topic.toString()});
        request.query = {{jsonKey("qos"), QString::number(qos)},
                         {jsonKey("retain"), retain ? jsonKey("true") : jsonKey("false")}};
        request.body = payload;
        request.contentType = "application/octet-stream";
        return request;
    };
    sendToDataPlane<std::monostate>(context, build, std::move(callback), [](const AwsResponse &) {
        return Result<std::monostate, QString>(std::monostate());
    });
}

QByteArray ShadowClient::updateBody(const QJsonObject &document,
                                    std::optional<qint64> basedOnVersion)
{
    QJsonObject body = document;
    if (basedOnVersion)
        body.insert(jsonKey("version"), *basedOnVersion);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

template<typename T, typename Parse>
void ShadowClient::sendToDataPlane(QObject *context, RequestFor build, IotCallback<T> callback,
                                   Parse parse)
{
    QPointer<IotEndpoints> endpoints = m_endpoints;
    m_endpoints->resolveDataPlane(
        context, [endpoints, context, build = std::move(build), callback = std::move(callback),
                  parse = std::move(parse)](const Result<QUrl, IotError> &base) {
            if (!base.ok()) {
                callback(fail(base.error()));
                return;
            }
            if (endpoints)
                IotCall::send<T>(endpoints->client(), build(base.value()), context, callback,
                                 parse);
        });
}

void ShadowClient::pageNamedShadows(const AwsRequest &first, QObject *context,
                                    IotCallback<QStringList> callback)
{
    auto names = std::make_shared<QStringList>();
    ListPager::Listing listing;
    listing.request = [first](const QString &token) {
        AwsRequest page = first;
        if (!token.isEmpty())
            page.query.append({jsonKey("nextToken"), token});
        return page;
    };
    listing.take = [names](const QJsonObject &page) {
        return appendNames(page, *names);
    };
    listing.finished = [names, callback = std::move(callback)](const IotOutcome &outcome) {
        if (outcome.ok())
            callback(*names);
        else
            callback(fail(outcome.error()));
    };
    m_pager.start(m_endpoints->client(), std::move(listing), context);
}

} // namespace thingdeck
