#pragma once

#include <QLoggingCategory>

// "thingdeck.session": connections, secrets (never their values) and the sandbox launcher.
// Kept beside the session classes until core/Logging.h takes it over.
Q_DECLARE_LOGGING_CATEGORY(lcSession)
