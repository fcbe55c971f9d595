#pragma once

#include "Result.h"
#include "aws/AwsCredentials.h"
#include "aws/ConfigError.h"

#include <QList>
#include <QString>
#include <QVariant>

#include <optional>
#include <utility>

namespace thingdeck {

struct StsResponse;

/// The AWS CLI's assume-role cache, `~/.aws/cli/cache/<key>.json`, shared with the `aws`
/// command: Thingdeck reads what the CLI wrote and writes what the CLI reads.
///
/// The key is the lowercase SHA-1 of Python's `json.dumps(args, sort_keys=True)` over the
/// AssumeRole arguments (RoleArn, and whichever of RoleSessionName (only when configured),
/// ExternalId, SerialNumber and DurationSeconds (an integer) are set). A file is written
/// atomically, mode 0600, in a directory created 0700; an entry with less than 900 s left is
/// stale. SSO role credentials live in the same folder (key with compact separators, see
/// SsoProfile::roleCacheKey(); content from writeSso()).
class CredentialCache
{
public:
    /// Entries with less than this left are not used (botocore's expiry window).
    static constexpr qint64 kStaleSeconds = 900;

    /// Argument name and value: a QString, or an integer (qint64) for DurationSeconds.
    using Arguments = QList<std::pair<QString, QVariant>>;
    /// Members of a JSON object already serialized, in the order to write them.
    using JsonMembers = QList<std::pair<QString, QByteArray>>;
    /// Python's json.dumps separators: `", "`/`": "` (the default; assume-role keys and every
    /// file) or `","`/`":"` (the SSO role-credential key).
    enum class Separators { Default, Compact };

    /// `directory` is usually defaultDirectory().
    explicit CredentialCache(QString directory);

    /// `$HOME/.aws/cli/cache` (HOME from `home`, else the user's home).
    static QString defaultDirectory(const QString &home);

    /// botocore's key: sha1(json.dumps(args, sort_keys=True)), made file-safe.
    static QString key(const Arguments &arguments, Separators separators = Separators::Default);
    /// The exact text hashed for key(), for tests and messages.
    static QByteArray canonicalJson(const Arguments &arguments,
                                    Separators separators = Separators::Default);
    /// Python's json.dumps of a string (ensure_ascii: non-ASCII as \uXXXX).
    static QByteArray pythonString(const QString &text);
    /// Python's json.dumps of an object whose member values are already serialized.
    static QByteArray pythonObject(const JsonMembers &members,
                                   Separators separators = Separators::Default);
    /// Writes `content` to `path` atomically, mode 0600 from the first byte, creating missing
    /// folders up to `directory` with mode 0700. The error names the file or folder.
    static std::optional<QString> writePrivateFile(const QString &directory, const QString &path,
                                                   const QByteArray &content);

    QString filePath(const QString &key) const;

    /// The cached credentials if the file exists and has more than kStaleSeconds left
    /// (std::nullopt when missing or stale); an error for a file that cannot be read or
    /// lacks the four Credentials members, naming the file and the fix.
    Result<std::optional<AwsCredentials>, ConfigError> read(const QString &key,
                                                            const QDateTime &now) const;

    /// Writes the whole answer as the CLI v2 does (one line; Expiration as
    /// `2026-12-06T05:11:45+00:00`). The error names the file; the caller may go on without it.
    std::optional<QString> write(const QString &key, const StsResponse &response) const;
    /// Writes an SSO role-credential entry as the CLI does:
    /// `{"ProviderType": "sso", "Credentials": {…, "Expiration": "2026-12-06T05:12:24Z"}}`.
    std::optional<QString> writeSso(const QString &key, const AwsCredentials &credentials) const;
    /// The one-line JSON writeSso() writes.
    static QByteArray ssoFileContent(const AwsCredentials &credentials);

    /// The CLI v2 form of an expiration: `YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00`.
    static QString formatExpiration(const QDateTime &time);
    /// The one-line JSON written for `response`.
    static QByteArray fileContent(const StsResponse &response);

private:
    static bool ensureDirectory(const QString &directory);

    QString m_directory;
};

} // namespace thingdeck
