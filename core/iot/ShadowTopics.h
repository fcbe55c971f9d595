#pragma once

#include "iot/ShadowName.h"

#include <QString>

namespace thingdeck {

/// The reserved MQTT topic of one shadow operation (aws-iot.md §5.1):
/// `$aws/things/<thing>/shadow[/name/<shadow>]/<operation>`, e.g. operation "update/documents".
/// Thing and shadow names cannot hold '/', '+' or '#', so the result is always one exact topic.
QString shadowTopic(const QString &thing, const ShadowName &shadow, const QString &operation);

} // namespace thingdeck
