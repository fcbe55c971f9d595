#pragma once

#include <QString>

namespace thingdeck {

/// Why credentials or configuration could not be resolved. `message` is one or two sentences
/// for a person: it names the cause and the fix, and never contains a secret.
struct ConfigError
{
    enum class Kind {
        UnknownProfile,       ///< the requested profile is in neither file
        MalformedFile,        ///< a line of a config or credentials file cannot be parsed
        MissingKeys,          ///< a profile has one of the two keys but not the other
        UnreadableFile,       ///< a file exists (or was named explicitly) but cannot be read
        NoCredentials,        ///< nothing in the chain yielded credentials
        ProcessFailed,        ///< credential_process could not start or exited non-zero
        ProcessTimeout,       ///< credential_process did not finish in time
        ProcessOutputInvalid, ///< credential_process printed something that is not Version 1 JSON
        InvalidValue,         ///< a setting has a value that cannot be used (e.g. a bad URL)
        CredentialLoop,       ///< source_profile settings lead back to a profile already visited
        MfaRequired,          ///< an MFA code is needed and none could be had
        StsFailed,            ///< STS refused the role or could not be reached
        /// The IAM Identity Center (SSO) token is missing, expired or rejected and could not be
        /// refreshed: `aws sso login --profile <profile>` fixes it (the GUI may offer to run it).
        SsoLoginRequired,
        SsoFailed, ///< the SSO portal or OIDC service refused or could not be reached
    };

    Kind kind = Kind::NoCredentials;
    QString message;
    QString file; ///< the file concerned, if any
    int line = 0; ///< 1-based line in `file`, 0 when not about a line
    /// For SsoLoginRequired: the profile to pass to `aws sso login --profile`.
    QString profile = {};
};

} // namespace thingdeck
