#pragma once

#include "iot/IotError.h"
#include "iot/ListPager.h"
#include "iot/ThingAttributeUpdate.h"
#include "iot/ThingDescription.h"
#include "iot/ThingGroupSummary.h"
#include "iot/ThingName.h"
#include "iot/ThingPage.h"
#include "iot/ThingQuery.h"
#include "iot/ThingSummary.h"
#include "iot/ThingTypeSummary.h"

#include <QObject>
#include <QStringList>

namespace thingdeck {

class IotEndpoints;

/// The AWS IoT registry (control plane, aws-iot.md §3): list things (a page, or every page
/// with progress and cancel), describe a thing, its groups and principals, list thing types,
/// update attributes. Requests go through the IotEndpoints' AwsClient, signed for "iot".
///
/// Every call reports once, on the event loop, to a callback bound to `context` (nothing is
/// reported once `context` is destroyed; it must not be null). Arguments that break AWS's
/// rules are refused with IotError::Kind::InvalidArgument before any request is sent.
class RegistryClient : public QObject
{
    Q_OBJECT
public:
    using ListId = ListPager::Id;
    /// Things and pages received so far, after every page of listAllThings.
    using Progress = ListPager::Progress;

    /// The page size listAllThings uses when the query names none: AWS's largest, for the
    /// fewest requests.
    static constexpr int kAllPagesMaxResults = ThingQuery::kMaxResults;

    /// `endpoints` must outlive this client.
    explicit RegistryClient(IotEndpoints *endpoints, QObject *parent = nullptr);

    /// ListThings: one page, starting at `nextToken` (empty for the first page).
    void listThings(const ThingQuery &query, const QString &nextToken, QObject *context,
                    IotCallback<ThingPage> callback);
    /// ListThings through every page, one request at a time: `progress` (optional) after each
    /// page, then `callback` with all things in AWS's order. Returns the id for cancel(), or
    /// 0 when the query is refused (the callback then gets the InvalidArgument error).
    ListId listAllThings(const ThingQuery &query, QObject *context, Progress progress,
                         IotCallback<QList<ThingSummary>> callback);
    /// Stops a listAllThings: no further request; its callback gets a Cancelled error.
    /// Unknown or finished ids are ignored, so it may be called from the progress callback.
    void cancel(ListId id);

    void describeThing(const ThingName &thing, QObject *context,
                       IotCallback<ThingDescription> callback);
    /// DescribeEndpoint for iot:Data-ATS: the account's data address (a host name), asked of
    /// AWS once per profile and region (see IotEndpoints).
    void describeDataEndpoint(QObject *context, IotCallback<QString> callback);
    /// ListThingTypes, every page.
    void listThingTypes(QObject *context, IotCallback<QList<ThingTypeSummary>> callback);
    /// ListThingGroupsForThing, every page: the groups the thing is directly in.
    void listThingGroupsForThing(const ThingName &thing, QObject *context,
                                 IotCallback<QList<ThingGroupSummary>> callback);
    /// ListThingPrincipals, every page: ARNs of the certificates and identities attached.
    void listThingPrincipals(const ThingName &thing, QObject *context,
                             IotCallback<QStringList> callback);
    /// UpdateThing with new attributes. A stale `expectedVersion` fails as Kind::Conflict.
    void updateThingAttributes(const ThingName &thing, const ThingAttributeUpdate &update,
                               QObject *context, IotCallback<std::monostate> callback);

private:
    Result<AwsRequest, IotError>
    request(const QByteArray &method, const QStringList &path,
            const QList<std::pair<QString, QString>> &query = {}) const;
    template<typename T, typename Read>
    void listAll(const QStringList &path, const char *member, Read read, QObject *context,
                 IotCallback<QList<T>> callback);
    template<typename T, typename Read>
    ListId startListing(const AwsRequest &first, const char *member, Read read, QObject *context,
                        Progress progress, IotCallback<QList<T>> callback);

    IotEndpoints *m_endpoints;
    ListPager m_pager;
};

} // namespace thingdeck
