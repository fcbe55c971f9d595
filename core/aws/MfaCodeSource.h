#pragma once

#include "Result.h"

#include <QString>

#include <functional>

namespace thingdeck {

/// Asks a person for the current code of an MFA device, for an assume-role profile with
/// `mfa_serial`. Implementations: a terminal prompt (thingdeck-cli), a dialog (the GUI).
/// QtCore only, so the credential chain in core can hold one.
class MfaCodeSource
{
public:
    /// The code as typed, or a sentence saying why there is none (cancelled, no terminal).
    using CodeResult = Result<QString, QString>;
    using Callback = std::function<void(const CodeResult &)>;

    virtual ~MfaCodeSource() = default;

    /// Asks for the code of device `serial` (its ARN). `callback` runs exactly once, from the
    /// event loop, never inside request(). Only one request is made at a time.
    virtual void request(const QString &serial, Callback callback) = 0;
};

} // namespace thingdeck
