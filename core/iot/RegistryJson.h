#pragma once

#include "Result.h"
#include "iot/ThingDescription.h"
#include "iot/ThingGroupSummary.h"
#include "iot/ThingPage.h"
#include "iot/ThingSummary.h"
#include "iot/ThingTypeSummary.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QList>

namespace thingdeck {

/// Reads the AWS IoT registry's answers (aws-iot.md §3) into value types. Stateless. Every
/// reader fails with a short phrase naming what is missing or malformed; members AWS may leave
/// out (a thing without type or attributes) are not required.
class RegistryJson
{
public:
    RegistryJson() = delete;

    static Result<ThingSummary, QString> thingSummary(const QJsonValue &item);
    static Result<ThingPage, QString> thingPage(const QJsonObject &page);
    static Result<ThingDescription, QString> thingDescription(const QJsonObject &json);
    static Result<ThingTypeSummary, QString> thingType(const QJsonValue &item);
    static Result<ThingGroupSummary, QString> thingGroup(const QJsonValue &item);
    static Result<QString, QString> principal(const QJsonValue &item);

    /// Reads the array `member` of a list page with `read` and appends the items to `out`:
    /// how many there were, or what is wrong.
    template<typename T, typename Read>
    static Result<int, QString> appendItems(const QJsonObject &page, const char *member, Read read,
                                            QList<T> &out)
    {
        const QJsonValue items = page.value(QLatin1String(member));
        if (!items.isArray())
            return fail(QStringLiteral("\"%1\" is not an array").arg(QLatin1String(member)));
        for (const auto &item : items.toArray()) {
            Result<T, QString> value = read(item);
            if (!value.ok())
                return fail(value.error());
            out.append(std::move(value).value());
        }
        return int(items.toArray().size());
    }
};

} // namespace thingdeck
