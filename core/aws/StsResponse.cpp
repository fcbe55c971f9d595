#include "aws/StsResponse.h"

#include <QRegularExpression>
#include <QXmlStreamReader>

namespace thingdeck {
namespace {

// Reads the children of the current element into `members`, "Parent.Child" for nested ones.
void readMembers(QXmlStreamReader &xml, const QString &prefix,
                 QList<std::pair<QString, QString>> &members)
{
    while (xml.readNextStartElement()) {
        const QString name = prefix + xml.name().toString();
        // A member with child elements is a structure; text alone is a scalar.
        QString text;
        bool structure = false;
        while (!xml.atEnd()) {
            xml.readNext();
            if (xml.isCharacters()) {
                text += xml.text();
            } else if (xml.isStartElement()) {
                structure = true;
                members.append({name + u'.' + xml.name().toString(), xml.readElementText()});
                readMembers(xml, name + u'.', members);
                break;
            } else if (xml.isEndElement()) {
                break;
            }
        }
        if (!structure)
            members.append({name, text});
    }
}

QString memberValue(const QList<std::pair<QString, QString>> &members, const QString &name)
{
    for (const auto &[key, value] : members) {
        if (key == name)
            return value;
    }
    return {};
}

} // namespace

Result<StsResponse, QString> StsResponse::parse(const QByteArray &body, const QString &operation)
{
    QXmlStreamReader xml(body);
    if (!xml.readNextStartElement())
        return fail(QStringLiteral("the %1 answer is not XML").arg(operation));
    StsResponse response;
    bool foundResult = false;
    const QString resultName = operation + QStringLiteral("Result");
    while (xml.readNextStartElement()) {
        if (xml.name() == resultName) {
            foundResult = true;
            readMembers(xml, QString(), response.members);
        } else if (xml.name() == QLatin1String("ResponseMetadata")) {
            QList<std::pair<QString, QString>> metadata;
            readMembers(xml, QString(), metadata);
            response.requestId = memberValue(metadata, QStringLiteral("RequestId"));
        } else {
            xml.skipCurrentElement();
        }
    }
    if (xml.hasError())
        return fail(QStringLiteral("the %1 answer is not well-formed XML (%2)")
                        .arg(operation, xml.errorString()));
    if (!foundResult)
        return fail(QStringLiteral("the %1 answer has no %2 element").arg(operation, resultName));
    AwsCredentials &credentials = response.credentials;
    credentials.accessKeyId =
        memberValue(response.members, QStringLiteral("Credentials.AccessKeyId"));
    credentials.secretAccessKey =
        memberValue(response.members, QStringLiteral("Credentials.SecretAccessKey"));
    credentials.sessionToken =
        memberValue(response.members, QStringLiteral("Credentials.SessionToken"));
    response.expirationText =
        memberValue(response.members, QStringLiteral("Credentials.Expiration")).trimmed();
    credentials.expiration = parseTime(response.expirationText);
    if (!credentials.isValid() || credentials.sessionToken.isEmpty() ||
        !credentials.expiration.isValid()) {
        return fail(QStringLiteral("the %1 answer lacks AccessKeyId, SecretAccessKey, "
                                   "SessionToken or a readable Expiration")
                        .arg(operation));
    }
    return response;
}

QDateTime StsResponse::parseTime(const QString &text)
{
    static const QRegularExpression pattern(QStringLiteral(
        R"(^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|UTC|[+-]\d{2}:?\d{2})?$)"));
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return {};
    const QDate date = QDate::fromString(match.captured(1), Qt::ISODate);
    QTime time = QTime::fromString(match.captured(2), Qt::ISODate);
    if (!date.isValid() || !time.isValid())
        return {};
    const QString fraction = match.captured(3);
    if (!fraction.isEmpty())
        time = time.addMSecs(
            QStringView(fraction).mid(1).left(3).toString().leftJustified(3, u'0').toInt());
    QDateTime utc(date, time, Qt::UTC);
    const QString zone = match.captured(4);
    if (zone.startsWith(u'+') || zone.startsWith(u'-')) {
        const QString digits = QString(zone.mid(1)).remove(u':');
        const int offset = digits.left(2).toInt() * 3600 + digits.mid(2, 2).toInt() * 60;
        utc = utc.addSecs(zone.startsWith(u'+') ? -offset : offset);
    }
    return utc;
}

} // namespace thingdeck
