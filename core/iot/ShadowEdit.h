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
/// changed leaves are sent (an object replaced by a scalar or the other way round is sent whole;
/// arrays are whole values). Empty when nothing changed. mergePatch(base, shadowPatch(base,
/// edited)) == edited for every `edited` a shadow can hold (no empty objects).
QJsonObject shadowPatch(const QJsonObject &base, const QJsonObject &edited);

/// AWS's merge of an update section into a state section (aws-iot.md §5.2, ShadowJson::merge):
/// objects merge recursively, null deletes the key, an object left empty is removed, anything
/// else replaces. Used to replay a user's patch on a newer version.
QJsonObject mergePatch(const QJsonObject &section, const QJsonObject &patch);

/// Why an edit cannot be sent, found before any request, and where: `path` names the key inside
/// the section (empty for the whole edit); `message` is one sentence with the fix.
struct ShadowEditProblem
{
    QStringList path;
    QString message;
    bool operator==(const ShadowEditProblem &) const = default;
};

/// An edit ready to send: the request document and what it was built from.
struct ShadowEditRequest
{
    QJsonObject document;      ///< {"state": {"desired"|"reported": patch}, "clientToken": token}
    QJsonObject patch;         ///< the section patch alone
    qint64 basedOnVersion = 0; ///< sent as "version"
};

/// Builds the UpdateThingShadow request for editing `section` of `base` (the document the edit
/// started from) into `edited`, and checks it as the service would before anything is sent:
/// nesting at most 6 levels (ShadowJson::depth), no null inside arrays, the clientToken, the
/// rest of ShadowUpdate::parse(), and the 8 KB limit on the merged state (ShadowDocument::
/// updated()). Problems carry the key path. An unchanged edit is a problem too.
Result<ShadowEditRequest, ShadowEditProblem> buildShadowEdit(const ShadowDocument &base,
                                                             ShadowSection section,
                                                             const QJsonObject &edited,
                                                             const QString &clientToken);

} // namespace thingdeck
