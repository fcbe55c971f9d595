#pragma once

#include "mqtt/MqttMessage.h"

#include <QWidget>

class QLineEdit;
class QSpinBox;
class QTableWidget;
class QToolButton;

namespace thingdeck {

class PublishProblemLabel;

/// The MQTT 5 properties of a message to publish: content type, response topic (checked as a
/// topic name), message expiry and user properties (a two-column table).
class PublishPropertiesEditor : public QWidget
{
    Q_OBJECT
public:
    explicit PublishPropertiesEditor(QWidget *parent = nullptr);

    /// The properties as entered; user properties without a name are left out.
    MqttProperties properties() const;
    void setProperties(const MqttProperties &properties);
    /// Why the properties cannot be sent (an invalid response topic), or empty.
    QString problem() const;

    QLineEdit *contentTypeField() const { return m_contentType; }
    QLineEdit *responseTopicField() const { return m_responseTopic; }
    QSpinBox *expiryField() const { return m_expiry; }
    QTableWidget *userPropertiesTable() const { return m_userProperties; }

Q_SIGNALS:
    void changed();

private:
    void addUserProperty();
    void removeUserProperty();
    void appendRow(const QString &name, const QString &value);
    void updateProblem();

    QLineEdit *m_contentType;
    QLineEdit *m_responseTopic;
    PublishProblemLabel *m_responseTopicError;
    QSpinBox *m_expiry;
    QTableWidget *m_userProperties;
    QToolButton *m_add;
    QToolButton *m_remove;
};

} // namespace thingdeck
