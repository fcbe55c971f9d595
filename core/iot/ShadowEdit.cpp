#include "iot/ShadowEdit.h"

#include "iot/ShadowJson.h"
#include "iot/ShadowUpdate.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLocale>

#include <optional>

namespace thingdeck {

namespace {

/// The path to the first value nested deeper than ShadowJson::kMaxDepth, counted as the
/// service counts (every object or array is a level).
std::optional<QStringList> tooDeep(const QJsonValue &value, int depth, QStringList &path)
{
    if (!value.isObject() && !value.isArray())
        return std::nullopt;
    if (depth + 1 > ShadowJson::kMaxDepth)
        return path;
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            path.append(it.key());
            if (auto found = tooDeep(it.value(), depth + 1, path))
                return found;
            path.removeLast();
        }
    } else {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            path.append(QString::number(i));
            if (auto found = tooDeep(array.at(i), depth + 1, path))
                return found;
            path.removeLast();
        }
    }
    return std::nullopt;
}

/// The path to the first null inside an array.
std::optional<QStringList> nullInArray(const QJsonValue &value, bool insideArray, QStringList &path)
{
    if (value.isNull() && insideArray)
        return path;
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            path.append(it.key());
            if (auto found = nullInArray(it.value(), insideArray, path))
                return found;
            path.removeLast();
        }
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i) {
            path.append(QString::number(i));
            if (auto found = nullInArray(array.at(i), true, path))
                return found;
            path.removeLast();
        }
    }
    return std::nullopt;
}

QString where(ShadowSection section, const QStringList &path)
{
    return (QStringList{sectionKey(section)} + path).join(QLatin1Char('.'));
}

} // namespace

QJsonObject shadowPatch(const QJsonObject &base, const QJsonObject &edited)
{
    QJsonObject patch;
    for (auto it = base.begin(); it != base.end(); ++it) {
        if (!edited.contains(it.key()))
            patch.insert(it.key(), QJsonValue::Null);
    }
    for (auto it = edited.begin(); it != edited.end(); ++it) {
        const QJsonValue before = base.value(it.key());
        const QJsonValue after = it.value();
        if (before == after)
            continue;
        if (before.isObject() && after.isObject()) {
            const QJsonObject inner = shadowPatch(before.toObject(), after.toObject());
            // An object emptied by the edit: its keys go as nulls, which removes it too.
            if (!inner.isEmpty())
                patch.insert(it.key(), inner);
            continue;
        }
        if (before.isObject() && !after.isObject()) {
            // Replacing an object by a value: one write of the value replaces it whole.
            patch.insert(it.key(), after);
            continue;
        }
        patch.insert(it.key(), after);
    }
    return patch;
}

QJsonObject mergePatch(const QJsonObject &section, const QJsonObject &patch)
{
    return ShadowJson::merge(section, patch);
}

Result<ShadowEditRequest, ShadowEditProblem> buildShadowEdit(const ShadowDocument &base,
                                                             ShadowSection section,
                                                             const QJsonObject &edited,
                                                             const QString &clientToken)
{
    const QJsonObject current =
        section == ShadowSection::Desired ? base.desired() : base.reported();
    QStringList path;
    if (const auto deep = tooDeep(edited, 0, path)) {
        return fail(ShadowEditProblem{
            *deep, QStringLiteral("%1 is nested %2 levels deep; AWS allows %3. Flatten it.")
                       .arg(where(section, *deep))
                       .arg(deep->size() + 1)
                       .arg(ShadowJson::kMaxDepth)});
    }
    path.clear();
    if (const auto found = nullInArray(edited, false, path)) {
        return fail(ShadowEditProblem{
            *found,
            QStringLiteral("%1 is null inside an array; AWS does not allow nulls in arrays. "
                           "Remove it or give it a value.")
                .arg(where(section, *found))});
    }
    const QJsonObject patch = shadowPatch(current, edited);
    if (patch.isEmpty())
        return fail(ShadowEditProblem{{}, QStringLiteral("Nothing changed.")});
    QJsonObject document{
        {QStringLiteral("state"), QJsonObject{{sectionKey(section), patch}}},
    };
    if (!clientToken.isEmpty())
        document.insert(QStringLiteral("clientToken"), clientToken);
    QJsonObject checked = document;
    if (base.exists())
        checked.insert(QStringLiteral("version"), base.version());
    // The service's own rules on the request, then on the merged document.
    const auto update = ShadowUpdate::parse(ShadowJson::compact(checked));
    if (!update.ok()) {
        return fail(ShadowEditProblem{
            {}, QStringLiteral("AWS would refuse this update: %1").arg(update.error().message)});
    }
    const auto merged = base.updated(update.value(), QDateTime::currentSecsSinceEpoch());
    if (!merged.ok()) {
        if (merged.error().code == 413) {
            // The size the merged state would have, as ShadowDocument counts it.
            const QJsonObject desired = section == ShadowSection::Desired
                                            ? mergePatch(base.desired(), patch)
                                            : base.desired();
            const QJsonObject reported = section == ShadowSection::Reported
                                             ? mergePatch(base.reported(), patch)
                                             : base.reported();
            QJsonObject state;
            if (!desired.isEmpty())
                state.insert(QStringLiteral("desired"), desired);
            if (!reported.isEmpty())
                state.insert(QStringLiteral("reported"), reported);
            const qint64 bytes = ShadowJson::compact(state).size();
            const QLocale c(QLocale::English);
            return fail(ShadowEditProblem{
                {},
                QStringLiteral("The shadow would hold %1 bytes of state after this update; AWS "
                               "allows %2. Remove %3 bytes.")
                    .arg(c.toString(bytes), c.toString(ShadowDocument::kMaxStateBytes),
                         c.toString(bytes - ShadowDocument::kMaxStateBytes))});
        }
        return fail(ShadowEditProblem{
            {}, QStringLiteral("AWS would refuse this update: %1").arg(merged.error().message)});
    }
    return ShadowEditRequest{document, patch, base.version()};
}

} // namespace thingdeck
