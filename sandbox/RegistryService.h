#pragma once

#include "Result.h"
#include "StateStore.h"

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QString>

#include <functional>
#include <optional>

namespace thingdeck {

/// Who the sandbox pretends to be, for ARNs and DescribeEndpoint.
struct RegistryOptions
{
    QString region = QStringLiteral("us-east-1");
    QString accountId = QStringLiteral("123456789012");
    QString endpointAddress; ///< what DescribeEndpoint answers: the sandbox's MQTT host
};

/// A control-plane request once HTTP is taken off: the resource name from the path
/// (percent-decoded), the decoded query parameters, the JSON body and the x-amzn-principal
/// header (Attach/DetachThingPrincipal).
struct RegistryCall
{
    QString name;
    QMap<QString, QString> query;
    QJsonObject body;
    QString principal;
};

/// A refused control-plane request the way AWS IoT answers it: HTTP status, the error code
/// for x-amzn-ErrorType, and the body `{"message": …}` plus members some errors carry
/// (`resourceId`, `resourceArn`).
struct RegistryError
{
    int httpStatus = 400;
    QString code;
    QString message;
    QJsonObject extra;

    QJsonObject toJson() const;
    bool operator==(const RegistryError &) const = default;
};

/// The AWS IoT registry (control plane, aws-iot.md §3) on top of the StateStore: things with
/// attributes, types, versions and ids; thing types; static thing groups and memberships;
/// attached principals; DescribeEndpoint. Requests are validated with AWS's length limits and
/// name patterns and refused with AWS's error codes; list operations page with an opaque
/// `nextToken` that continues after the last name returned, so that a listing returns every
/// item exactly once even while items are added or removed. Every operation takes a
/// RegistryCall and answers the JSON body of the success response or the error.
class RegistryService
{
public:
    using Clock = std::function<QDateTime()>;
    using Reply = Result<QJsonObject, RegistryError>;

    /// The page size when a list request gives no maxResults. AWS does not document its
    /// default; the AWS CLI pages through everything regardless.
    static constexpr int kDefaultMaxResults = 50;
    /// AWS's attribute limits per thing: 3 without a thing type, 50 with one.
    static constexpr int kMaxUntypedAttributes = 3;
    static constexpr int kMaxTypedAttributes = 50;

    RegistryService(StateStore *store, RegistryOptions options, Clock clock = {});

    Reply listThings(const RegistryCall &call);
    Reply describeThing(const RegistryCall &call);
    /// Idempotent: the same name and configuration again answers as the first time.
    Reply createThing(const RegistryCall &call);
    Reply updateThing(const RegistryCall &call);
    /// Succeeds for a thing that does not exist, as AWS does.
    Reply deleteThing(const RegistryCall &call);
    Reply describeEndpoint(const RegistryCall &call);

    Reply listThingTypes(const RegistryCall &call);
    Reply describeThingType(const RegistryCall &call);
    Reply createThingType(const RegistryCall &call);

    Reply listThingGroups(const RegistryCall &call);
    Reply createThingGroup(const RegistryCall &call);
    Reply addThingToThingGroup(const RegistryCall &call);
    Reply listThingGroupsForThing(const RegistryCall &call);

    Reply listThingPrincipals(const RegistryCall &call);
    Reply attachThingPrincipal(const RegistryCall &call);
    Reply detachThingPrincipal(const RegistryCall &call);

    QString thingArn(const QString &thingName) const;
    QString thingTypeArn(const QString &typeName) const;
    QString thingGroupArn(const QString &groupName) const;
    const RegistryOptions &options() const { return m_options; }

private:
    Result<const ThingRecord *, RegistryError> existingThing(const QString &name) const;
    std::optional<RegistryError> checkThingType(const QString &typeName) const;
    std::optional<RegistryError> applyUpdate(ThingRecord &thing, const QJsonObject &body) const;
    std::optional<RegistryError> checkAttributeCount(const ThingRecord &thing) const;
    Result<ThingRecord, RegistryError> thingFromCreate(const RegistryCall &call) const;
    Result<ThingTypeRecord, RegistryError> typeFromCreate(const RegistryCall &call) const;
    Result<ThingGroupRecord, RegistryError> groupFromCreate(const RegistryCall &call) const;
    Reply saveThing(const ThingRecord &thing, const QJsonObject &answer);
    bool isInGroupTree(const ThingGroupRecord &group, const QString &ancestor) const;
    QJsonObject thingSummary(const ThingRecord &thing) const;
    QJsonObject thingTypeJson(const ThingTypeRecord &type) const;
    QJsonObject groupSummary(const QString &groupName) const;
    QString arn(const QString &resource, const QString &name) const;
    qint64 nowMs() const;

    StateStore *m_store;
    RegistryOptions m_options;
    Clock m_clock;
};

} // namespace thingdeck
