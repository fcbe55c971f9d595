#pragma once

#include "Result.h"
#include "iot/ShadowDocument.h"
#include "iot/ShadowSection.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace thingdeck {

/// The section of an UpdateThingShadow request that turns `base` into `edited`: keys added or
/// changed with their new value, keys removed as null, nested objects descended so that only
/// changed leaves are sent (an object replaced by a scalar or vice versa is sent whole; arrays
/// are whole values). Empty when nothing changed. Applying it to `base` with AWS's merge rules
/// gives `edited`: mergePatch(base, shadowPatch(base, edited)) == edited for every `edited` a
/// shadow can hold (a shadow keeps no empty objects and no nulls, so those merge away).
QJsonObject shadowPatch(const QJsonObject &base, const QJsonObject &edited);

/// AWS's merge of an update section into a state section (aws-iot.md §5.2): objects merge
/// recursively, null deletes the key, an object left empty by deletes is removed, anything else
/// replaces. Used to re-apply a user's patch on top of a newer version.
QJsonObject mergePatch(const QJsonObject &section, const QJsonObject &patch);

/// Why an edit cannot be sent, found before any request, and where: `path` names the key
/// inside the section (empty for the whole edit; an array element by its index), `message` is
/// one sentence with the fix, e.g. "desired.a.b.c.d.e.f.g is nested 7 levels deep; AWS allows
/// 6." or "The shadow would hold 9,012 bytes of state after this update; AWS allows 8,192.
/// Remove 820 bytes."
struct ShadowEditProblem
{
    QStringList path;
    QString message;
    bool operator==(const ShadowEditProblem &) const = default;
};

/// An edit ready to send: the request document and what it was built from.
struct ShadowEditRequest
{
    /// {"state": {"desired"|"reported": patch}, "clientToken": token, "version": N}; "version"
    /// only when the base shadow exists (AWS tells no version for a missing shadow).
    QJsonObject document;
    QJsonObject patch;         ///< the section patch alone
    qint64 basedOnVersion = 0; ///< sent as "version"
};

/// Builds the UpdateThingShadow request for editing `section` of `base` (the document the edit
/// started from, version base.version()) into `edited`, and checks it as the service would
/// before anything is sent: the request's own rules (ShadowUpdate::parse: nesting at most 6
/// levels as ShadowJson::depth counts them, no null inside arrays, clientToken length) and the
/// 8 KB limit on the state after merging (ShadowDocument::updated() on `base`); a request has
/// no size limit of its own in aws-iot.md §5.4. Problems carry the key path. An edit that
/// changes nothing is a problem too ("Nothing changed.", empty path). `clientToken` is put in
/// the document when not empty.
Result<ShadowEditRequest, ShadowEditProblem> buildShadowEdit(const ShadowDocument &base,
                                                             ShadowSection section,
                                                             const QJsonObject &edited,
                                                             const QString &clientToken);

} // namespace thingdeck
