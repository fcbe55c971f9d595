#pragma once

#include <QLoggingCategory>

// The project's logging categories, one per area; enable with QT_LOGGING_RULES, e.g.
// "thingdeck.aws.debug=true". Debug output is off by default.
Q_DECLARE_LOGGING_CATEGORY(lcAws)
Q_DECLARE_LOGGING_CATEGORY(lcMqtt)
Q_DECLARE_LOGGING_CATEGORY(lcSandbox)
