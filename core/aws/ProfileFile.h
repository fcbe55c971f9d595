#pragma once

#include "Result.h"
#include "aws/ConfigError.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace thingdeck {

/// The profiles, sso-sessions and services sections of an AWS shared `config` or `credentials`
/// file, or of both merged, read exactly as the AWS CLI reads them (botocore's configloader on
/// top of Python's configparser), so a file that works with `aws` works here and vice versa.
///
/// Property names are lower-cased. A property whose value is an indented block of
/// `name = value` lines (a sub-section, as in `[services …]`) keeps it as raw text that starts
/// with "\n" and has one stripped line per sub-property; subProperties() reads it.
class ProfileFile
{
public:
    enum class Kind {
        Config,      ///< `[default]`, `[profile x]`, `[sso-session x]`, `[services x]`
        Credentials, ///< `[x]`: every section is a profile, named verbatim
    };
    using Properties = QMap<QString, QString>;
    using Sections = QMap<QString, Properties>;

    ProfileFile() = default;

    /// Parses the text of one file. `fileName` labels errors, which carry the 1-based line.
    static Result<ProfileFile, ConfigError> parse(const QString &text, Kind kind,
                                                  const QString &fileName);

    /// Profiles of both files, property by property; where both set a property the
    /// credentials file wins. sso-sessions and services only exist in the config file.
    static ProfileFile merge(const ProfileFile &config, const ProfileFile &credentials);

    const Sections &profiles() const { return m_profiles; }
    const Sections &ssoSessions() const { return m_ssoSessions; }
    const Sections &services() const { return m_services; }

    bool hasProfile(const QString &name) const { return m_profiles.contains(name); }
    Properties profile(const QString &name) const { return m_profiles.value(name); }
    QStringList profileNames() const { return m_profiles.keys(); }

    /// True for a value that holds sub-properties (an indented block under `name =`).
    static bool isSubPropertyBlock(const QString &value);

    /// The sub-properties of such a value. Names are kept as written (botocore does not
    /// lower-case them); an empty map for any other value.
    static Properties subProperties(const QString &value);

    /// Splits text into words like Python's shlex.split, which botocore uses both for section
    /// headers (`[profile "my name"]`) and for credential_process: whitespace separates words,
    /// single quotes are literal, double quotes let a backslash escape `"` and `\`, and a
    /// backslash outside quotes escapes any character. No expansion of any kind.
    /// std::nullopt for an unclosed quote or a trailing backslash.
    static std::optional<QStringList> splitShellWords(const QString &text);

private:
    void addSection(const QString &header, const Properties &properties, Kind kind);

    Sections m_profiles;
    Sections m_ssoSessions;
    Sections m_services;
};

} // namespace thingdeck
