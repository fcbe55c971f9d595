#include "iot/RegistryClient.h"

#include "iot/IotCall.h"
#include "iot/IotEndpoints.h"
#include "iot/RegistryJson.h"

#include <QJsonDocument>

#include <memory>

namespace thingdeck {

namespace {

using QueryItems = QList<std::pair<QString, QString>>;

QString nextTokenKey()
{
    return QStringLiteral("nextToken");
}

// The first page's request with `nextToken` added (or replaced) for a later page.
AwsRequest pageRequest(AwsRequest request, const QString &nextToken)
{
    request.query.removeIf([](const auto &item) { return item.first == nextTokenKey(); });
    if (!nextToken.isEmpty())
        request.query.append({nextTokenKey(), nextToken});
    return request;
}

} // namespace

RegistryClient::RegistryClient(IotEndpoints *endpoints, QObject *parent)
    : QObject(parent)
    , m_endpoints(endpoints)
{}

void RegistryClient::listThings(const ThingQuery &query, const QString &nextToken, QObject *context,
                                IotCallback<ThingPage> callback)
{
    if (const QString problem = query.validate(); !problem.isEmpty()) {
        IotCall::post<ThingPage>(context, std::move(callback),
                                 fail(IotError::invalidArgument(problem)));
        return;
    }
    const auto first = request("GET", {QStringLiteral("things")}, query.toQueryItems());
    if (!first.ok()) {
        IotCall::post<ThingPage>(context, std::move(callback), fail(first.error()));
        return;
    }
    IotCall::send<ThingPage>(m_endpoints->client(), pageRequest(first.value(), nextToken), context,
                             std::move(callback), [](const AwsResponse &response) {
                                 return RegistryJson::thingPage(response.json.object());
                             });
}

RegistryClient::ListId RegistryClient::listAllThings(const ThingQuery &query, QObject *context,
                                                     Progress progress,
                                                     IotCallback<QList<ThingSummary>> callback)
{
    ThingQuery paged = query;
    if (paged.maxResults == 0)
        paged.maxResults = kAllPagesMaxResults;
    const QString problem = paged.validate();
    const auto first = problem.isEmpty()
                           ? request("GET", {QStringLiteral("things")}, paged.toQueryItems())
                           : fail(IotError::invalidArgument(problem));
    if (!first.ok()) {
        IotCall::post<QList<ThingSummary>>(context, std::move(callback), fail(first.error()));
        return 0;
    }
    return startListing<ThingSummary>(first.value(), "things", &RegistryJson::thingSummary, context,
                                      std::move(progress), std::move(callback));
}

void RegistryClient::cancel(ListId id)
{
    m_pager.cancel(id);
}

void RegistryClient::describeThing(const ThingName &thing, QObject *context,
                                   IotCallback<ThingDescription> callback)
{
    const auto call = request("GET", {QStringLiteral("things"), thing.toString()});
    if (!call.ok()) {
        IotCall::post<ThingDescription>(context, std::move(callback), fail(call.error()));
        return;
    }
    IotCall::send<ThingDescription>(m_endpoints->client(), call.value(), context,
                                    std::move(callback), [](const AwsResponse &response) {
                                        return RegistryJson::thingDescription(
                                            response.json.object());
                                    });
}

void RegistryClient::describeDataEndpoint(QObject *context, IotCallback<QString> callback)
{
    m_endpoints->describeDataEndpoint(context, std::move(callback));
}

void RegistryClient::listThingTypes(QObject *context, IotCallback<QList<ThingTypeSummary>> callback)
{
    listAll<ThingTypeSummary>({QStringLiteral("thing-types")}, "thingTypes",
                              &RegistryJson::thingType, context, std::move(callback));
}

void RegistryClient::listThingGroupsForThing(const ThingName &thing, QObject *context,
                                             IotCallback<QList<ThingGroupSummary>> callback)
{
    listAll<ThingGroupSummary>(
        {QStringLiteral("things"), thing.toString(), QStringLiteral("thing-groups")}, "thingGroups",
        &RegistryJson::thingGroup, context, std::move(callback));
}

void RegistryClient::listThingPrincipals(const ThingName &thing, QObject *context,
                                         IotCallback<QStringList> callback)
{
    listAll<QString>({QStringLiteral("things"), thing.toString(), QStringLiteral("principals")},
                     "principals", &RegistryJson::principal, context, std::move(callback));
}

void RegistryClient::updateThingAttributes(const ThingName &thing,
                                           const ThingAttributeUpdate &update, QObject *context,
                                           IotCallback<std::monostate> callback)
{
    const QString problem = update.validate();
    auto call = problem.isEmpty() ? request("PATCH", {QStringLiteral("things"), thing.toString()})
                                  : fail(IotError::invalidArgument(problem));
    if (!call.ok()) {
        IotCall::post<std::monostate>(context, std::move(callback), fail(call.error()));
        return;
    }
    call.value().body = QJsonDocument(update.toJson()).toJson(QJsonDocument::Compact);
    call.value().contentType = "application/json";
    IotCall::send<std::monostate>(
        m_endpoints->client(), call.value(), context, std::move(callback),
        [](const AwsResponse &) { return Result<std::monostate, QString>(std::monostate()); });
}

Result<AwsRequest, IotError> RegistryClient::request(const QByteArray &method,
                                                     const QStringList &path,
                                                     const QueryItems &query) const
{
    const auto base = m_endpoints->controlPlaneUrl();
    if (!base.ok())
        return fail(base.error());
    AwsRequest out;
    out.method = method;
    out.endpoint = base.value();
    out.signingService = QStringLiteral("iot");
    out.pathSegments = path;
    out.query = query;
    return out;
}

template<typename T, typename Read>
void RegistryClient::listAll(const QStringList &path, const char *member, Read read,
                             QObject *context, IotCallback<QList<T>> callback)
{
    const QueryItems query{{QStringLiteral("maxResults"), QString::number(kAllPagesMaxResults)}};
    const auto first = request("GET", path, query);
    if (!first.ok()) {
        IotCall::post<QList<T>>(context, std::move(callback), fail(first.error()));
        return;
    }
    startListing<T>(first.value(), member, read, context, {}, std::move(callback));
}

template<typename T, typename Read>
RegistryClient::ListId RegistryClient::startListing(const AwsRequest &first, const char *member,
                                                    Read read, QObject *context, Progress progress,
                                                    IotCallback<QList<T>> callback)
{
    // The items live with the listing's callbacks until it finishes.
    auto items = std::make_shared<QList<T>>();
    ListPager::Listing listing;
    listing.request = [first](const QString &token) {
        return pageRequest(first, token);
    };
    listing.take = [items, member, read](const QJsonObject &page) {
        return RegistryJson::appendItems(page, member, read, *items);
    };
    listing.progress = std::move(progress);
    listing.finished = [items, callback = std::move(callback)](const IotOutcome &outcome) {
        if (outcome.ok())
            callback(*items);
        else
            callback(fail(outcome.error()));
    };
    return m_pager.start(m_endpoints->client(), std::move(listing), context);
}

} // namespace thingdeck
