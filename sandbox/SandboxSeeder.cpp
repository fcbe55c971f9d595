#include "SandboxSeeder.h"

#include "RegistryService.h"
#include "SandboxPki.h"
#include "ShadowService.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace thingdeck {

namespace {

struct Kind
{
    const char *type;
    const char *description;
    const char *desired; ///< the classic shadow's state, desired = reported at first
};

const Kind kKinds[] = {
    {"Lamp", "Dimmable ceiling lamp",
     R"({"power":"on","brightness":70,"color":{"r":255,"g":214,"b":170}})"},
    {"Thermostat", "Room thermostat", R"({"mode":"heat","targetTemperature":21.5,"fan":"auto"})"},
    {"Sensor", "Temperature and humidity sensor",
     R"({"reportIntervalSeconds":30,"units":"metric"})"},
};

const Kind &kindOf(int index)
{
    return kKinds[index % 3];
}

QString check(const RegistryService::Reply &reply)
{
    return reply.ok() ? QString()
                      : reply.error().code + QStringLiteral(": ") + reply.error().message;
}

QString check(const ShadowReply &reply)
{
    return reply.ok() ? QString() : reply.error().message;
}

std::optional<QString> seedTypesAndGroups(RegistryService &registry)
{
    for (const Kind &kind : kKinds) {
        const QJsonObject properties{
            {QStringLiteral("thingTypeDescription"), QString::fromLatin1(kind.description)},
            {QStringLiteral("searchableAttributes"), QJsonArray{QStringLiteral("room")}}};
        const QString problem =
            check(registry.createThingType({QString::fromLatin1(kind.type),
                                            {},
                                            {{QStringLiteral("thingTypeProperties"), properties}},
                                            {}}));
        if (!problem.isEmpty())
            return problem;
    }
    for (const char *group : {"building-a", "building-b"}) {
        const QString problem =
            check(registry.createThingGroup({QString::fromLatin1(group), {}, {}, {}}));
        if (!problem.isEmpty())
            return problem;
    }
    return std::nullopt;
}

QJsonObject attributesOf(int index)
{
    return QJsonObject{
        {QStringLiteral("room"), QStringLiteral("room-%1").arg(100 + index % 40)},
        {QStringLiteral("firmware"), QStringLiteral("1.%1.0").arg(2 + index % 3)},
        {QStringLiteral("serial"), QStringLiteral("SN-%1").arg(480000 + index * 7)},
    };
}

std::optional<QString> seedThing(int index, const QString &name, RegistryService &registry,
                                 const SandboxPki &pki)
{
    const QJsonObject body{
        {QStringLiteral("thingTypeName"), QString::fromLatin1(kindOf(index).type)},
        {QStringLiteral("attributePayload"),
         QJsonObject{{QStringLiteral("attributes"), attributesOf(index)}}}};
    QString problem = check(registry.createThing({name, {}, body, {}}));
    const QJsonObject membership{
        {QStringLiteral("thingGroupName"),
         index % 2 ? QStringLiteral("building-b") : QStringLiteral("building-a")},
        {QStringLiteral("thingName"), name}};
    if (problem.isEmpty())
        problem = check(registry.addThingToThingGroup({{}, {}, membership, {}}));
    const auto arn =
        pki.certificateArn(name, registry.options().region, registry.options().accountId);
    if (problem.isEmpty() && arn)
        problem = check(registry.attachThingPrincipal({name, {}, {}, *arn}));
    return problem.isEmpty() ? std::nullopt : std::optional<QString>(problem);
}

QByteArray bothSections(const char *state)
{
    const QJsonObject value = QJsonDocument::fromJson(QByteArray(state)).object();
    return QJsonDocument(QJsonObject{{QStringLiteral("state"),
                                      QJsonObject{{QStringLiteral("desired"), value},
                                                  {QStringLiteral("reported"), value}}}})
        .toJson(QJsonDocument::Compact);
}

std::optional<QString> seedShadows(int index, const QString &name, ShadowService &shadows)
{
    QString problem = check(shadows.updateShadow(name, {}, bothSections(kindOf(index).desired)));
    if (problem.isEmpty() && index % 3 == 0) {
        problem = check(shadows.updateShadow(
            name, QStringLiteral("config"),
            bothSections(R"({"reportIntervalSeconds":60,"logLevel":"info"})")));
    }
    return problem.isEmpty() ? std::nullopt : std::optional<QString>(problem);
}

const char *const kAssetType = "Asset";

std::optional<QString> seedAssetType(RegistryService &registry)
{
    const QJsonObject properties{{QStringLiteral("thingTypeDescription"),
                                  QStringLiteral("Tracked asset, registered in bulk")},
                                 {QStringLiteral("searchableAttributes"),
                                  QJsonArray{QStringLiteral("site"), QStringLiteral("model")}}};
    const QString problem =
        check(registry.createThingType({QString::fromLatin1(kAssetType),
                                        {},
                                        {{QStringLiteral("thingTypeProperties"), properties}},
                                        {}}));
    return problem.isEmpty() ? std::nullopt : std::optional<QString>(problem);
}

// What a bulk-registration template typically fills in: where, what and which batch.
QJsonObject assetAttributes(int number)
{
    return QJsonObject{
        {QStringLiteral("site"),
         QStringLiteral("site-%1").arg(number % 24 + 1, 2, 10, QLatin1Char('0'))},
        {QStringLiteral("model"), QStringLiteral("AT-%1").arg(100 + number % 7 * 10)},
        {QStringLiteral("batch"), QStringLiteral("batch-%1").arg(number / 1000 + 1)},
    };
}

} // namespace

QStringList SandboxSeeder::thingNames(int count)
{
    QStringList names;
    const int width = count < 100 ? 2 : int(QString::number(count).size());
    for (int i = 0; i < count; ++i) {
        names << QStringLiteral("%1-%2")
                     .arg(QString::fromLatin1(kindOf(i).type).toLower())
                     .arg(i + 1, width, 10, QLatin1Char('0'));
    }
    return names;
}

std::optional<QString> SandboxSeeder::seed(const QStringList &things, RegistryService &registry,
                                           ShadowService &shadows, const SandboxPki &pki)
{
    if (auto problem = seedTypesAndGroups(registry))
        return problem;
    for (int i = 0; i < things.size(); ++i) {
        if (auto problem = seedThing(i, things[i], registry, pki))
            return problem;
        if (auto problem = seedShadows(i, things[i], shadows))
            return problem;
    }
    return std::nullopt;
}

QString SandboxSeeder::registryThingName(int number)
{
    return QStringLiteral("asset-%1").arg(number, 6, 10, QLatin1Char('0'));
}

std::optional<QString> SandboxSeeder::seedRegistryThings(int first, int last,
                                                         RegistryService &registry)
{
    if (first > last)
        return std::nullopt;
    if (auto problem = seedAssetType(registry))
        return problem;
    for (int number = first; number <= last; ++number) {
        const QJsonObject body{
            {QStringLiteral("thingTypeName"), QString::fromLatin1(kAssetType)},
            {QStringLiteral("attributePayload"),
             QJsonObject{{QStringLiteral("attributes"), assetAttributes(number)}}}};
        const QString problem =
            check(registry.createThing({registryThingName(number), {}, body, {}}));
        if (!problem.isEmpty())
            return problem;
    }
    return std::nullopt;
}

} // namespace thingdeck
