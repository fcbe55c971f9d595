#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace thingdeck {

class RegistryService;
class SandboxPki;
class ShadowService;

/// Fills a new sandbox with a small fleet that looks like a real one: thing types, groups,
/// things with attributes and their certificate attached, a classic shadow each and a named
/// "config" shadow on every third thing. Runs once per state directory.
class SandboxSeeder
{
public:
    /// Thing names for `count` devices: lamp-01, thermostat-02, sensor-03, ...
    static QStringList thingNames(int count);

    /// Seeds through the same services clients use, so the data obeys the same rules.
    /// Returns the first problem, if any.
    static std::optional<QString> seed(const QStringList &things, RegistryService &registry,
                                       ShadowService &shadows, const SandboxPki &pki);
};

} // namespace thingdeck
