#pragma once

#include <QString>
#include <QStringList>

namespace thingdeck {

/// The desktop program's command line: `--help`, `--version`, `--connection NAME`,
/// `--profile NAME [--region R]`, `--sandbox`. Parsed before any window exists, so that
/// `--help` and a mistyped option work without a display.
struct LaunchOptions
{
    enum class Action { Run, Help, Version, Error };
    enum class Open { Default, Sandbox, Connection, Profile };

    Action action = Action::Run;
    Open open = Open::Default;
    QString connection;
    QString profile;
    QString region;
    QString error; ///< one line, for Action::Error

    /// `arguments` as main() got them, program name first. Qt's own window-system options
    /// (-platform, -style, …) are skipped, as QApplication takes them.
    static LaunchOptions parse(const QStringList &arguments);
    static QString helpText();
};

} // namespace thingdeck
