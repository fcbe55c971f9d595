#pragma once

#include "iot/ShadowDocument.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <map>
#include <optional>
#include <utility>

namespace thingdeck {

/// A thing in the registry.
struct ThingRecord
{
    QString name;
    QString id;       ///< UUID, fixed at creation
    QString typeName; ///< empty when the thing has no type
    QMap<QString, QString> attributes;
    qint64 version = 1;
    QStringList groups;     ///< names of the groups it is directly in
    QStringList principals; ///< attached principal ARNs, in attach order

    bool operator==(const ThingRecord &) const = default;
};

/// A thing type. Times are epoch milliseconds (AWS answers them as fractional seconds).
struct ThingTypeRecord
{
    QString name;
    QString id;
    QString description;
    QStringList searchableAttributes;
    bool deprecated = false;
    qint64 deprecationDate = 0; ///< meaningful only when deprecated
    qint64 creationDate = 0;

    bool operator==(const ThingTypeRecord &) const = default;
};

/// A (static) thing group.
struct ThingGroupRecord
{
    QString name;
    QString id;
    QString parent; ///< empty for a root group
    QString description;
    QMap<QString, QString> attributes;
    qint64 version = 1;
    qint64 creationDate = 0; ///< epoch milliseconds

    bool operator==(const ThingGroupRecord &) const = default;
};

/// A file of the store that could not be read or written, and why.
struct StoreError
{
    QString file;
    QString message;

    QString toString() const { return file + QStringLiteral(": ") + message; }
};

/// The sandbox's persistent state in one directory: the registry (things, thing types, thing
/// groups, memberships, principals) and every shadow with its version and metadata, deleted
/// shadows included (their version carries on, aws-iot.md §4).
///
/// Layout: one small JSON file per thing, thing type, thing group and shadow
/// (`things/<name>.json`, `shadows/<thing>/classic.json`, `shadows/<thing>/named/<name>.json`,
/// names percent-encoded), so that a device reporting telemetry rewrites only its own shadow
/// file. Every write goes to a temporary file that is renamed over the old one (see
/// Durability): killing the process at any moment loses at most the write in flight and never
/// leaves a half-written file; leftover temporary files are not `*.json` and are ignored.
/// Everything is also kept in memory; the memory copy changes only after the file was written, so
/// memory and disk never disagree.
class StateStore
{
public:
    /// How hard a write tries to reach the disk. Both replace files atomically (a temporary
    /// file renamed over the old one), so neither can leave a half-written file.
    enum class Durability {
        /// QSaveFile: the data is flushed (fdatasync) before the rename, so a write also
        /// survives a power cut. Costs a disk flush per write (about 7 ms on the test VM).
        SyncToDisk,
        /// Temporary file and rename without a flush: survives the process being killed at any
        /// moment (the kernel keeps the data), not a power cut. About ten times faster; for
        /// sandboxes whose devices report telemetry often.
        SurviveProcessCrash,
    };

    explicit StateStore(QString directory, Durability durability = Durability::SyncToDisk);

    /// Creates the directory if needed and reads every file. Fails only when the directory
    /// cannot be used; a file that cannot be read is skipped and listed in problems().
    std::optional<StoreError> load();
    /// The files load() skipped, and why.
    const QList<StoreError> &problems() const { return m_problems; }
    QString directory() const { return m_directory; }

    /// All things, sorted by name.
    const std::map<QString, ThingRecord> &things() const { return m_things; }
    const ThingRecord *thing(const QString &name) const;
    std::optional<StoreError> putThing(const ThingRecord &thing);
    std::optional<StoreError> removeThing(const QString &name);

    const std::map<QString, ThingTypeRecord> &thingTypes() const { return m_thingTypes; }
    std::optional<StoreError> putThingType(const ThingTypeRecord &type);

    const std::map<QString, ThingGroupRecord> &thingGroups() const { return m_thingGroups; }
    std::optional<StoreError> putThingGroup(const ThingGroupRecord &group);

    /// The shadow as stored; a never-existing one when there is none. An empty `shadowName`
    /// is the classic shadow.
    ShadowDocument shadow(const QString &thing, const QString &shadowName) const;
    std::optional<StoreError> putShadow(const QString &thing, const QString &shadowName,
                                        const ShadowDocument &document);
    /// The names of the existing named shadows of `thing`, sorted.
    QStringList namedShadows(const QString &thing) const;

private:
    using ShadowKey = std::pair<QString, QString>; ///< thing, shadow name ("" = classic)

    template<typename Record> void loadFolder(std::map<QString, Record> &into);
    void loadShadows();
    void loadShadowFile(const QString &thing, const QString &shadowName, const QString &path);
    std::optional<QJsonObject> readJson(const QString &path);
    std::optional<StoreError> writeJson(const QString &relativePath, const QJsonObject &json) const;
    std::optional<StoreError> writeSynced(const QString &path, const QByteArray &bytes) const;
    std::optional<StoreError> writeRenamed(const QString &path, const QByteArray &bytes) const;
    std::optional<StoreError> removeFile(const QString &relativePath) const;
    QString shadowPath(const QString &thing, const QString &shadowName) const;
    void report(const QString &path, const QString &message);

    QString m_directory;
    Durability m_durability;
    QList<StoreError> m_problems;
    std::map<QString, ThingRecord> m_things;
    std::map<QString, ThingTypeRecord> m_thingTypes;
    std::map<QString, ThingGroupRecord> m_thingGroups;
    std::map<ShadowKey, ShadowDocument> m_shadows;
};

} // namespace thingdeck
