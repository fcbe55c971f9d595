#include "session/SessionLogging.h"

Q_LOGGING_CATEGORY(lcSession, "thingdeck.session", QtInfoMsg)
