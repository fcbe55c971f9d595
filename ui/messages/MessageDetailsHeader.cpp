#include "messages/MessageDetailsHeader.h"

#include <QDateTime>
#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QStringDecoder>
#include <QVBoxLayout>

#include <algorithm>

namespace thingdeck {

namespace {

QString separator()
{
    return QStringLiteral(" \u00b7 ");
}

/// Correlation data as text when it is printable UTF-8, as hex otherwise.
QString correlationText(const QByteArray &data)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(data);
    const bool printable =
        std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.isPrint(); });
    if (!decoder.hasError() && printable)
        return text;
    return MessageDetailsHeader::tr("%1 (hex)").arg(QString::fromLatin1(data.toHex(' ')));
}

QString userPropertiesText(const QList<QPair<QString, QString>> &properties)
{
    QStringList pairs;
    for (const auto &[key, value] : properties)
        pairs += key + u'=' + value;
    return pairs.join(QStringLiteral(", "));
}

} // namespace

MessageDetailsHeader::MessageDetailsHeader(QWidget *parent)
    : QWidget(parent)
    , m_topic(new QLabel(this))
    , m_info(new QLabel(this))
    , m_properties(new QWidget(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    QFont title = m_topic->font();
    title.setBold(true);
    title.setPointSizeF(title.pointSizeF() * 1.15);
    m_topic->setFont(title);
    m_topic->setObjectName(QStringLiteral("topic"));
    m_topic->setAccessibleName(tr("Topic"));
    m_topic->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_topic->setTextFormat(Qt::PlainText);
    m_topic->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_info->setObjectName(QStringLiteral("messageInfo"));
    m_info->setAccessibleName(tr("Message information"));
    m_info->setTextFormat(Qt::PlainText);
    m_info->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    layout->addWidget(m_topic);
    layout->addWidget(m_info);
    buildProperties();
    layout->addWidget(m_properties);
}

void MessageDetailsHeader::buildProperties()
{
    m_properties->setObjectName(QStringLiteral("properties"));
    m_properties->setAccessibleName(tr("MQTT 5 properties"));
    m_grid = new QGridLayout(m_properties);
    m_grid->setContentsMargins(0, 4, 0, 0);
    m_grid->setHorizontalSpacing(10);
    m_grid->setVerticalSpacing(1);
    m_grid->setColumnStretch(1, 1);
    m_grid->setColumnStretch(3, 1);
    const std::array<QString, PropertyCount> labels = {
        tr("Content type"),  tr("Response topic"), tr("Correlation data"),
        tr("Expires after"), tr("Payload format"), tr("User properties")};
    for (size_t i = 0; i < size_t(PropertyCount); ++i) {
        m_names.at(i) = new QLabel(labels.at(i) + u':', m_properties);
        m_names.at(i)->setForegroundRole(QPalette::PlaceholderText);
        auto *value = new QLabel(m_properties);
        value->setTextFormat(Qt::PlainText);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
        value->setAccessibleName(labels.at(i));
        value->setObjectName(QStringLiteral("property%1").arg(i));
        m_values.at(i) = value;
    }
    m_properties->hide();
}

void MessageDetailsHeader::showMessage(const MqttMessage &message)
{
    m_topicText = message.topic;
    m_topic->setToolTip(message.topic);
    elideTopic();
    m_info->setText(infoLine(message));
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(message.timestampMs, Qt::UTC);
    m_info->setToolTip(tr("Arrived %1 (local time)\n%2 UTC")
                           .arg(QLocale().toString(time.toLocalTime(), QLocale::LongFormat),
                                time.toString(Qt::ISODateWithMs)));
    showProperties(message.properties.get());
}

QString MessageDetailsHeader::infoLine(const MqttMessage &message)
{
    QStringList parts{tr("QoS %1").arg(message.qos)};
    if (message.retained)
        parts += tr("retained");
    parts += sizeText(message.payload.size());
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(message.timestampMs, Qt::UTC);
    parts += time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
    if (message.outgoing)
        parts += tr("outgoing");
    return parts.join(separator());
}

QString MessageDetailsHeader::sizeText(qsizetype bytes)
{
    const QLocale locale;
    if (bytes < qsizetype{1024} * 1024)
        return tr("%1 bytes").arg(locale.toString(qlonglong(bytes)));
    return locale.formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

void MessageDetailsHeader::showProperties(const MqttProperties *properties)
{
    if (!properties || properties->isEmpty()) {
        for (int i = 0; i < PropertyCount; ++i)
            setPropertyValue(Property(i), QString());
        m_properties->hide();
        return;
    }
    setPropertyValue(ContentType, properties->contentType);
    setPropertyValue(ResponseTopic, properties->responseTopic);
    setPropertyValue(Correlation, properties->correlationData.isEmpty()
                                      ? QString()
                                      : correlationText(properties->correlationData));
    setPropertyValue(Expiry, properties->messageExpirySeconds < 0
                                 ? QString()
                                 : tr("%1 s").arg(properties->messageExpirySeconds));
    const int format = properties->payloadFormatIndicator;
    setPropertyValue(Format, format < 0    ? QString()
                             : format == 1 ? tr("UTF-8 text (1)")
                                           : tr("bytes (0)"));
    setPropertyValue(User, userPropertiesText(properties->userProperties));
    layOutProperties();
    m_properties->show();
}

void MessageDetailsHeader::setPropertyValue(Property property, const QString &value)
{
    m_values.at(property)->setText(value);
    m_values.at(property)->setToolTip(value);
}

void MessageDetailsHeader::layOutProperties()
{
    // Two properties a row, the present ones only, so the form takes two or three lines.
    int shown = 0;
    for (size_t i = 0; i < size_t(PropertyCount); ++i) {
        m_grid->removeWidget(m_names.at(i));
        m_grid->removeWidget(m_values.at(i));
        const bool present = !m_values.at(i)->text().isEmpty();
        m_names.at(i)->setVisible(present);
        m_values.at(i)->setVisible(present);
        if (!present)
            continue;
        m_grid->addWidget(m_names.at(i), shown / 2, (shown % 2) * 2);
        m_grid->addWidget(m_values.at(i), shown / 2, (shown % 2) * 2 + 1);
        ++shown;
    }
}

QString MessageDetailsHeader::infoText() const
{
    return m_info->text();
}

QString MessageDetailsHeader::propertiesText() const
{
    QStringList lines;
    for (size_t i = 0; i < size_t(PropertyCount); ++i) {
        if (!m_values.at(i)->text().isEmpty())
            lines +=
                m_values.at(i)->accessibleName() + QStringLiteral(": ") + m_values.at(i)->text();
    }
    return lines.join(u'\n');
}

void MessageDetailsHeader::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    elideTopic();
}

void MessageDetailsHeader::elideTopic()
{
    const int width = std::max(40, m_topic->width());
    m_topic->setText(m_topic->fontMetrics().elidedText(m_topicText, Qt::ElideMiddle, width));
}

} // namespace thingdeck
