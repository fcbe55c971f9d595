#pragma once

#include <QString>
#include <QStringList>

namespace thingdeck {

/// The topic filters that "watch a thing": for the classic shadow and each named shadow the six
/// shadow responses a person wants to see (update/documents, update/delta, update/accepted,
/// update/rejected, get/accepted, delete/accepted — exact topics, no wildcard under
/// `$aws/things/THING/shadow`, since AWS IoT policies are usually written per topic), the
/// thing's presence events (`$aws/events/presence/+/THING`) and its telemetry, from a pattern
/// where `{thing}` stands for the thing's name (e.g. the default "dt/{thing}/#").
class ThingWatch
{
public:
    static const QStringList &shadowOperations();
    /// The filters in that order: classic shadow, named shadows as given, presence, telemetry.
    /// A telemetry pattern that is empty adds nothing.
    static QStringList topicFilters(const QString &thing, const QStringList &namedShadows,
                                    const QString &telemetryPattern);
    /// The pattern with `{thing}` replaced; the pattern itself when it has no `{thing}`.
    static QString telemetryFilter(const QString &thing, const QString &telemetryPattern);
};

} // namespace thingdeck
