#pragma once

#include "session/ConnectionSettings.h"

#include <QProcessEnvironment>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace thingdeck {

class FileField;

/// The form for one connection: the AWS profile (with what it resolves to), region and
/// endpoint overrides, and the MQTT side (endpoint, transport, certificate files checked as
/// soon as they are chosen, client id, keep-alive, protocol version).
class ConnectionEditor : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectionEditor(const QProcessEnvironment &environment, QWidget *parent = nullptr);

    void setSettings(const ConnectionSettings &settings);
    ConnectionSettings settings() const;
    /// The private-key passphrase typed in (only shown for an encrypted key); never saved in
    /// the settings file.
    QByteArray passphrase() const;
    /// Why the form cannot be saved, or an empty string.
    QString problem() const;
    /// Reads the profiles from the AWS files again.
    void reloadProfiles();

    FileField *caField() const { return m_ca; }
    FileField *certificateField() const { return m_certificate; }
    FileField *keyField() const { return m_key; }
    QLineEdit *nameField() const { return m_name; }
    QComboBox *profileField() const { return m_profile; }
    QLineEdit *clientIdField() const { return m_clientId; }

Q_SIGNALS:
    void changed();

private:
    void buildAwsSection(QFormLayout *form);
    void buildMqttSection(QFormLayout *form);
    void buildCertificateRows(QFormLayout *form);
    void buildClientIdRow(QFormLayout *form);
    QLineEdit *addLine(QFormLayout *form, const QString &label, const QString &accessible,
                       const QString &tip);
    void onProfileChanged();
    void checkCertificates();
    void onFilesDropped(const QStringList &paths);
    void updateKindState();
    void updateTransportState();

    QProcessEnvironment m_environment;
    ConnectionSettings m_base;
    QLineEdit *m_name = nullptr;
    QLabel *m_sandboxNote = nullptr;
    QComboBox *m_profile = nullptr;
    QLabel *m_profileInfo = nullptr;
    QLineEdit *m_region = nullptr;
    QLineEdit *m_controlPlane = nullptr;
    QLineEdit *m_dataPlane = nullptr;
    QLineEdit *m_mqttHost = nullptr;
    QSpinBox *m_port = nullptr;
    QComboBox *m_transport = nullptr;
    QComboBox *m_version = nullptr;
    FileField *m_ca = nullptr;
    FileField *m_certificate = nullptr;
    FileField *m_key = nullptr;
    QLineEdit *m_passphrase = nullptr;
    QCheckBox *m_remember = nullptr;
    QLineEdit *m_clientId = nullptr;
    QLabel *m_clientIdProblem = nullptr;
    QSpinBox *m_keepAlive = nullptr;
    QLineEdit *m_telemetry = nullptr;
    QList<QWidget *> m_awsWidgets;
};

} // namespace thingdeck
