#include "Logging.h"

Q_LOGGING_CATEGORY(lcAws, "thingdeck.aws", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMqtt, "thingdeck.mqtt", QtInfoMsg)
Q_LOGGING_CATEGORY(lcSandbox, "thingdeck.sandbox", QtInfoMsg)
