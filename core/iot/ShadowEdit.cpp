#include "iot/ShadowEdit.h"

#include "iot/JsonDiff.h"
#include "iot/ShadowJson.h"
#include "iot/ShadowUpdate.h"

#include <QJsonArray>
#include <QLocale>

#include <optional>
#include <utility>

namespace thingdeck {

namespace {

using Problem = std::optional<ShadowEditProblem>;

// The members of an object (by key) or an array (by index as text); none for a scalar.
QList<std::pair<QString, QJsonValue>> childrenOf(const QJsonValue &value)
{
    QList<std::pair<QString, QJsonValue>> children;
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            children.append({it.key(), it.value()});
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            children.append({QString::number(i), array.at(i)});
    }
    return children;
}

struct Deepest
{
    QStringList path;
    int levels = 0;
};

// The deepest place in the object or array `value`, counted as ShadowJson::depth() counts
// (every object or array is a level): a member is as deep as the container holding it, an
// empty container is one level of its own. The first such place in key order.
Deepest deepestIn(const QJsonValue &value, const QStringList &path)
{
    Deepest deepest{path, 1};
    bool first = true;
    for (const auto &[key, child] : childrenOf(value)) {
        const bool container = child.isObject() || child.isArray();
        Deepest here = container ? deepestIn(child, path + QStringList{key})
                                 : Deepest{path + QStringList{key}, 0};
        ++here.levels;
        if (first || here.levels > deepest.levels)
            deepest = here;
        first = false;
    }
    return deepest;
}

// The first null inside an array, nulls in objects within arrays included, as
// ShadowJson::hasNullInArray() refuses them.
std::optional<QStringList> nullInArray(const QJsonValue &value, bool insideArray,
                                       const QStringList &path)
{
    if (value.isNull())
        return insideArray ? std::optional(path) : std::nullopt;
    for (const auto &[key, child] : childrenOf(value)) {
        if (auto found =
                nullInArray(child, insideArray || value.isArray(), path + QStringList{key}))
            return found;
    }
    return std::nullopt;
}

QString where(ShadowSection section, const QStringList &path)
{
    return jsonPathText(QStringList{sectionKey(section)} + path);
}

QString number(qint64 value)
{
    return QLocale(QLocale::English, QLocale::UnitedStates).toString(value);
}

Problem checkClientToken(const QString &clientToken)
{
    const qsizetype bytes = clientToken.toUtf8().size();
    if (bytes <= ShadowUpdate::kMaxClientTokenBytes)
        return std::nullopt;
    return ShadowEditProblem{{},
                             QStringLiteral("The client token is %1 bytes long; AWS allows %2.")
                                 .arg(bytes)
                                 .arg(ShadowUpdate::kMaxClientTokenBytes)};
}

// The rules ShadowUpdate::parse() applies to a section, with the place they are broken.
Problem checkSection(ShadowSection section, const QJsonObject &patch)
{
    const Deepest deepest = deepestIn(patch, {});
    if (deepest.levels > ShadowJson::kMaxDepth) {
        return ShadowEditProblem{deepest.path,
                                 QStringLiteral("%1 is nested %2 levels deep; AWS allows %3.")
                                     .arg(where(section, deepest.path))
                                     .arg(deepest.levels)
                                     .arg(ShadowJson::kMaxDepth)};
    }
    if (const auto found = nullInArray(patch, false, {})) {
        return ShadowEditProblem{*found, QStringLiteral("%1 is null inside an array, which AWS "
                                                        "refuses: remove it or give it a value.")
                                             .arg(where(section, *found))};
    }
    return std::nullopt;
}

// The bytes of state ShadowDocument would count after merging `patch` into `section`.
qint64 stateSizeAfter(const ShadowDocument &base, ShadowSection section, const QJsonObject &patch)
{
    QJsonObject desired = base.desired();
    QJsonObject reported = base.reported();
    QJsonObject &changed = section == ShadowSection::Desired ? desired : reported;
    changed = mergePatch(changed, patch);
    const QJsonObject stored{
        {QStringLiteral("exists"), true},
        {QStringLiteral("version"), base.version()},
        {QStringLiteral("state"),
         QJsonObject{{QStringLiteral("desired"), desired}, {QStringLiteral("reported"), reported}}},
    };
    return ShadowDocument::fromJson(stored).value().stateSize();
}

ShadowEditProblem tooLarge(qint64 bytes)
{
    return ShadowEditProblem{
        {},
        QStringLiteral("The shadow would hold %1 bytes of state after this update; AWS allows "
                       "%2. Remove %3 bytes.")
            .arg(number(bytes), number(ShadowDocument::kMaxStateBytes),
                 number(bytes - ShadowDocument::kMaxStateBytes))};
}

// The request as the service would take it: parsed, then merged into `base`.
Problem checkWithService(const ShadowDocument &base, ShadowSection section,
                         const QJsonObject &document, const QJsonObject &patch)
{
    const auto update = ShadowUpdate::parse(ShadowJson::compact(document));
    std::optional<ShadowError> error;
    if (!update.ok())
        error = update.error();
    // Only the merged size matters here: the time stamps metadata, which is not counted.
    else if (const auto merged = base.updated(update.value(), 0); !merged.ok())
        error = merged.error();
    if (!error)
        return std::nullopt;
    if (error->code == ShadowError::payloadTooLarge().code)
        return tooLarge(stateSizeAfter(base, section, patch));
    return ShadowEditProblem{
        {},
        QStringLiteral("AWS would refuse this update (%1: %2); change the edit and apply it "
                       "again.")
            .arg(error->code)
            .arg(error->message)};
}

QJsonObject requestDocument(const ShadowDocument &base, ShadowSection section,
                            const QJsonObject &patch, const QString &clientToken)
{
    QJsonObject document{{QStringLiteral("state"), QJsonObject{{sectionKey(section), patch}}}};
    if (!clientToken.isEmpty())
        document.insert(QStringLiteral("clientToken"), clientToken);
    if (base.exists())
        document.insert(QStringLiteral("version"), base.version());
    return document;
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
        if (!before.isObject() || !after.isObject()) {
            // Added, a scalar or an array changed, or a type change: the new value whole.
            patch.insert(it.key(), after);
            continue;
        }
        // An object emptied by the edit gets its keys as nulls, and AWS removes it with them.
        const QJsonObject inner = shadowPatch(before.toObject(), after.toObject());
        if (!inner.isEmpty())
            patch.insert(it.key(), inner);
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
    const QJsonObject patch = shadowPatch(current, edited);
    if (patch.isEmpty())
        return fail(ShadowEditProblem{{}, QStringLiteral("Nothing changed.")});
    Problem problem = checkClientToken(clientToken);
    if (!problem)
        problem = checkSection(section, patch);
    if (problem)
        return fail(*problem);
    if (mergePatch(current, patch) == current) {
        return fail(ShadowEditProblem{
            {}, QStringLiteral("Nothing changed: AWS keeps neither empty objects nor nulls.")});
    }
    const QJsonObject document = requestDocument(base, section, patch, clientToken);
    if (auto refused = checkWithService(base, section, document, patch))
        return fail(*refused);
    return ShadowEditRequest{document, patch, base.version()};
}

} // namespace thingdeck
