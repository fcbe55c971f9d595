#pragma once

#include "Result.h"

#include <QString>

namespace thingdeck {

/// The AWS account the sandbox pretends to be: an account id and one access key pair. Made at
/// first start and kept in `<state dir>/identity.json` (mode 0600), so that a restarted
/// sandbox accepts the same keys.
struct SandboxIdentity
{
    QString accountId;
    QString accessKeyId;
    QString secretAccessKey;

    static Result<SandboxIdentity, QString> loadOrCreate(const QString &stateDir);
};

} // namespace thingdeck
