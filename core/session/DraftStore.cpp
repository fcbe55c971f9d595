#include "session/DraftStore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace thingdeck {

namespace {

constexpr int kFormat = 1;

QString thingKey(const QString &connection, const QString &thing)
{
    return connection + QLatin1Char('\n') + thing;
}

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
        {QStringLiteral("savedAt"), draft.savedAt.toUTC().toString(Qt::ISODateWithMs)},
    };
}

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
        QDateTime::fromString(json.value(QStringLiteral("savedAt")).toString(), Qt::ISODateWithMs)
            .toLocalTime();
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
    QFile file(filePath());
    if (!file.exists()) {
        reindex();
        return true;
    }
    if (!file.open(QIODevice::ReadOnly))
        return fail(
            QStringLiteral("Cannot read the drafts in %1: %2").arg(filePath(), file.errorString()));
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
    file.close();
    const QJsonObject root = document.object();
    if (error.error != QJsonParseError::NoError ||
        !root.value(QStringLiteral("drafts")).isArray()) {
        const QString aside =
            filePath() + QStringLiteral(".damaged-") +
            QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMddHHmmss"));
        QFile::rename(filePath(), aside);
        reindex();
        return fail(QStringLiteral("The drafts file was damaged; it was moved to %1 and the "
                                   "drafts start empty.")
                        .arg(aside));
    }
    for (const QJsonValue &value : root.value(QStringLiteral("drafts")).toArray()) {
        if (auto draft = fromJson(value.toObject()))
            m_drafts.append(*draft);
    }
    std::stable_sort(
        m_drafts.begin(), m_drafts.end(),
        [](const ShadowDraft &a, const ShadowDraft &b) { return a.savedAt > b.savedAt; });
    reindex();
    return true;
}

Result<bool, QString> DraftStore::put(const ShadowDraft &draft)
{
    if (draft.text.toUtf8().size() > kMaxTextBytes)
        return fail(QStringLiteral("The edit is larger than %1 MB and is not kept as a draft.")
                        .arg(kMaxTextBytes >> 20));
    m_drafts.removeIf([&](const ShadowDraft &d) { return d.key == draft.key; });
    m_drafts.prepend(draft);
    while (m_drafts.size() > kMaxDrafts)
        m_drafts.removeLast();
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
    for (const ShadowDraft &d : m_drafts) {
        if (d.key.connection == connection && d.key.thing == thing)
            found.append(d);
    }
    return found;
}

bool DraftStore::hasDraft(const QString &connection, const QString &thing) const
{
    return m_thingsWithDrafts.contains(thingKey(connection, thing));
}

void DraftStore::reindex()
{
    m_thingsWithDrafts.clear();
    for (const ShadowDraft &d : std::as_const(m_drafts))
        ++m_thingsWithDrafts[thingKey(d.key.connection, d.key.thing)];
}

Result<bool, QString> DraftStore::write()
{
    QDir dir(m_directory);
    if (!dir.exists()) {
        if (!QDir().mkpath(m_directory))
            return fail(QStringLiteral("Cannot create %1 for the drafts.").arg(m_directory));
        QFile::setPermissions(m_directory, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }
    QJsonArray array;
    for (const ShadowDraft &d : std::as_const(m_drafts))
        array.append(toJson(d));
    QSaveFile file(filePath());
    if (!file.open(QIODevice::WriteOnly))
        return fail(QStringLiteral("Cannot write the drafts to %1: %2")
                        .arg(filePath(), file.errorString()));
    file.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    file.write(QJsonDocument(QJsonObject{{QStringLiteral("format"), kFormat},
                                         {QStringLiteral("drafts"), array}})
                   .toJson(QJsonDocument::Compact));
    if (!file.commit())
        return fail(QStringLiteral("Cannot write the drafts to %1: %2")
                        .arg(filePath(), file.errorString()));
    return true;
}

} // namespace thingdeck
