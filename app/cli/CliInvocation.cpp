#include "CliInvocation.h"

#include <QCommandLineParser>

namespace thingdeck {

namespace {

QList<QCommandLineOption> allOptions()
{
    QList<QCommandLineOption> options = CliCommand::globalOptions();
    QStringList seen;
    for (const QCommandLineOption &o : options)
        seen += o.names();
    for (const CliCommand &command : CliCommand::all()) {
        for (const QCommandLineOption &o : command.options) {
            if (!seen.contains(o.names().first())) {
                options.append(o);
                seen += o.names();
            }
        }
    }
    return options;
}

// The command whose words start the positional arguments (the longest match).
const CliCommand *findCommand(const QStringList &positionals)
{
    const CliCommand *best = nullptr;
    for (const CliCommand &command : CliCommand::all()) {
        if (positionals.mid(0, command.words.size()) == command.words &&
            (!best || command.words.size() > best->words.size()))
            best = &command;
    }
    return best;
}

QString unknownCommand(const QStringList &positionals)
{
    if (positionals.isEmpty())
        return QStringLiteral("no command given; run thingdeck-cli --help for the list");
    return QStringLiteral("unknown command \"%1\"; run thingdeck-cli --help for the list")
        .arg(positionals.mid(0, 2).join(QLatin1Char(' ')));
}

Result<QStringList, QString> positionalsOf(QCommandLineParser &parser, const QStringList &args)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    if (!parser.parse(args))
        return fail(parser.errorText() + QStringLiteral("; see --help"));
    return parser.positionalArguments();
}

std::optional<QString> checkCount(const CliCommand &command, qsizetype given)
{
    const bool tooFew = given < command.minArguments();
    const bool tooMany = command.maxArguments() >= 0 && given > command.maxArguments();
    if (!tooFew && !tooMany)
        return std::nullopt;
    return QStringLiteral("%1 arguments; usage: %2")
        .arg(tooFew ? QStringLiteral("missing") : QStringLiteral("too many"), command.usage());
}

} // namespace

Result<CliInvocation, QString> CliInvocation::parse(const QStringList &arguments)
{
    // The program's version: alone, since `shadow update --version N` is a shadow's version.
    if (arguments.mid(1) == QStringList{QStringLiteral("--version")}) {
        CliInvocation out;
        out.version = true;
        return out;
    }
    QCommandLineParser any;
    any.addOptions(allOptions());
    const auto found = positionalsOf(any, arguments);
    if (!found.ok())
        return fail(found.error());
    CliInvocation out;
    out.command = findCommand(found.value());
    out.help = any.isSet(QStringLiteral("help"));
    if (!out.command)
        return out.help ? Result<CliInvocation, QString>(out) : fail(unknownCommand(found.value()));
    QCommandLineParser strict;
    strict.addOptions(CliCommand::globalOptions() + out.command->options);
    const auto positionals = positionalsOf(strict, arguments);
    if (!positionals.ok())
        return fail(positionals.error());
    out.arguments = positionals.value().mid(out.command->words.size());
    for (const QString &name : strict.optionNames())
        out.values.insert(name, strict.value(name));
    if (out.help)
        return out;
    if (auto problem = checkCount(*out.command, out.arguments.size()))
        return fail(*problem);
    return out;
}

QString CliInvocation::generalHelp()
{
    QString text = QStringLiteral(
        "Usage: thingdeck-cli COMMAND [ARGUMENTS] [options]\n"
        "       thingdeck-cli --help | --version\n\n"
        "A command-line console for AWS IoT: the thing registry, device shadows and live MQTT.\n"
        "Credentials, region and endpoints are found as the AWS CLI finds them (AWS_* variables,\n"
        "~/.aws/config, ~/.aws/credentials: keys, role_arn with source_profile or\n"
        "credential_source and mfa_serial, web identity, IAM Identity Center (SSO) after\n"
        "`aws sso login`, credential_process), sharing the AWS CLI's caches in ~/.aws.\n\n"
        "Commands:\n");
    for (const CliCommand &command : CliCommand::all()) {
        text += QStringLiteral("  %1%2\n")
                    .arg(command.words.join(QLatin1Char(' ')).leftJustified(18), command.summary);
    }
    return text +
           QStringLiteral(
               "\nRun thingdeck-cli COMMAND --help for a command's options.\n"
               "Exit codes: 0 done, 1 runtime error, 2 usage error, 128+N stopped by signal N\n"
               "(130 Ctrl+C, 143 SIGTERM, 129 SIGHUP) as a shell reports a command ended by a\n"
               "signal, so that a script tells a stop from a finished sub --count. Output is\n"
               "written as it arrives; a stop writes everything received, then disconnects.\n");
}

QString CliInvocation::commandHelp(const CliCommand &command)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(command.details.isEmpty()
                                         ? command.summary
                                         : command.summary + QLatin1Char('\n') + command.details);
    parser.addOptions(command.options + CliCommand::globalOptions());
    QString text = parser.helpText();
    // Qt's first line names the executable generically; show the command's own usage.
    text.replace(0, text.indexOf(QLatin1Char('\n')), QStringLiteral("Usage: ") + command.usage());
    return text;
}

} // namespace thingdeck
