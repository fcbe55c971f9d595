#pragma once

#include <QCommandLineOption>
#include <QList>
#include <QString>
#include <QStringList>

namespace thingdeck {

/// One command of thingdeck-cli: its words ("shadow update"), its arguments and options.
struct CliCommand
{
    enum class Id {
        ThingsList,
        ThingsDescribe,
        Endpoint,
        ShadowGet,
        ShadowUpdate,
        ShadowDelete,
        ShadowList,
        Sub,
        Pub,
    };

    Id id;
    QStringList words;
    QStringList arguments; ///< names of the positional arguments, "FILTER..." for a list
    QString summary;
    QList<QCommandLineOption> options;
    QString details = {}; ///< more lines for the command's --help, after the summary

    int minArguments() const;
    int maxArguments() const; ///< -1: no limit
    QString usage() const;

    static const QList<CliCommand> &all();
    /// Options every command takes (AWS CLI names where they overlap).
    static QList<QCommandLineOption> globalOptions();
};

} // namespace thingdeck
