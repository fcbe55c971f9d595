#include "session/DraftStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include <algorithm>

namespace thingdeck {

namespace {

constexpr int kFormat = 1;
constexpr auto kPrivateFile = QFile::ReadOwner | QFile::WriteOwner;
constexpr auto kPrivateDirectory = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner;

QJsonObject toJson(const ShadowDraft &draft)
{
    return QJsonObject{
        {QStringLiteral("connection"), draft.key.connection},
        {QStringLiteral("thing"), draft.key.thing},
        {QStringLiteral("shadow"), draft.key.shadow},
        {QStringLiteral("section"), draft.section},
        {QStringLiteral("text"), draft.text},
        {QStringLiteral("baseVersion"), draft.baseVersion},
        {QStringLiteral("baseDocument"), draft.baseDocument},
        {QStringLiteral("savedAt"), draft.savedAt.toMSecsSinceEpoch()},
    };
}

/// A stored draft; nullopt for an entry without a thing or section (skipped, not fatal).
std::optional<ShadowDraft> fromJson(const QJsonObject &json)
{
    ShadowDraft draft;
    draft.key.connection = json.value(QStringLiteral("connection")).toString();
    draft.key.thing = json.value(QStringLiteral("thing")).toString();
    draft.key.shadow = json.value(QStringLiteral("shadow")).toString();
    draft.section = json.value(QStringLiteral("section")).toString();
    draft.text = json.value(QStringLiteral("text")).toString();
    draft.baseVersion = json.value(QStringLiteral("baseVersion")).toInteger();
    draft.baseDocument = json.value(QStringLiteral("baseDocument")).toObject();
    draft.savedAt =
        QDateTime::fromMSecsSinceEpoch(json.value(QStringLiteral("savedAt")).toInteger());
    if (draft.key.thing.isEmpty() || draft.section.isEmpty())
        return std::nullopt;
    return draft;
}

} // namespace

DraftStore::DraftStore(QString directory, QObject *parent)
    : QObject(parent)
    , m_directory(std::move(directory))
{}

QString DraftStore::filePath() const
{
    return QDir(m_directory).filePath(QStringLiteral("drafts.json"));
}

Result<bool, QString> DraftStore::load()
{
    m_drafts.clear();
    reindex();
    QFile file(filePath());
    if (!file.exists()) {
        emit changed();
        return true;
    }
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("Cannot read the drafts in %1: %2.")
                        .arg(QDir::toNativeSeparators(filePath()), file.errorString()));
    const QByteArray bytes = file.readAll();
    file.close();
    auto loaded = read(bytes);
    reindex();
    emit changed();
    return loaded;
}

// Fills m_drafts from the file's bytes; a file that is not a drafts file is moved aside.
Result<bool, QString> DraftStore::read(const QByteArray &bytes)
{
    QJsonParseError error{};
    const QJsonObject root = QJsonDocument::fromJson(bytes, &error).object();
    if (error.error != QJsonParseError::NoError)
        return moveAside(error.errorString());
    if (root.value(QStringLiteral("format")).toInt() != kFormat ||
        !root.value(QStringLiteral("drafts")).isArray())
        return moveAside(QStringLiteral("not a drafts file of format %1").arg(kFormat));
    for (const auto &value : root.value(QStringLiteral("drafts")).toArray()) {
        if (auto draft = fromJson(value.toObject()))
            m_drafts.append(*draft);
    }
    std::stable_sort(
        m_drafts.begin(), m_drafts.end(),
        [](const ShadowDraft &a, const ShadowDraft &b) { return a.savedAt > b.savedAt; });
    if (m_drafts.size() > kMaxDrafts)
        m_drafts.resize(kMaxDrafts);
    return true;
}

Result<bool, QString> DraftStore::moveAside(const QString &why) const
{
    const QString aside =
        filePath() + QStringLiteral(".damaged-") +
        QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"));
    if (!QFile::rename(filePath(), aside))
        return fail(QStringLiteral("The drafts file %1 is damaged (%2) and could not be moved "
                                   "aside; the drafts start empty and will replace it.")
                        .arg(QDir::toNativeSeparators(filePath()), why));
    return fail(QStringLiteral("The drafts file was damaged (%1); it was moved to %2 and the "
                               "drafts start empty.")
                    .arg(why, QDir::toNativeSeparators(aside)));
}

Result<bool, QString> DraftStore::put(const ShadowDraft &draft)
{
    if (draft.text.toUtf8().size() > kMaxTextBytes)
        return fail(QStringLiteral("The edit is larger than %1 MB and is not kept as a draft.")
                        .arg(kMaxTextBytes >> 20));
    ShadowDraft stored = draft;
    if (!stored.savedAt.isValid())
        stored.savedAt = QDateTime::currentDateTime();
    m_drafts.removeIf([&](const ShadowDraft &d) { return d.key == draft.key; });
    m_drafts.prepend(stored);
    if (m_drafts.size() > kMaxDrafts)
        m_drafts.resize(kMaxDrafts);
    reindex();
    auto written = write();
    emit changed();
    return written;
}

Result<bool, QString> DraftStore::remove(const ShadowDraftKey &key)
{
    if (m_drafts.removeIf([&](const ShadowDraft &d) { return d.key == key; }) == 0)
        return true;
    reindex();
    auto written = write();
    emit changed();
    return written;
}

std::optional<ShadowDraft> DraftStore::draft(const ShadowDraftKey &key) const
{
    for (const ShadowDraft &d : m_drafts) {
        if (d.key == key)
            return d;
    }
    return std::nullopt;
}

QList<ShadowDraft> DraftStore::drafts() const
{
    return m_drafts;
}

QList<ShadowDraft> DraftStore::draftsFor(const QString &connection, const QString &thing) const
{
    QList<ShadowDraft> found;
    if (!hasDraft(connection, thing))
        return found;
    for (const ShadowDraft &d : m_drafts) {
        if (d.key.connection == connection && d.key.thing == thing)
            found.append(d);
    }
    return found;
}

bool DraftStore::hasDraft(const QString &connection, const QString &thing) const
{
    const auto things = m_index.constFind(connection);
    return things != m_index.cend() && things->contains(thing);
}

void DraftStore::reindex()
{
    m_index.clear();
    for (const ShadowDraft &d : std::as_const(m_drafts))
        ++m_index[d.key.connection][d.key.thing];
}

// Creates the directory private from the start (no moment in which others may list it).
Result<bool, QString> DraftStore::makeDirectory() const
{
    const QFileInfo info(m_directory);
    if (info.isDir())
        return true;
    const QString parent = info.absolutePath();
    if (!QDir().mkpath(parent) || !QDir().mkdir(info.absoluteFilePath(), kPrivateDirectory))
        return fail(QStringLiteral("Cannot create the folder %1 for the drafts.")
                        .arg(QDir::toNativeSeparators(m_directory)));
    return true;
}

Result<bool, QString> DraftStore::write()
{
    if (auto made = makeDirectory(); !made)
        return made;
    QJsonArray array;
    for (const ShadowDraft &d : std::as_const(m_drafts))
        array.append(toJson(d));
    const QByteArray bytes = QJsonDocument(QJsonObject{{QStringLiteral("format"), kFormat},
                                                       {QStringLiteral("drafts"), array}})
                                 .toJson(QJsonDocument::Compact);
    QSaveFile file(filePath());
    // The temporary file gets the permissions before any content reaches it.
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(kPrivateFile) ||
        file.write(bytes) != bytes.size() || !file.commit())
        return fail(QStringLiteral("Cannot write the drafts to %1: %2.")
                        .arg(QDir::toNativeSeparators(filePath()), file.errorString()));
    return true;
}

} // namespace thingdeck
