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
///
/// Besides the devices it can seed a large plain registry, as AWS's bulk registration leaves
/// one: things of the "Asset" type with a few attributes and nothing else.
class SandboxSeeder
{
public:
    /// Thing names for `count` devices: lamp-01, thermostat-02, sensor-03, ...
    static QStringList thingNames(int count);

    /// Seeds through the same services clients use, so the data obeys the same rules.
    /// Returns the first problem, if any.
    static std::optional<QString> seed(const QStringList &things, RegistryService &registry,
                                       ShadowService &shadows, const SandboxPki &pki);

    /// The name of plain registry thing number `number` (from 1): asset-000001, …
    static QString registryThingName(int number);

    /// Creates the "Asset" thing type if needed and registry things number `first` to `last`
    /// (from 1, both included) with their attributes: no group, principal or shadow. Things
    /// that exist already with the same attributes are left as they are (CreateThing is
    /// idempotent). Returns the first problem, if any.
    static std::optional<QString> seedRegistryThings(int first, int last,
                                                     RegistryService &registry);
};

} // namespace thingdeck
