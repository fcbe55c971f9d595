#include "session/PublishHistory.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <algorithm>
#include <array>

namespace thingdeck {

namespace {

constexpr int kFormat = 1;
constexpr auto kPrivateFile = QFile::ReadOwner | QFile::WriteOwner;
constexpr auto kPrivateDirectory = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner;

constexpr std::array kVias = {QLatin1StringView("mqtt"), QLatin1StringView("https")};
constexpr std::array kOutcomes = {QLatin1StringView("pending"), QLatin1StringView("sent"),
                                  QLatin1StringView("acknowledged"), QLatin1StringView("failed")};

// The position of `name` in `names`, or 0 (the default) for a name not among them.
template<std::size_t N>
int indexIn(const std::array<QLatin1StringView, N> &names, const QString &name)
{
    const auto found = std::find(names.begin(), names.end(), name);
    return found == names.end() ? 0 : int(found - names.begin());
}

QString base64(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toBase64());
}

QByteArray fromBase64(const QJsonValue &value)
{
    return QByteArray::fromBase64(value.toString().toLatin1());
}

QJsonObject toJson(const MqttProperties &properties)
{
    QJsonArray user;
    for (const auto &[name, value] : properties.userProperties)
        user.append(QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("value"), value}});
    return QJsonObject{
        {QStringLiteral("contentType"), properties.contentType},
        {QStringLiteral("responseTopic"), properties.responseTopic},
        {QStringLiteral("correlationDataBase64"), base64(properties.correlationData)},
        {QStringLiteral("messageExpirySeconds"), properties.messageExpirySeconds},
        {QStringLiteral("payloadFormatIndicator"), properties.payloadFormatIndicator},
        {QStringLiteral("userProperties"), user},
    };
}

MqttProperties propertiesFromJson(const QJsonObject &json)
{
    MqttProperties properties;
    properties.contentType = json.value(QStringLiteral("contentType")).toString();
    properties.responseTopic = json.value(QStringLiteral("responseTopic")).toString();
    properties.correlationData = fromBase64(json.value(QStringLiteral("correlationDataBase64")));
    properties.messageExpirySeconds =
        json.value(QStringLiteral("messageExpirySeconds")).toInteger(-1);
    properties.payloadFormatIndicator =
        json.value(QStringLiteral("payloadFormatIndicator")).toInt(-1);
    for (const QJsonValue user : json.value(QStringLiteral("userProperties")).toArray()) {
        const QJsonObject pair = user.toObject();
        properties.userProperties.append({pair.value(QStringLiteral("name")).toString(),
                                          pair.value(QStringLiteral("value")).toString()});
    }
    return properties;
}

QJsonObject toJson(const PublishRecord &record)
{
    return QJsonObject{
        {QStringLiteral("topic"), record.topic},
        {QStringLiteral("payloadBase64"), base64(record.payload)},
        {QStringLiteral("qos"), record.qos},
        {QStringLiteral("retain"), record.retain},
        {QStringLiteral("properties"), toJson(record.properties)},
        {QStringLiteral("via"), kVias.at(record.via)},
        {QStringLiteral("timeMs"), record.timeMs},
        {QStringLiteral("outcome"), kOutcomes.at(record.outcome)},
        {QStringLiteral("error"), record.error},
    };
}

// Unknown or missing values fall back to the defaults rather than losing the record.
PublishRecord recordFromJson(const QJsonObject &json)
{
    PublishRecord record;
    record.topic = json.value(QStringLiteral("topic")).toString();
    record.payload = fromBase64(json.value(QStringLiteral("payloadBase64")));
    record.qos = std::clamp(json.value(QStringLiteral("qos")).toInt(), 0, 2);
    record.retain = json.value(QStringLiteral("retain")).toBool();
    record.properties = propertiesFromJson(json.value(QStringLiteral("properties")).toObject());
    record.via = PublishRecord::Via(indexIn(kVias, json.value(QStringLiteral("via")).toString()));
    record.timeMs = json.value(QStringLiteral("timeMs")).toInteger();
    record.outcome = PublishRecord::Outcome(
        indexIn(kOutcomes, json.value(QStringLiteral("outcome")).toString()));
    record.error = json.value(QStringLiteral("error")).toString();
    return record;
}

bool caseInsensitiveLess(const QString &a, const QString &b)
{
    const int order = a.compare(b, Qt::CaseInsensitive);
    return order != 0 ? order < 0 : a < b;
}

} // namespace

PublishHistory::PublishHistory(QString directory, QObject *parent)
    : QObject(parent)
    , m_directory(std::move(directory))
{}

QString PublishHistory::fileNameFor(const QString &connectionName)
{
    const QByteArray hash =
        QCryptographicHash::hash(connectionName.toUtf8(), QCryptographicHash::Sha1);
    return QString::fromLatin1(hash.toHex()) + QStringLiteral(".json");
}

const QString &PublishHistory::connectionName() const
{
    return m_connection;
}

QString PublishHistory::filePath() const
{
    if (m_connection.isEmpty())
        return {};
    return QDir(m_directory).filePath(fileNameFor(m_connection));
}

std::optional<QString> PublishHistory::load(const QString &connectionName)
{
    m_connection = connectionName;
    m_records.clear();
    m_templates.clear();
    auto problem = readFile();
    emit changed();
    return problem;
}

std::optional<QString> PublishHistory::readFile()
{
    QFile file(filePath());
    if (!file.exists())
        return std::nullopt;
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("Cannot read the publish history in %1: %2.")
            .arg(QDir::toNativeSeparators(filePath()), file.errorString());
    const QByteArray bytes = file.readAll();
    file.close();
    return read(bytes);
}

// Fills the records and templates from the file's bytes; a file of another kind is moved aside.
std::optional<QString> PublishHistory::read(const QByteArray &bytes)
{
    QJsonParseError error{};
    const QJsonObject root = QJsonDocument::fromJson(bytes, &error).object();
    if (error.error != QJsonParseError::NoError)
        return moveAside(error.errorString());
    if (root.value(QStringLiteral("format")).toInt() != kFormat ||
        !root.value(QStringLiteral("records")).isArray() ||
        !root.value(QStringLiteral("templates")).isArray())
        return moveAside(QStringLiteral("not a publish history of format %1").arg(kFormat));
    for (const QJsonValue value : root.value(QStringLiteral("records")).toArray())
        m_records.append(recordFromJson(value.toObject()));
    if (m_records.size() > kMaxRecords)
        m_records.resize(kMaxRecords);
    for (const QJsonValue value : root.value(QStringLiteral("templates")).toArray()) {
        const QJsonObject entry = value.toObject();
        const QString name = entry.value(QStringLiteral("name")).toString();
        if (!name.isEmpty() && m_templates.size() < kMaxTemplates)
            m_templates.insert(name,
                               recordFromJson(entry.value(QStringLiteral("record")).toObject()));
    }
    return std::nullopt;
}

std::optional<QString> PublishHistory::moveAside(const QString &why) const
{
    const QString aside =
        filePath() + QStringLiteral(".damaged-") +
        QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss-zzz"));
    if (!QFile::rename(filePath(), aside))
        return QStringLiteral("The publish history %1 is damaged (%2) and could not be moved "
                              "aside; the history starts empty and will replace it.")
            .arg(QDir::toNativeSeparators(filePath()), why);
    return QStringLiteral("The publish history was damaged (%1); it was moved to %2 and the "
                          "history starts empty.")
        .arg(why, QDir::toNativeSeparators(aside));
}

const QList<PublishRecord> &PublishHistory::records() const
{
    return m_records;
}

std::optional<QString> PublishHistory::add(const PublishRecord &record)
{
    m_records.prepend(record);
    if (m_records.size() > kMaxRecords)
        m_records.resize(kMaxRecords);
    emit changed();
    return save();
}

std::optional<QString> PublishHistory::setOutcome(int index, PublishRecord::Outcome outcome,
                                                  const QString &error)
{
    if (index < 0 || index >= m_records.size())
        return QStringLiteral("There is no publish number %1 in the history.").arg(index + 1);
    m_records[index].outcome = outcome;
    m_records[index].error = error;
    emit changed();
    return save();
}

std::optional<QString> PublishHistory::clear()
{
    m_records.clear();
    emit changed();
    return save();
}

QStringList PublishHistory::templateNames() const
{
    QStringList names = m_templates.keys();
    std::sort(names.begin(), names.end(), caseInsensitiveLess);
    return names;
}

std::optional<PublishRecord> PublishHistory::templateNamed(const QString &name) const
{
    const auto found = m_templates.constFind(name);
    if (found == m_templates.cend())
        return std::nullopt;
    return *found;
}

std::optional<QString> PublishHistory::saveTemplate(const QString &name,
                                                    const PublishRecord &record)
{
    if (name.trimmed().isEmpty())
        return QStringLiteral("A template needs a name.");
    if (!m_templates.contains(name) && m_templates.size() >= kMaxTemplates)
        return QStringLiteral("There are already %1 templates; remove one before saving "
                              "\"%2\".")
            .arg(kMaxTemplates)
            .arg(name);
    m_templates.insert(name, record);
    emit changed();
    return save();
}

std::optional<QString> PublishHistory::removeTemplate(const QString &name)
{
    if (m_templates.remove(name) == 0)
        return std::nullopt;
    emit changed();
    return save();
}

// Creates the directory private from the start (no moment in which others may list it).
std::optional<QString> PublishHistory::makeDirectory() const
{
    const QFileInfo info(m_directory);
    if (info.isDir())
        return std::nullopt;
    if (!QDir().mkpath(info.absolutePath()) ||
        !QDir().mkdir(info.absoluteFilePath(), kPrivateDirectory))
        return QStringLiteral("Cannot create the folder %1 for the publish history.")
            .arg(QDir::toNativeSeparators(m_directory));
    return std::nullopt;
}

QByteArray PublishHistory::serialize() const
{
    QJsonArray records;
    for (const PublishRecord &record : m_records)
        records.append(toJson(record));
    QJsonArray templates;
    for (const QString &name : templateNames())
        templates.append(QJsonObject{{QStringLiteral("name"), name},
                                     {QStringLiteral("record"), toJson(m_templates.value(name))}});
    const QJsonObject root{{QStringLiteral("format"), kFormat},
                           {QStringLiteral("connection"), m_connection},
                           {QStringLiteral("records"), records},
                           {QStringLiteral("templates"), templates}};
    return QJsonDocument(root).toJson(QJsonDocument::Compact);
}

std::optional<QString> PublishHistory::save()
{
    if (m_connection.isEmpty())
        return QStringLiteral("No connection is chosen, so the publish history is not saved.");
    if (auto problem = makeDirectory())
        return problem;
    const QByteArray bytes = serialize();
    QSaveFile file(filePath());
    // The temporary file gets the permissions before any content reaches it.
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(kPrivateFile) ||
        file.write(bytes) != bytes.size() || !file.commit())
        return QStringLiteral("Cannot save the publish history to %1: %2.")
            .arg(QDir::toNativeSeparators(filePath()), file.errorString());
    return std::nullopt;
}

} // namespace thingdeck
