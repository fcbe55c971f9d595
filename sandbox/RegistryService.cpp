#include "RegistryService.h"

#include "JsonKey.h"
#include "PageToken.h"
#include "iot/IotNameRule.h"

#include <QJsonArray>
#include <QUuid>

#include <algorithm>
#include <climits>

namespace thingdeck {

namespace {

RegistryError error(int status, const char *code, const QString &message, QJsonObject extra = {})
{
    return RegistryError{status, QString::fromLatin1(code), message, std::move(extra)};
}

RegistryError invalidRequest(const QString &message)
{
    return error(400, "InvalidRequestException", message);
}

RegistryError notFound(const QString &message)
{
    return error(404, "ResourceNotFoundException", message);
}

RegistryError internalFailure(const StoreError &failure)
{
    return error(500, "InternalFailureException",
                 QStringLiteral("The sandbox could not save its state: ") + failure.toString());
}

/// A string member of a request and the AWS IoT rule it must satisfy (aws-iot.md §3).
struct Constraint
{
    const char *member;
    const IotNameRule *rule;
};

constexpr Constraint kThingName{"thingName", &kThingNameRule};
constexpr Constraint kThingTypeName{"thingTypeName", &kThingTypeNameRule};
constexpr Constraint kGroupName{"thingGroupName", &kThingGroupNameRule};
constexpr Constraint kParentGroup{"parentGroup", &kThingGroupNameRule};
constexpr Constraint kNamePrefix{"namePrefixFilter", &kThingNameRule};
constexpr Constraint kAttributeName{"attributeName", &kAttributeNameRule};
constexpr Constraint kAttributeValue{"attributeValue", &kAttributeValueRule};

// Coral's wording for a request that fails the model's constraints, which AWS IoT returns as
// InvalidRequestException.
RegistryError validationError(const QString &value, const QString &member, const QString &rule)
{
    return invalidRequest(QStringLiteral("1 validation error detected: Value '%1' at '%2' failed "
                                         "to satisfy constraint: %3")
                              .arg(value, member, rule));
}

// The rule's failure in Coral's wording (the length first, then the pattern), as AWS says it.
QString constraintText(const IotNameRule &rule, IotNameViolation::Kind kind)
{
    switch (kind) {
    case IotNameViolation::Kind::TooShort:
        return QStringLiteral("Member must have length greater than or equal to %1")
            .arg(rule.minLength);
    case IotNameViolation::Kind::TooLong:
        return QStringLiteral("Member must have length less than or equal to %1")
            .arg(rule.maxLength);
    case IotNameViolation::Kind::BadCharacter:
        break;
    }
    return QStringLiteral("Member must satisfy regular expression pattern: ") +
           QLatin1String(rule.pattern);
}

std::optional<RegistryError> validate(const QString &value, const Constraint &constraint,
                                      const QString &member = {})
{
    const auto broken = constraint.rule->violation(value);
    if (!broken)
        return std::nullopt;
    const QString at = member.isEmpty() ? QString::fromLatin1(constraint.member) : member;
    return validationError(value, at, constraintText(*constraint.rule, broken->kind));
}

std::optional<RegistryError> readInt(const QMap<QString, QString> &query, const char *name, int min,
                                     int max, int &out)
{
    const QString member = QString::fromLatin1(name);
    if (!query.contains(member))
        return std::nullopt;
    bool ok = false;
    const qlonglong value = query.value(member).toLongLong(&ok);
    if (!ok)
        return validationError(query.value(member), member,
                               QStringLiteral("Member must be a number"));
    if (value < min)
        return validationError(
            query.value(member), member,
            QStringLiteral("Member must have value greater than or equal to %1").arg(min));
    if (value > max)
        return validationError(
            query.value(member), member,
            QStringLiteral("Member must have value less than or equal to %1").arg(max));
    out = int(value);
    return std::nullopt;
}

std::optional<RegistryError> readBool(const QMap<QString, QString> &query, const char *name,
                                      std::optional<bool> &out)
{
    const QString member = QString::fromLatin1(name);
    if (!query.contains(member))
        return std::nullopt;
    const QString value = query.value(member).toLower();
    if (value != QLatin1String("true") && value != QLatin1String("false"))
        return validationError(query.value(member), member,
                               QStringLiteral("Member must be true or false"));
    out = value == QLatin1String("true");
    return std::nullopt;
}

// An optional string member of a JSON body, checked against its constraint.
std::optional<RegistryError> readString(const QJsonObject &body, const Constraint &constraint,
                                        std::optional<QString> &out, const char *member = nullptr)
{
    const QString name = QString::fromLatin1(member ? member : constraint.member);
    const QJsonValue value = body.value(name);
    if (value.isUndefined() || value.isNull())
        return std::nullopt;
    if (!value.isString())
        return invalidRequest(QStringLiteral("%1 must be a string").arg(name));
    if (auto problem = validate(value.toString(), constraint, name))
        return problem;
    out = value.toString();
    return std::nullopt;
}

using Attributes = QMap<QString, QString>;

// attributePayload.attributes: nullopt when the request does not mention attributes at all.
Result<std::optional<Attributes>, RegistryError> readAttributes(const QJsonValue &payload)
{
    const QString member = QStringLiteral("attributePayload.attributes");
    if (payload.isUndefined() || payload.isNull())
        return std::optional<Attributes>();
    const QJsonValue attributes = payload.toObject().value(jsonKey("attributes"));
    if (!payload.isObject() || !(attributes.isObject() || attributes.isUndefined()))
        return fail(invalidRequest(member + QStringLiteral(" must be an object of strings")));
    if (attributes.isUndefined())
        return std::optional<Attributes>();
    Attributes out;
    const QJsonObject object = attributes.toObject();
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!it.value().isString())
            return fail(invalidRequest(member + QStringLiteral(" values must be strings")));
        if (auto problem = validate(it.key(), kAttributeName, member))
            return fail(*problem);
        if (auto problem = validate(it.value().toString(), kAttributeValue, member))
            return fail(*problem);
        out.insert(it.key(), it.value().toString());
    }
    return std::optional<Attributes>(out);
}

Attributes withoutEmpty(Attributes attributes)
{
    attributes.removeIf([](const auto &entry) { return entry.value().isEmpty(); });
    return attributes;
}

// ---- paging --------------------------------------------------------------------------------

/// Where a list request starts and how much it wants.
struct PageRequest
{
    QString after; ///< the last name of the previous page; empty for the first page
    int maxResults = RegistryService::kDefaultMaxResults;
};

Result<PageRequest, RegistryError> readPage(const RegistryCall &call)
{
    PageRequest page;
    if (auto problem = readInt(call.query, "maxResults", 1, 250, page.maxResults))
        return fail(*problem);
    const QString token = call.query.value(jsonKey("nextToken"));
    if (token.isEmpty())
        return page;
    const auto after = PageToken::decode(token);
    if (!after)
        return fail(invalidRequest(QStringLiteral("The nextToken is not valid: ") + token));
    page.after = *after;
    return page;
}

// One page of `items` (a map sorted by name): those `match` accepts, after `page.after`. The
// nextToken appears only when another matching item exists, so the last page never has one.
template<typename Map, typename Match, typename Render>
QJsonObject listPage(const Map &items, const PageRequest &page, const char *member, Match match,
                     Render render)
{
    QJsonArray out;
    QString last;
    auto it = page.after.isEmpty() ? items.begin() : items.upper_bound(page.after);
    for (; it != items.end(); ++it) {
        if (!match(it->second))
            continue;
        if (out.size() == page.maxResults)
            return QJsonObject{{jsonKey(member), out},
                               {jsonKey("nextToken"), PageToken::encode(last)}};
        out.append(render(it->second));
        last = it->first;
    }
    return QJsonObject{{jsonKey(member), out}};
}

std::map<QString, QString> sortedSet(const QStringList &names)
{
    std::map<QString, QString> set;
    for (const QString &name : names)
        set.emplace(name, name);
    return set;
}

auto acceptAll()
{
    return [](const auto &) {
        return true;
    };
}

// ---- ListThings filter ---------------------------------------------------------------------

/// The filters of ListThings.
struct ThingFilter
{
    std::optional<QString> attributeName;
    std::optional<QString> attributeValue;
    std::optional<QString> thingTypeName;
    bool prefix = false;

    bool matches(const ThingRecord &thing) const
    {
        if (thingTypeName && thing.typeName != *thingTypeName)
            return false;
        if (!attributeName)
            return true;
        const auto it = thing.attributes.find(*attributeName);
        if (it == thing.attributes.end())
            return false;
        if (!attributeValue)
            return true;
        return prefix ? it.value().startsWith(*attributeValue) : it.value() == *attributeValue;
    }
};

Result<ThingFilter, RegistryError> readThingFilter(const QMap<QString, QString> &query)
{
    ThingFilter filter;
    const auto text = [&query](const char *name) {
        return query.value(jsonKey(name));
    };
    const std::pair<const Constraint *, std::optional<QString> *> members[] = {
        {&kAttributeName, &filter.attributeName},
        {&kAttributeValue, &filter.attributeValue},
        {&kThingTypeName, &filter.thingTypeName}};
    for (const auto &[constraint, out] : members) {
        if (!query.contains(jsonKey(constraint->member)))
            continue;
        if (auto problem = validate(text(constraint->member), *constraint))
            return fail(*problem);
        *out = text(constraint->member);
    }
    std::optional<bool> prefix;
    if (auto problem = readBool(query, "usePrefixAttributeValue", prefix))
        return fail(*problem);
    filter.prefix = prefix.value_or(false);
    return filter;
}

QString nameFromArn(const QString &arn)
{
    return arn.section(QLatin1Char('/'), -1);
}

double seconds(qint64 ms)
{
    return double(ms) / 1000.0;
}

} // namespace

QJsonObject RegistryError::toJson() const
{
    QJsonObject json = extra;
    json.insert(jsonKey("message"), message);
    return json;
}

RegistryService::RegistryService(StateStore *store, RegistryOptions options, Clock clock)
    : m_store(store)
    , m_options(std::move(options))
    , m_clock(std::move(clock))
{}

// ---- things --------------------------------------------------------------------------------

RegistryService::Reply RegistryService::listThings(const RegistryCall &call)
{
    const auto page = readPage(call);
    if (!page.ok())
        return fail(page.error());
    const auto filter = readThingFilter(call.query);
    if (!filter.ok())
        return fail(filter.error());
    return listPage(
        m_store->things(), page.value(), "things",
        [&filter](const ThingRecord &thing) { return filter.value().matches(thing); },
        [this](const ThingRecord &thing) { return thingSummary(thing); });
}

RegistryService::Reply RegistryService::describeThing(const RegistryCall &call)
{
    const auto found = existingThing(call.name);
    if (!found.ok())
        return fail(found.error());
    const ThingRecord &thing = *found.value();
    QJsonObject answer = thingSummary(thing);
    answer.insert(jsonKey("defaultClientId"), thing.name);
    answer.insert(jsonKey("thingId"), thing.id);
    return answer;
}

RegistryService::Reply RegistryService::createThing(const RegistryCall &call)
{
    const auto wanted = thingFromCreate(call);
    if (!wanted.ok())
        return fail(wanted.error());
    const ThingRecord &thing = wanted.value();
    const ThingRecord *existing = m_store->thing(thing.name);
    const QString id = existing ? existing->id : thing.id;
    const QJsonObject answer{{jsonKey("thingName"), thing.name},
                             {jsonKey("thingArn"), thingArn(thing.name)},
                             {jsonKey("thingId"), id}};
    if (!existing)
        return saveThing(thing, answer);
    // "If this call is made multiple times using the same thing name and configuration, the
    // call will succeed" (CreateThing docs).
    if (existing->typeName == thing.typeName && existing->attributes == thing.attributes)
        return answer;
    return fail(
        error(409, "ResourceAlreadyExistsException",
              QStringLiteral("Thing %1 already exists in account with different attributes")
                  .arg(thing.name),
              {{jsonKey("resourceId"), id}, {jsonKey("resourceArn"), thingArn(thing.name)}}));
}

Result<ThingRecord, RegistryError> RegistryService::thingFromCreate(const RegistryCall &call) const
{
    if (auto problem = validate(call.name, kThingName))
        return fail(*problem);
    ThingRecord thing;
    thing.name = call.name;
    thing.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    std::optional<QString> typeName;
    if (auto problem = readString(call.body, kThingTypeName, typeName))
        return fail(*problem);
    if (auto problem = typeName ? checkThingType(*typeName) : std::nullopt)
        return fail(*problem);
    thing.typeName = typeName.value_or(QString());
    const QString billingGroup = call.body.value(jsonKey("billingGroupName")).toString();
    if (!billingGroup.isEmpty()) // the sandbox has no billing groups
        return fail(
            notFound(QStringLiteral("Billing group %1 cannot be found.").arg(billingGroup)));
    const auto attributes = readAttributes(call.body.value(jsonKey("attributePayload")));
    if (!attributes.ok())
        return fail(attributes.error());
    thing.attributes = withoutEmpty(attributes.value().value_or(Attributes()));
    if (auto problem = checkAttributeCount(thing))
        return fail(*problem);
    return thing;
}

RegistryService::Reply RegistryService::updateThing(const RegistryCall &call)
{
    const auto found = existingThing(call.name);
    if (!found.ok())
        return fail(found.error());
    ThingRecord thing = *found.value();
    const QJsonValue expected = call.body.value(jsonKey("expectedVersion"));
    if (!expected.isUndefined() && !expected.isNull() && expected.toInteger(-1) != thing.version)
        return fail(error(409, "VersionConflictException",
                          QStringLiteral("The version for thing %1 does not match the expected "
                                         "version.")
                              .arg(thing.name)));
    if (auto problem = applyUpdate(thing, call.body))
        return fail(*problem);
    ++thing.version;
    return saveThing(thing, QJsonObject());
}

std::optional<RegistryError> RegistryService::applyUpdate(ThingRecord &thing,
                                                          const QJsonObject &body) const
{
    std::optional<QString> typeName;
    if (auto problem = readString(body, kThingTypeName, typeName))
        return problem;
    const bool removeType = body.value(jsonKey("removeThingType")).toBool();
    if (typeName && removeType)
        return invalidRequest(QStringLiteral("Cannot specify both thingTypeName and "
                                             "removeThingType"));
    if (auto problem = typeName ? checkThingType(*typeName) : std::nullopt)
        return problem;
    if (typeName || removeType)
        thing.typeName = typeName.value_or(QString());
    const QJsonValue payload = body.value(jsonKey("attributePayload"));
    const auto attributes = readAttributes(payload);
    if (!attributes.ok())
        return attributes.error();
    if (attributes.value() && payload.toObject().value(jsonKey("merge")).toBool()) {
        // "To remove an attribute, call UpdateThing with an empty attribute value."
        for (auto it = attributes.value()->begin(); it != attributes.value()->end(); ++it) {
            if (it.value().isEmpty())
                thing.attributes.remove(it.key());
            else
                thing.attributes.insert(it.key(), it.value());
        }
    } else if (attributes.value()) {
        thing.attributes = withoutEmpty(*attributes.value());
    }
    return checkAttributeCount(thing);
}

RegistryService::Reply RegistryService::deleteThing(const RegistryCall &call)
{
    if (auto problem = validate(call.name, kThingName))
        return fail(*problem);
    const ThingRecord *thing = m_store->thing(call.name);
    if (!thing)
        return QJsonObject(); // "Returns successfully … if you specify a thing that doesn't exist"
    int expected = -1;
    if (auto problem = readInt(call.query, "expectedVersion", 0, INT_MAX, expected))
        return fail(*problem);
    if (expected >= 0 && expected != thing->version)
        return fail(error(409, "VersionConflictException",
                          QStringLiteral("The version for thing %1 does not match the expected "
                                         "version.")
                              .arg(thing->name)));
    if (!thing->principals.isEmpty())
        return fail(invalidRequest(
            QStringLiteral("Cannot delete. Thing %1 is still attached to one or more principals")
                .arg(thing->name)));
    if (auto failure = m_store->removeThing(call.name))
        return fail(internalFailure(*failure));
    return QJsonObject();
}

RegistryService::Reply RegistryService::describeEndpoint(const RegistryCall &call)
{
    const QString type = call.query.value(jsonKey("endpointType"));
    constexpr const char *known[] = {"iot:data", "iot:data-ats", "iot:credentialprovider",
                                     "iot:jobs"};
    const auto isKnown = [&type](const char *name) {
        return type.compare(QLatin1String(name), Qt::CaseInsensitive) == 0;
    };
    if (!type.isEmpty() && std::none_of(std::begin(known), std::end(known), isKnown))
        return fail(invalidRequest(QStringLiteral("Endpoint type %1 is not valid.").arg(type)));
    return QJsonObject{{jsonKey("endpointAddress"), m_options.endpointAddress}};
}

// ---- thing types ---------------------------------------------------------------------------

RegistryService::Reply RegistryService::listThingTypes(const RegistryCall &call)
{
    const auto page = readPage(call);
    if (!page.ok())
        return fail(page.error());
    std::optional<QString> only;
    if (call.query.contains(jsonKey("thingTypeName"))) {
        if (auto problem = validate(call.query.value(jsonKey("thingTypeName")), kThingTypeName))
            return fail(*problem);
        only = call.query.value(jsonKey("thingTypeName"));
    }
    return listPage(
        m_store->thingTypes(), page.value(), "thingTypes",
        [&only](const ThingTypeRecord &type) { return !only || type.name == *only; },
        [this](const ThingTypeRecord &type) { return thingTypeJson(type); });
}

RegistryService::Reply RegistryService::describeThingType(const RegistryCall &call)
{
    if (auto problem = validate(call.name, kThingTypeName))
        return fail(*problem);
    const auto it = m_store->thingTypes().find(call.name);
    if (it == m_store->thingTypes().end())
        return fail(notFound(QStringLiteral("Thing Type %1 cannot be found.").arg(call.name)));
    QJsonObject answer = thingTypeJson(it->second);
    answer.insert(jsonKey("thingTypeId"), it->second.id);
    return answer;
}

RegistryService::Reply RegistryService::createThingType(const RegistryCall &call)
{
    const auto wanted = typeFromCreate(call);
    if (!wanted.ok())
        return fail(wanted.error());
    ThingTypeRecord type = wanted.value();
    const auto existing = m_store->thingTypes().find(type.name);
    if (existing != m_store->thingTypes().end()) {
        const ThingTypeRecord &old = existing->second;
        if (old.description != type.description ||
            old.searchableAttributes != type.searchableAttributes)
            return fail(error(409, "ResourceAlreadyExistsException",
                              QStringLiteral("Thing Type %1 already exists with different "
                                             "properties")
                                  .arg(type.name),
                              {{jsonKey("resourceId"), old.id},
                               {jsonKey("resourceArn"), thingTypeArn(type.name)}}));
        type = old;
    } else if (auto failure = m_store->putThingType(type)) {
        return fail(internalFailure(*failure));
    }
    return QJsonObject{{jsonKey("thingTypeName"), type.name},
                       {jsonKey("thingTypeArn"), thingTypeArn(type.name)},
                       {jsonKey("thingTypeId"), type.id}};
}

Result<ThingTypeRecord, RegistryError>
RegistryService::typeFromCreate(const RegistryCall &call) const
{
    if (auto problem = validate(call.name, kThingTypeName))
        return fail(*problem);
    const QJsonObject properties = call.body.value(jsonKey("thingTypeProperties")).toObject();
    ThingTypeRecord type;
    type.name = call.name;
    type.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    type.creationDate = nowMs();
    type.description = properties.value(jsonKey("thingTypeDescription")).toString();
    if (type.description.size() > 2028)
        return fail(
            validationError(type.description, QStringLiteral("thingTypeDescription"),
                            QStringLiteral("Member must have length less than or equal to 2028")));
    for (const QJsonValue &name : properties.value(jsonKey("searchableAttributes")).toArray()) {
        if (auto problem =
                validate(name.toString(), kAttributeName, QStringLiteral("searchableAttributes")))
            return fail(*problem);
        type.searchableAttributes.append(name.toString());
    }
    if (type.searchableAttributes.size() > 3)
        return fail(invalidRequest(QStringLiteral("A thing type can have at most 3 searchable "
                                                  "attributes")));
    return type;
}

// ---- thing groups --------------------------------------------------------------------------

RegistryService::Reply RegistryService::listThingGroups(const RegistryCall &call)
{
    const auto page = readPage(call);
    if (!page.ok())
        return fail(page.error());
    const QString parent = call.query.value(jsonKey("parentGroup"));
    const QString prefix = call.query.value(jsonKey("namePrefixFilter"));
    std::optional<bool> recursive;
    if (auto problem = call.query.contains(jsonKey("parentGroup")) ? validate(parent, kParentGroup)
                                                                   : std::nullopt)
        return fail(*problem);
    if (auto problem = call.query.contains(jsonKey("namePrefixFilter"))
                           ? validate(prefix, kNamePrefix)
                           : std::nullopt)
        return fail(*problem);
    if (auto problem = readBool(call.query, "recursive", recursive))
        return fail(*problem);
    if (!parent.isEmpty() && !m_store->thingGroups().count(parent))
        return fail(notFound(QStringLiteral("ThingGroup %1 cannot be found.").arg(parent)));
    // Without a parent every group is listed unless recursive=false asks for root groups only;
    // under a parent, recursive=true adds the descendants to the direct children.
    const auto match = [&](const ThingGroupRecord &group) {
        if (!group.name.startsWith(prefix))
            return false;
        if (parent.isEmpty())
            return recursive.value_or(true) || group.parent.isEmpty();
        return recursive.value_or(false) ? isInGroupTree(group, parent) : group.parent == parent;
    };
    return listPage(m_store->thingGroups(), page.value(), "thingGroups", match,
                    [this](const ThingGroupRecord &group) { return groupSummary(group.name); });
}

RegistryService::Reply RegistryService::createThingGroup(const RegistryCall &call)
{
    const auto wanted = groupFromCreate(call);
    if (!wanted.ok())
        return fail(wanted.error());
    ThingGroupRecord group = wanted.value();
    const auto existing = m_store->thingGroups().find(group.name);
    if (existing != m_store->thingGroups().end()) {
        const ThingGroupRecord &old = existing->second;
        if (old.parent != group.parent || old.description != group.description ||
            old.attributes != group.attributes)
            return fail(error(409, "ResourceAlreadyExistsException",
                              QStringLiteral("Thing Group %1 already exists with different "
                                             "properties")
                                  .arg(group.name),
                              {{jsonKey("resourceId"), old.id},
                               {jsonKey("resourceArn"), thingGroupArn(group.name)}}));
        group = old;
    } else if (auto failure = m_store->putThingGroup(group)) {
        return fail(internalFailure(*failure));
    }
    return QJsonObject{{jsonKey("thingGroupName"), group.name},
                       {jsonKey("thingGroupArn"), thingGroupArn(group.name)},
                       {jsonKey("thingGroupId"), group.id}};
}

Result<ThingGroupRecord, RegistryError>
RegistryService::groupFromCreate(const RegistryCall &call) const
{
    if (auto problem = validate(call.name, kGroupName))
        return fail(*problem);
    std::optional<QString> parent;
    if (auto problem = readString(call.body, kGroupName, parent, "parentGroupName"))
        return fail(*problem);
    if (parent && !m_store->thingGroups().count(*parent))
        return fail(invalidRequest(QStringLiteral("Parent group %1 does not exist").arg(*parent)));
    const QJsonObject properties = call.body.value(jsonKey("thingGroupProperties")).toObject();
    const auto attributes = readAttributes(properties.value(jsonKey("attributePayload")));
    if (!attributes.ok())
        return fail(attributes.error());
    ThingGroupRecord group;
    group.name = call.name;
    group.id = QUuid::createUuid().toString(QUuid::WithoutBraces);
    group.parent = parent.value_or(QString());
    group.description = properties.value(jsonKey("thingGroupDescription")).toString();
    group.attributes = withoutEmpty(attributes.value().value_or(Attributes()));
    group.creationDate = nowMs();
    return group;
}

RegistryService::Reply RegistryService::addThingToThingGroup(const RegistryCall &call)
{
    const auto nameOf = [&call](const char *nameKey, const char *arnKey) {
        const QString name = call.body.value(jsonKey(nameKey)).toString();
        return name.isEmpty() ? nameFromArn(call.body.value(jsonKey(arnKey)).toString()) : name;
    };
    const QString groupName = nameOf("thingGroupName", "thingGroupArn");
    const QString thingName = nameOf("thingName", "thingArn");
    if (groupName.isEmpty() || thingName.isEmpty())
        return fail(invalidRequest(QStringLiteral("Both a thing group (thingGroupName or "
                                                  "thingGroupArn) and a thing (thingName or "
                                                  "thingArn) are required")));
    if (!m_store->thingGroups().count(groupName))
        return fail(notFound(QStringLiteral("ThingGroup %1 cannot be found.").arg(groupName)));
    const auto found = existingThing(thingName);
    if (!found.ok())
        return fail(found.error());
    ThingRecord thing = *found.value();
    if (thing.groups.contains(groupName))
        return QJsonObject();
    thing.groups.append(groupName);
    thing.groups.sort();
    return saveThing(thing, QJsonObject());
}

RegistryService::Reply RegistryService::listThingGroupsForThing(const RegistryCall &call)
{
    const auto found = existingThing(call.name);
    if (!found.ok())
        return fail(found.error());
    const auto page = readPage(call);
    if (!page.ok())
        return fail(page.error());
    return listPage(sortedSet(found.value()->groups), page.value(), "thingGroups", acceptAll(),
                    [this](const QString &group) { return groupSummary(group); });
}

// ---- principals ----------------------------------------------------------------------------

RegistryService::Reply RegistryService::listThingPrincipals(const RegistryCall &call)
{
    const auto found = existingThing(call.name);
    if (!found.ok())
        return fail(found.error());
    const auto page = readPage(call);
    if (!page.ok())
        return fail(page.error());
    return listPage(sortedSet(found.value()->principals), page.value(), "principals", acceptAll(),
                    [](const QString &principal) { return QJsonValue(principal); });
}

RegistryService::Reply RegistryService::attachThingPrincipal(const RegistryCall &call)
{
    const auto found = existingThing(call.name);
    if (!found.ok())
        return fail(found.error());
    if (call.principal.isEmpty())
        return fail(invalidRequest(QStringLiteral("1 validation error detected: Value null at "
                                                  "'principal' failed to satisfy constraint: "
                                                  "Member must not be null")));
    ThingRecord thing = *found.value();
    if (thing.principals.contains(call.principal))
        return QJsonObject();
    thing.principals.append(call.principal);
    return saveThing(thing, QJsonObject());
}

RegistryService::Reply RegistryService::detachThingPrincipal(const RegistryCall &call)
{
    const auto found = existingThing(call.name);
    if (!found.ok())
        return fail(found.error());
    ThingRecord thing = *found.value();
    if (!thing.principals.removeOne(call.principal))
        return QJsonObject();
    return saveThing(thing, QJsonObject());
}

// ---- helpers -------------------------------------------------------------------------------

Result<const ThingRecord *, RegistryError> RegistryService::existingThing(const QString &name) const
{
    if (auto problem = validate(name, kThingName))
        return fail(*problem);
    const ThingRecord *thing = m_store->thing(name);
    if (!thing)
        return fail(notFound(QStringLiteral("Thing %1 cannot be found.").arg(name)));
    return thing;
}

std::optional<RegistryError> RegistryService::checkThingType(const QString &typeName) const
{
    const auto it = m_store->thingTypes().find(typeName);
    if (it == m_store->thingTypes().end())
        return notFound(QStringLiteral("Thing Type %1 cannot be found.").arg(typeName));
    if (it->second.deprecated)
        return invalidRequest(
            QStringLiteral("Can not create new thing with deprecated thing type %1").arg(typeName));
    return std::nullopt;
}

std::optional<RegistryError> RegistryService::checkAttributeCount(const ThingRecord &thing) const
{
    const int limit = thing.typeName.isEmpty() ? kMaxUntypedAttributes : kMaxTypedAttributes;
    if (thing.attributes.size() <= limit)
        return std::nullopt;
    return invalidRequest(
        QStringLiteral("A thing %1 a thing type can have at most %2 attributes, not %3")
            .arg(thing.typeName.isEmpty() ? QStringLiteral("without") : QStringLiteral("with"))
            .arg(limit)
            .arg(thing.attributes.size()));
}

RegistryService::Reply RegistryService::saveThing(const ThingRecord &thing,
                                                  const QJsonObject &answer)
{
    if (auto failure = m_store->putThing(thing))
        return fail(internalFailure(*failure));
    return answer;
}

bool RegistryService::isInGroupTree(const ThingGroupRecord &group, const QString &ancestor) const
{
    QString parent = group.parent;
    // Bounded by the number of groups, so a damaged store with a cycle cannot loop forever.
    for (size_t steps = 0; !parent.isEmpty() && steps < m_store->thingGroups().size(); ++steps) {
        if (parent == ancestor)
            return true;
        const auto it = m_store->thingGroups().find(parent);
        parent = it == m_store->thingGroups().end() ? QString() : it->second.parent;
    }
    return false;
}

QJsonObject RegistryService::thingSummary(const ThingRecord &thing) const
{
    QJsonObject attributes;
    for (auto it = thing.attributes.begin(); it != thing.attributes.end(); ++it)
        attributes.insert(it.key(), it.value());
    QJsonObject summary{{jsonKey("thingName"), thing.name},
                        {jsonKey("thingArn"), thingArn(thing.name)},
                        {jsonKey("attributes"), attributes},
                        {jsonKey("version"), thing.version}};
    if (!thing.typeName.isEmpty())
        summary.insert(jsonKey("thingTypeName"), thing.typeName);
    return summary;
}

QJsonObject RegistryService::thingTypeJson(const ThingTypeRecord &type) const
{
    QJsonObject properties{
        {jsonKey("searchableAttributes"), QJsonArray::fromStringList(type.searchableAttributes)}};
    if (!type.description.isEmpty())
        properties.insert(jsonKey("thingTypeDescription"), type.description);
    QJsonObject metadata{{jsonKey("deprecated"), type.deprecated},
                         {jsonKey("creationDate"), seconds(type.creationDate)}};
    if (type.deprecated)
        metadata.insert(jsonKey("deprecationDate"), seconds(type.deprecationDate));
    return QJsonObject{{jsonKey("thingTypeName"), type.name},
                       {jsonKey("thingTypeArn"), thingTypeArn(type.name)},
                       {jsonKey("thingTypeProperties"), properties},
                       {jsonKey("thingTypeMetadata"), metadata}};
}

QJsonObject RegistryService::groupSummary(const QString &groupName) const
{
    return QJsonObject{{jsonKey("groupName"), groupName},
                       {jsonKey("groupArn"), thingGroupArn(groupName)}};
}

QString RegistryService::thingArn(const QString &thingName) const
{
    return arn(QStringLiteral("thing"), thingName);
}

QString RegistryService::thingTypeArn(const QString &typeName) const
{
    return arn(QStringLiteral("thingtype"), typeName);
}

QString RegistryService::thingGroupArn(const QString &groupName) const
{
    return arn(QStringLiteral("thinggroup"), groupName);
}

QString RegistryService::arn(const QString &resource, const QString &name) const
{
    return QStringLiteral("arn:aws:iot:%1:%2:%3/%4")
        .arg(m_options.region, m_options.accountId, resource, name);
}

qint64 RegistryService::nowMs() const
{
    return (m_clock ? m_clock() : QDateTime::currentDateTimeUtc()).toMSecsSinceEpoch();
}

} // namespace thingdeck
