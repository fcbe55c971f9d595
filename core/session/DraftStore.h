#pragma once

#include "Result.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

#include <optional>

namespace thingdeck {

/// Which shadow a draft belongs to.
struct ShadowDraftKey
{
    QString connection; ///< the connection's name
    QString thing;
    QString shadow; ///< empty for the classic shadow
    bool operator==(const ShadowDraftKey &) const = default;
};

/// An unapplied shadow edit, kept as typed.
struct ShadowDraft
{
    ShadowDraftKey key;
    QString section;          ///< "desired" or "reported"
    QString text;             ///< the editor's text as typed (may be invalid JSON)
    qint64 baseVersion = 0;   ///< the version the edit was based on
    QJsonObject baseDocument; ///< ShadowDocument::toJson() of that version
    QDateTime savedAt;
    bool operator==(const ShadowDraft &) const = default;
};

/// Unapplied shadow edits that survive switching thing, shadow or connection and a restart.
/// One JSON file (`drafts.json`) in a directory of the caller's choice (the program uses the
/// user's data directory, never the settings file), written atomically on every change; the
/// directory is made private (0700) and the file 0600, since drafts hold device configuration.
class DraftStore : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMaxDrafts = 500;              ///< the oldest are dropped beyond
    static constexpr qsizetype kMaxTextBytes = 1 << 20; ///< a longer text is refused

    explicit DraftStore(QString directory, QObject *parent = nullptr);

    /// Reads the stored drafts. A damaged file is moved aside (named in the error) and the
    /// store starts empty; a missing file is no error.
    Result<bool, QString> load();
    /// Stores `draft` (replacing the one with its key) and writes the file.
    Result<bool, QString> put(const ShadowDraft &draft);
    Result<bool, QString> remove(const ShadowDraftKey &key);
    std::optional<ShadowDraft> draft(const ShadowDraftKey &key) const;
    /// Newest first.
    QList<ShadowDraft> drafts() const;
    /// The drafts of one thing (any shadow) on one connection.
    QList<ShadowDraft> draftsFor(const QString &connection, const QString &thing) const;
    /// Cheap: called for every visible row of the thing browser.
    bool hasDraft(const QString &connection, const QString &thing) const;
    QString filePath() const;

Q_SIGNALS:
    void changed();

private:
    Result<bool, QString> write();
    void reindex();

    QString m_directory;
    QList<ShadowDraft> m_drafts;            ///< newest first
    QHash<QString, int> m_thingsWithDrafts; ///< "connection\nthing" -> number of drafts
};

} // namespace thingdeck
