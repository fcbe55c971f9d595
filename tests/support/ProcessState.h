#pragma once

#include <QtGlobal>

namespace thingdeck::test {

/// What the tests ask of another process by its id.
class ProcessState
{
public:
    ProcessState() = delete;
    /// Whether the process exists and has not ended (a zombie counts as ended).
    static bool isRunning(qint64 pid);
};

} // namespace thingdeck::test
