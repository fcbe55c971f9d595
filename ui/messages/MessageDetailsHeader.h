#pragma once

#include "mqtt/MqttMessage.h"

#include <QWidget>

#include <array>

class QGridLayout;
class QLabel;

namespace thingdeck {

/// The top of the message details: the topic (selectable, elided in the middle, the whole
/// topic in its tooltip), a line "QoS 1 · retained · 1,234 bytes · 12:00:01.123 · outgoing"
/// and, for MQTT 5, a form with the properties the message carries.
class MessageDetailsHeader : public QWidget
{
    Q_OBJECT
public:
    explicit MessageDetailsHeader(QWidget *parent = nullptr);

    void showMessage(const MqttMessage &message);
    QString topic() const { return m_topicText; }
    QString infoText() const;
    /// The properties as "Label: value" lines; empty for MQTT 3.1.1 messages.
    QString propertiesText() const;

    /// "1,234 bytes", "1.5 MB": a payload size for people.
    static QString sizeText(qsizetype bytes);

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    enum Property { ContentType, ResponseTopic, Correlation, Expiry, Format, User, PropertyCount };

    void buildProperties();
    void showProperties(const MqttProperties *properties);
    void setPropertyValue(Property property, const QString &value);
    void layOutProperties();
    void elideTopic();
    static QString infoLine(const MqttMessage &message);

    QLabel *m_topic;
    QLabel *m_info;
    QWidget *m_properties;
    QGridLayout *m_grid = nullptr;
    std::array<QLabel *, PropertyCount> m_names{};
    std::array<QLabel *, PropertyCount> m_values{};
    QString m_topicText;
};

} // namespace thingdeck
