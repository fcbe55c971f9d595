#pragma once

#include "CliCommand.h"
#include "Result.h"

#include <QHash>
#include <QStringList>

namespace thingdeck {

/// A parsed thingdeck-cli command line: which command, its arguments, the options given.
/// Parsing errors are usage errors (exit code 2) with one sentence and a pointer to --help.
struct CliInvocation
{
    const CliCommand *command = nullptr; ///< null with `help` set: general help
    QStringList arguments;
    QHash<QString, QString> values; ///< option name → value ("" for a flag given)
    bool help = false;
    bool version = false; ///< --version: print the version and exit

    bool isSet(const char *option) const { return values.contains(QLatin1String(option)); }
    QString value(const char *option) const { return values.value(QLatin1String(option)); }

    static Result<CliInvocation, QString> parse(const QStringList &arguments);
    static QString generalHelp();
    static QString commandHelp(const CliCommand &command);
};

} // namespace thingdeck
