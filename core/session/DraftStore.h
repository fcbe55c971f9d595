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

/// An unapplied shadow edit, kept as typed, with the version it was based on.
struct ShadowDraft
{
    ShadowDraftKey key;
    QString section;          ///< "desired" or "reported"
    QString text;             ///< the editor's text as typed (may be invalid JSON)
    qint64 baseVersion = 0;   ///< the version the edit was based on
    QJsonObject baseDocument; ///< ShadowDocument::toJson() of that version
    QDateTime savedAt;        ///< when it was stored; put() fills in now when invalid
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

    /// Reads the stored drafts, replacing those in memory. A damaged file (or one of another
    /// format) is moved aside, named in the error, and the store starts empty; a missing file
    /// is no error. Errors are sentences.
    Result<bool, QString> load();
    /// Stores `draft` as the newest (replacing the one with its key, dropping the oldest beyond
    /// kMaxDrafts) and writes the file at once, atomically. A text over kMaxTextBytes is
    /// refused and nothing changes; when writing fails the draft is still kept in memory.
    Result<bool, QString> put(const ShadowDraft &draft);
    /// Forgets the draft of `key` (no error when there is none) and writes the file.
    Result<bool, QString> remove(const ShadowDraftKey &key);
    /// The draft of `key`, nullopt when there is none.
    std::optional<ShadowDraft> draft(const ShadowDraftKey &key) const;
    /// All drafts, newest first.
    QList<ShadowDraft> drafts() const;
    /// The drafts of one thing (any shadow) on one connection, newest first.
    QList<ShadowDraft> draftsFor(const QString &connection, const QString &thing) const;
    /// Whether the thing has a draft on any of its shadows. Two hash look-ups: the thing browser
    /// calls it for every row it paints.
    bool hasDraft(const QString &connection, const QString &thing) const;
    /// The drafts file: `drafts.json` in the store's directory.
    QString filePath() const;

Q_SIGNALS:
    /// The drafts changed (put, remove, load).
    void changed();

private:
    Result<bool, QString> read(const QByteArray &bytes);
    Result<bool, QString> moveAside(const QString &why) const;
    Result<bool, QString> write();
    Result<bool, QString> makeDirectory() const;
    void reindex();

    QString m_directory;
    QList<ShadowDraft> m_drafts; ///< newest first
    /// connection -> thing -> how many of its shadows have a draft.
    QHash<QString, QHash<QString, int>> m_index;
};

} // namespace thingdeck
