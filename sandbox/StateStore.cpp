#include "StateStore.h"

#include "JsonKey.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSaveFile>

#include <cerrno>
#include <cstdio>
#include <cstring>

Q_LOGGING_CATEGORY(lcSandboxState, "thingdeck.sandbox.state", QtInfoMsg)

namespace thingdeck {

namespace {

// No file of ours comes near this; anything bigger is not ours and is not read into memory.
constexpr qint64 kMaxFileBytes = 4 * 1024 * 1024;

QString folderOf(const ThingRecord &)
{
    return QStringLiteral("things");
}

QString folderOf(const ThingTypeRecord &)
{
    return QStringLiteral("thing-types");
}

QString folderOf(const ThingGroupRecord &)
{
    return QStringLiteral("thing-groups");
}

// File names keep letters, digits, '-' and '_'; the ':' and '$' that AWS names may contain
// are percent-encoded so that the files can be copied to any file system.
QString encodeName(const QString &name)
{
    return QString::fromLatin1(name.toUtf8().toPercentEncoding(QByteArrayLiteral("-_")));
}

QString decodeName(const QString &fileBase)
{
    return QString::fromUtf8(QByteArray::fromPercentEncoding(fileBase.toLatin1()));
}

template<typename Record> QString recordPath(const Record &record)
{
    return folderOf(record) + QLatin1Char('/') + encodeName(record.name) + QStringLiteral(".json");
}

QJsonObject mapToJson(const QMap<QString, QString> &map)
{
    QJsonObject json;
    for (auto it = map.begin(); it != map.end(); ++it)
        json.insert(it.key(), it.value());
    return json;
}

bool mapFromJson(const QJsonValue &value, QMap<QString, QString> &out)
{
    if (!value.isObject())
        return value.isUndefined();
    const QJsonObject json = value.toObject();
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!it.value().isString())
            return false;
        out.insert(it.key(), it.value().toString());
    }
    return true;
}

bool listFromJson(const QJsonValue &value, QStringList &out)
{
    if (!value.isArray())
        return value.isUndefined();
    for (const QJsonValue &item : value.toArray()) {
        if (!item.isString())
            return false;
        out.append(item.toString());
    }
    return true;
}

bool isCount(const QJsonValue &value)
{
    return value.isDouble() && value.toInteger(-1) >= 0;
}

QJsonObject toJson(const ThingRecord &thing)
{
    return QJsonObject{{jsonKey("thingName"), thing.name},
                       {jsonKey("thingId"), thing.id},
                       {jsonKey("thingTypeName"), thing.typeName},
                       {jsonKey("attributes"), mapToJson(thing.attributes)},
                       {jsonKey("version"), thing.version},
                       {jsonKey("groups"), QJsonArray::fromStringList(thing.groups)},
                       {jsonKey("principals"), QJsonArray::fromStringList(thing.principals)}};
}

std::optional<QString> fromJson(const QJsonObject &json, ThingRecord &thing)
{
    thing.name = json.value(jsonKey("thingName")).toString();
    thing.id = json.value(jsonKey("thingId")).toString();
    thing.typeName = json.value(jsonKey("thingTypeName")).toString();
    if (!isCount(json.value(jsonKey("version"))))
        return QStringLiteral("\"version\" must be a whole number");
    thing.version = json.value(jsonKey("version")).toInteger();
    if (!mapFromJson(json.value(jsonKey("attributes")), thing.attributes))
        return QStringLiteral("\"attributes\" must map names to strings");
    if (!listFromJson(json.value(jsonKey("groups")), thing.groups) ||
        !listFromJson(json.value(jsonKey("principals")), thing.principals))
        return QStringLiteral("\"groups\" and \"principals\" must be lists of strings");
    return std::nullopt;
}

QJsonObject toJson(const ThingTypeRecord &type)
{
    return QJsonObject{
        {jsonKey("thingTypeName"), type.name},
        {jsonKey("thingTypeId"), type.id},
        {jsonKey("description"), type.description},
        {jsonKey("searchableAttributes"), QJsonArray::fromStringList(type.searchableAttributes)},
        {jsonKey("deprecated"), type.deprecated},
        {jsonKey("deprecationDate"), type.deprecationDate},
        {jsonKey("creationDate"), type.creationDate}};
}

std::optional<QString> fromJson(const QJsonObject &json, ThingTypeRecord &type)
{
    type.name = json.value(jsonKey("thingTypeName")).toString();
    type.id = json.value(jsonKey("thingTypeId")).toString();
    type.description = json.value(jsonKey("description")).toString();
    type.deprecated = json.value(jsonKey("deprecated")).toBool();
    type.deprecationDate = json.value(jsonKey("deprecationDate")).toInteger();
    type.creationDate = json.value(jsonKey("creationDate")).toInteger();
    if (!listFromJson(json.value(jsonKey("searchableAttributes")), type.searchableAttributes))
        return QStringLiteral("\"searchableAttributes\" must be a list of strings");
    return std::nullopt;
}

QJsonObject toJson(const ThingGroupRecord &group)
{
    return QJsonObject{{jsonKey("thingGroupName"), group.name},
                       {jsonKey("thingGroupId"), group.id},
                       {jsonKey("parentGroupName"), group.parent},
                       {jsonKey("description"), group.description},
                       {jsonKey("attributes"), mapToJson(group.attributes)},
                       {jsonKey("version"), group.version},
                       {jsonKey("creationDate"), group.creationDate}};
}

std::optional<QString> fromJson(const QJsonObject &json, ThingGroupRecord &group)
{
    group.name = json.value(jsonKey("thingGroupName")).toString();
    group.id = json.value(jsonKey("thingGroupId")).toString();
    group.parent = json.value(jsonKey("parentGroupName")).toString();
    group.description = json.value(jsonKey("description")).toString();
    group.version = json.value(jsonKey("version")).toInteger(1);
    group.creationDate = json.value(jsonKey("creationDate")).toInteger();
    if (!mapFromJson(json.value(jsonKey("attributes")), group.attributes))
        return QStringLiteral("\"attributes\" must map names to strings");
    return std::nullopt;
}

QStringList jsonFiles(const QString &folder)
{
    return QDir(folder).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
}

QString baseName(const QString &fileName)
{
    return fileName.left(fileName.size() - int(qstrlen(".json")));
}

} // namespace

StateStore::StateStore(QString directory, Durability durability)
    : m_directory(std::move(directory))
    , m_durability(durability)
{}

std::optional<StoreError> StateStore::load()
{
    if (!QDir().mkpath(m_directory))
        return StoreError{m_directory, QStringLiteral("cannot create the state directory")};
    if (!QFileInfo(m_directory).isWritable())
        return StoreError{m_directory, QStringLiteral("the state directory is not writable")};
    m_problems.clear();
    m_things.clear();
    m_thingTypes.clear();
    m_thingGroups.clear();
    m_shadows.clear();
    loadFolder(m_things);
    loadFolder(m_thingTypes);
    loadFolder(m_thingGroups);
    loadShadows();
    return std::nullopt;
}

template<typename Record> void StateStore::loadFolder(std::map<QString, Record> &into)
{
    const QString path = m_directory + QLatin1Char('/') + folderOf(Record());
    for (const QString &fileName : jsonFiles(path)) {
        const QString file = path + QLatin1Char('/') + fileName;
        const auto json = readJson(file);
        if (!json)
            continue;
        Record record;
        if (auto error = fromJson(*json, record)) {
            report(file, *error);
            continue;
        }
        if (record.name.isEmpty() || encodeName(record.name) != baseName(fileName)) {
            report(file, QStringLiteral("the name inside does not match the file name"));
            continue;
        }
        into[record.name] = record;
    }
}

void StateStore::loadShadows()
{
    const QDir root(m_directory + QStringLiteral("/shadows"));
    for (const QString &thingFolder : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        const QString thing = decodeName(thingFolder);
        const QString folder = root.filePath(thingFolder);
        if (QFileInfo::exists(folder + QStringLiteral("/classic.json")))
            loadShadowFile(thing, QString(), folder + QStringLiteral("/classic.json"));
        for (const QString &fileName : jsonFiles(folder + QStringLiteral("/named")))
            loadShadowFile(thing, decodeName(baseName(fileName)),
                           folder + QStringLiteral("/named/") + fileName);
    }
}

void StateStore::loadShadowFile(const QString &thing, const QString &shadowName,
                                const QString &path)
{
    const auto json = readJson(path);
    if (!json)
        return;
    auto document = ShadowDocument::fromJson(*json);
    if (!document.ok()) {
        report(path, document.error());
        return;
    }
    m_shadows[{thing, shadowName}] = document.value();
}

std::optional<QJsonObject> StateStore::readJson(const QString &path)
{
    QFile file(path);
    if (file.size() > kMaxFileBytes) {
        report(path, QStringLiteral("larger than %1 bytes").arg(kMaxFileBytes));
        return std::nullopt;
    }
    if (!file.open(QIODevice::ReadOnly)) {
        report(path, file.errorString());
        return std::nullopt;
    }
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError) {
        report(path, QStringLiteral("not valid JSON (%1 at byte %2)")
                         .arg(error.errorString())
                         .arg(error.offset));
        return std::nullopt;
    }
    if (!document.isObject()) {
        report(path, QStringLiteral("not a JSON object"));
        return std::nullopt;
    }
    return document.object();
}

void StateStore::report(const QString &path, const QString &message)
{
    qCWarning(lcSandboxState).noquote() << "skipping" << path << "-" << message;
    m_problems.append(StoreError{path, message});
}

const ThingRecord *StateStore::thing(const QString &name) const
{
    const auto it = m_things.find(name);
    return it == m_things.end() ? nullptr : &it->second;
}

std::optional<StoreError> StateStore::putThing(const ThingRecord &thing)
{
    if (auto error = writeJson(recordPath(thing), toJson(thing)))
        return error;
    m_things[thing.name] = thing;
    return std::nullopt;
}

std::optional<StoreError> StateStore::removeThing(const QString &name)
{
    ThingRecord probe;
    probe.name = name;
    if (auto error = removeFile(recordPath(probe)))
        return error;
    m_things.erase(name);
    return std::nullopt;
}

std::optional<StoreError> StateStore::putThingType(const ThingTypeRecord &type)
{
    if (auto error = writeJson(recordPath(type), toJson(type)))
        return error;
    m_thingTypes[type.name] = type;
    return std::nullopt;
}

std::optional<StoreError> StateStore::putThingGroup(const ThingGroupRecord &group)
{
    if (auto error = writeJson(recordPath(group), toJson(group)))
        return error;
    m_thingGroups[group.name] = group;
    return std::nullopt;
}

ShadowDocument StateStore::shadow(const QString &thing, const QString &shadowName) const
{
    const auto it = m_shadows.find({thing, shadowName});
    return it == m_shadows.end() ? ShadowDocument() : it->second;
}

std::optional<StoreError> StateStore::putShadow(const QString &thing, const QString &shadowName,
                                                const ShadowDocument &document)
{
    if (auto error = writeJson(shadowPath(thing, shadowName), document.toJson()))
        return error;
    m_shadows[{thing, shadowName}] = document;
    return std::nullopt;
}

QStringList StateStore::namedShadows(const QString &thing) const
{
    QStringList names;
    // Keys sort by thing first, and the classic shadow ("") before every named one.
    for (auto it = m_shadows.upper_bound({thing, QString()});
         it != m_shadows.end() && it->first.first == thing; ++it) {
        if (it->second.exists())
            names.append(it->first.second);
    }
    return names;
}

QString StateStore::shadowPath(const QString &thing, const QString &shadowName) const
{
    const QString folder = QStringLiteral("shadows/") + encodeName(thing);
    if (shadowName.isEmpty())
        return folder + QStringLiteral("/classic.json");
    return folder + QStringLiteral("/named/") + encodeName(shadowName) + QStringLiteral(".json");
}

std::optional<StoreError> StateStore::writeJson(const QString &relativePath,
                                                const QJsonObject &json) const
{
    const QString path = m_directory + QLatin1Char('/') + relativePath;
    if (!QDir().mkpath(QFileInfo(path).path()))
        return StoreError{path, QStringLiteral("cannot create the folder")};
    const QByteArray bytes = QJsonDocument(json).toJson(QJsonDocument::Compact);
    return m_durability == Durability::SyncToDisk ? writeSynced(path, bytes)
                                                  : writeRenamed(path, bytes);
}

std::optional<StoreError> StateStore::writeSynced(const QString &path,
                                                  const QByteArray &bytes) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return StoreError{path, file.errorString()};
    file.write(bytes);
    if (!file.commit())
        return StoreError{path, file.errorString()};
    return std::nullopt;
}

// POSIX rename() replaces the target atomically; QFile::rename() refuses an existing target.
std::optional<StoreError> StateStore::writeRenamed(const QString &path,
                                                   const QByteArray &bytes) const
{
    const QString temporary = path + QStringLiteral(".tmp");
    QFile file(temporary);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return StoreError{temporary, file.errorString()};
    const bool written = file.write(bytes) == bytes.size() && file.flush();
    file.close();
    if (!written || std::rename(QFile::encodeName(temporary).constData(),
                                QFile::encodeName(path).constData()) != 0) {
        QFile::remove(temporary);
        return StoreError{path, written ? QString::fromLocal8Bit(std::strerror(errno))
                                        : file.errorString()};
    }
    return std::nullopt;
}

std::optional<StoreError> StateStore::removeFile(const QString &relativePath) const
{
    const QString path = m_directory + QLatin1Char('/') + relativePath;
    QFile file(path);
    if (file.exists() && !file.remove())
        return StoreError{path, file.errorString()};
    return std::nullopt;
}

} // namespace thingdeck
