#include "connection/ConnectionEditor.h"

#include "connection/FileField.h"
#include "mqtt/ClientId.h"
#include "session/ProfileCatalog.h"
#include "tls/CertificateFileSorter.h"
#include "tls/CertificateSet.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace thingdeck {

namespace {

using Transport = MqttConnectOptions::Transport;
using Version = MqttConnectOptions::Version;

QLabel *noteLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    QFont small = label->font();
    small.setPointSizeF(small.pointSizeF() * 0.92);
    label->setFont(small);
    return label;
}

} // namespace

ConnectionEditor::ConnectionEditor(const QProcessEnvironment &environment, QWidget *parent)
    : QWidget(parent)
    , m_environment(environment)
    , m_sandboxNote(noteLabel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *top = new QFormLayout;
    m_name = addLine(top, tr("&Name:"), tr("Connection name"),
                     tr("How this connection is listed in the toolbar"));
    layout->addLayout(top);
    m_sandboxNote->setText(tr("This connection opens the local sandbox that Thingdeck starts: "
                              "its keys, endpoints and device certificate are filled in each "
                              "time it starts."));
    layout->addWidget(m_sandboxNote);
    auto *aws = new QGroupBox(tr("AWS"), this);
    auto *awsForm = new QFormLayout(aws);
    buildAwsSection(awsForm);
    layout->addWidget(aws);
    auto *mqtt = new QGroupBox(tr("MQTT"), this);
    auto *mqttForm = new QFormLayout(mqtt);
    buildMqttSection(mqttForm);
    layout->addWidget(mqtt);
    layout->addStretch(1);
    m_awsWidgets = {aws, m_ca, m_certificate, m_key, m_mqttHost, m_port, m_transport};
    reloadProfiles();
    setSettings(ConnectionSettings::withDefaults(QString()));
}

QLineEdit *ConnectionEditor::addLine(QFormLayout *form, const QString &label,
                                     const QString &accessible, const QString &tip)
{
    auto *edit = new QLineEdit(this);
    edit->setAccessibleName(accessible);
    edit->setToolTip(tip);
    form->addRow(label, edit);
    connect(edit, &QLineEdit::textChanged, this, &ConnectionEditor::changed);
    return edit;
}

void ConnectionEditor::buildAwsSection(QFormLayout *form)
{
    m_profile = new QComboBox(this);
    m_profile->setAccessibleName(tr("AWS profile"));
    m_profile->setToolTip(tr("The profile of ~/.aws/config and ~/.aws/credentials whose "
                             "credentials sign every request"));
    m_profileInfo = noteLabel(this);
    m_profileInfo->setAccessibleName(tr("What the profile resolves to"));
    m_profileInfo->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    auto *profileColumn = new QVBoxLayout;
    profileColumn->setSpacing(2);
    profileColumn->addWidget(m_profile);
    profileColumn->addWidget(m_profileInfo);
    auto *profileLabel = new QLabel(tr("&Profile:"), this);
    profileLabel->setBuddy(m_profile);
    form->addRow(profileLabel, profileColumn);
    m_region = addLine(form, tr("&Region:"), tr("Region override"),
                       tr("Leave empty to use the profile's region"));
    m_controlPlane = addLine(form, tr("&Control plane URL:"), tr("Control plane URL override"),
                             tr("Leave empty for https://iot.REGION.amazonaws.com or the "
                                "profile's endpoint settings"));
    m_dataPlane = addLine(form, tr("&Data plane URL:"), tr("Data plane URL override"),
                          tr("Leave empty to ask AWS (DescribeEndpoint iot:Data-ATS) or use "
                             "the profile's endpoint settings"));
    connect(m_profile, &QComboBox::currentIndexChanged, this, &ConnectionEditor::onProfileChanged);
}

void ConnectionEditor::buildMqttSection(QFormLayout *form)
{
    m_mqttHost = addLine(form, tr("&Endpoint:"), tr("MQTT endpoint host"),
                         tr("Leave empty for the account's endpoint (DescribeEndpoint "
                            "iot:Data-ATS)"));
    m_mqttHost->setPlaceholderText(tr("account endpoint (iot:Data-ATS)"));
    m_port = new QSpinBox(this);
    m_port->setRange(0, 65535);
    m_port->setSpecialValueText(tr("default"));
    m_port->setAccessibleName(tr("MQTT port"));
    m_port->setToolTip(tr("0 uses the transport's port: 8883 for certificates, 443 for ALPN "
                          "and WebSockets"));
    form->addRow(tr("P&ort:"), m_port);
    m_transport = new QComboBox(this);
    m_transport->addItem(tr("Certificate (mutual TLS, 8883)"), int(Transport::MutualTls));
    m_transport->addItem(tr("Certificate on 443 (ALPN)"), int(Transport::MutualTlsAlpn));
    m_transport->addItem(tr("WebSockets signed with the profile"), int(Transport::WebSocket));
    m_transport->setAccessibleName(tr("MQTT transport"));
    m_transport->setToolTip(tr("How to reach the broker: a device certificate on 8883 or on "
                               "443 through firewalls, or WebSockets signed with the AWS "
                               "profile's credentials"));
    form->addRow(tr("&Transport:"), m_transport);
    m_version = new QComboBox(this);
    m_version->addItem(tr("MQTT 3.1.1"), int(Version::Mqtt311));
    m_version->addItem(tr("MQTT 5"), int(Version::Mqtt5));
    m_version->setAccessibleName(tr("MQTT protocol version"));
    form->addRow(tr("&Version:"), m_version);
    buildCertificateRows(form);
    buildClientIdRow(form);
    m_keepAlive = new QSpinBox(this);
    m_keepAlive->setRange(5, 1200);
    m_keepAlive->setSuffix(tr(" s"));
    m_keepAlive->setAccessibleName(tr("Keep-alive interval"));
    m_keepAlive->setToolTip(tr("AWS IoT accepts 30 to 1200 seconds"));
    form->addRow(tr("Kee&p-alive:"), m_keepAlive);
    m_telemetry = addLine(form, tr("Telemetr&y topics:"), tr("Telemetry topic pattern"),
                          tr("Where a thing's devices publish telemetry; {thing} stands for "
                             "the thing name"));
    for (FileField *field : {m_ca, m_certificate, m_key}) {
        connect(field, &FileField::pathChanged, this, &ConnectionEditor::checkCertificates);
        connect(field, &FileField::filesDropped, this, &ConnectionEditor::onFilesDropped);
    }
    connect(m_passphrase, &QLineEdit::textChanged, this, &ConnectionEditor::checkCertificates);
    connect(m_transport, &QComboBox::currentIndexChanged, this,
            &ConnectionEditor::updateTransportState);
    for (QSpinBox *spin : {m_port, m_keepAlive})
        connect(spin, &QSpinBox::valueChanged, this, &ConnectionEditor::changed);
    connect(m_version, &QComboBox::currentIndexChanged, this, &ConnectionEditor::changed);
    connect(m_remember, &QCheckBox::toggled, this, &ConnectionEditor::changed);
}

// CA, certificate and key files, and the key's passphrase.
void ConnectionEditor::buildCertificateRows(QFormLayout *form)
{
    m_ca = new FileField(tr("CA file"), tr("Choose the CA file (AmazonRootCA1.pem)"), this);
    m_certificate =
        new FileField(tr("Certificate file"), tr("Choose the device certificate"), this);
    m_key = new FileField(tr("Private key file"), tr("Choose the device's private key"), this);
    form->addRow(tr("C&A file:"), m_ca);
    form->addRow(tr("Cert&ificate:"), m_certificate);
    form->addRow(tr("Private &key:"), m_key);
    m_passphrase = new QLineEdit(this);
    m_passphrase->setEchoMode(QLineEdit::Password);
    m_passphrase->setAccessibleName(tr("Private key passphrase"));
    m_passphrase->setToolTip(tr("Kept in memory; saved only in the desktop keyring, and only "
                                "when \"Remember\" is ticked"));
    m_remember = new QCheckBox(tr("Remember in the desktop &keyring"), this);
    m_remember->setAccessibleName(tr("Remember passphrase in the desktop keyring"));
    auto *passRow = new QHBoxLayout;
    passRow->addWidget(m_passphrase, 1);
    passRow->addWidget(m_remember);
    auto *passLabel = new QLabel(tr("Pa&ssphrase:"), this);
    passLabel->setBuddy(m_passphrase);
    form->addRow(passLabel, passRow);
}

void ConnectionEditor::buildClientIdRow(QFormLayout *form)
{
    auto *idRow = new QHBoxLayout;
    m_clientId = new QLineEdit(this);
    m_clientId->setAccessibleName(tr("Client ID"));
    m_clientId->setToolTip(tr("AWS IoT allows one connection per client ID: keep it unique, "
                              "never a device's own"));
    auto *generate = new QPushButton(tr("&Generate"), this);
    generate->setAccessibleName(tr("Generate a unique client ID"));
    generate->setToolTip(tr("A new unique thingdeck-… client ID"));
    idRow->addWidget(m_clientId, 1);
    idRow->addWidget(generate);
    auto *idLabel = new QLabel(tr("C&lient ID:"), this);
    idLabel->setBuddy(m_clientId);
    form->addRow(idLabel, idRow);
    m_clientIdProblem = noteLabel(this);
    m_clientIdProblem->setStyleSheet(QStringLiteral("color: #c0392b;"));
    form->addRow(QString(), m_clientIdProblem);
    connect(generate, &QPushButton::clicked, this,
            [this] { m_clientId->setText(ConnectionSettings::generateClientId()); });
    connect(m_clientId, &QLineEdit::textChanged, this, [this](const QString &text) {
        const QString problem = ClientId::validate(text.trimmed());
        m_clientIdProblem->setText(problem);
        m_clientIdProblem->setVisible(!problem.isEmpty());
    });
}

void ConnectionEditor::reloadProfiles()
{
    const QString current = m_profile->currentData().toString();
    const QSignalBlocker blocker(m_profile);
    m_profile->clear();
    m_profile->addItem(tr("(default: AWS_PROFILE, else \"default\")"), QString());
    const auto profiles = ProfileCatalog::list(m_environment);
    if (profiles.ok()) {
        for (const ProfileInfo &info : profiles.value())
            m_profile->addItem(info.name, info.name);
    }
    m_profile->setCurrentIndex(std::max(0, m_profile->findData(current)));
    onProfileChanged();
}

void ConnectionEditor::onProfileChanged()
{
    const ProfileInfo info =
        ProfileCatalog::describe(m_environment, m_profile->currentData().toString());
    QStringList parts;
    parts << tr("Region: %1").arg(info.region.isEmpty() ? tr("not set") : info.region);
    parts << tr("Credentials: %1").arg(info.credentialSource);
    if (!info.controlPlaneUrl.isEmpty())
        parts << tr("Control plane: %1").arg(info.controlPlaneUrl);
    if (!info.dataPlaneUrl.isEmpty())
        parts << tr("Data plane: %1").arg(info.dataPlaneUrl);
    if (!info.caBundle.isEmpty())
        parts << tr("CA bundle: %1").arg(info.caBundle);
    QString text = parts.join(QStringLiteral(" · "));
    if (!info.problem.isEmpty())
        text += QLatin1Char('\n') + info.problem;
    m_profileInfo->setText(text);
    m_profileInfo->setStyleSheet(info.problem.isEmpty() ? QString()
                                                        : QStringLiteral("color: #c0392b;"));
    m_region->setPlaceholderText(info.region.isEmpty()
                                     ? tr("required: not set in the profile")
                                     : tr("%1 (from the profile)").arg(info.region));
    emit changed();
}

void ConnectionEditor::setSettings(const ConnectionSettings &settings)
{
    m_base = settings;
    m_name->setText(settings.name);
    const int profile = m_profile->findData(settings.profile);
    if (profile < 0 && !settings.profile.isEmpty())
        m_profile->addItem(tr("%1 (not in the AWS files)").arg(settings.profile), settings.profile);
    m_profile->setCurrentIndex(std::max(0, m_profile->findData(settings.profile)));
    m_region->setText(settings.region);
    m_controlPlane->setText(settings.controlPlaneUrl);
    m_dataPlane->setText(settings.dataPlaneUrl);
    m_mqttHost->setText(settings.mqttHost);
    m_port->setValue(settings.mqttPort);
    m_transport->setCurrentIndex(std::max(0, m_transport->findData(int(settings.transport))));
    m_version->setCurrentIndex(std::max(0, m_version->findData(int(settings.mqttVersion))));
    m_ca->setPath(settings.caFile);
    m_certificate->setPath(settings.certificateFile);
    m_key->setPath(settings.privateKeyFile);
    m_passphrase->clear();
    m_remember->setChecked(settings.rememberPassphrase);
    m_clientId->setText(settings.clientId);
    m_keepAlive->setValue(settings.keepAliveSeconds);
    m_telemetry->setText(settings.telemetryPattern);
    updateKindState();
    updateTransportState();
    checkCertificates();
}

ConnectionSettings ConnectionEditor::settings() const
{
    ConnectionSettings s = m_base;
    s.name = m_name->text().trimmed();
    s.profile = m_profile->currentData().toString();
    s.region = m_region->text().trimmed();
    s.controlPlaneUrl = m_controlPlane->text().trimmed();
    s.dataPlaneUrl = m_dataPlane->text().trimmed();
    s.mqttHost = m_mqttHost->text().trimmed();
    s.mqttPort = quint16(m_port->value());
    s.transport = Transport(m_transport->currentData().toInt());
    s.mqttVersion = Version(m_version->currentData().toInt());
    s.caFile = m_ca->path();
    s.certificateFile = m_certificate->path();
    s.privateKeyFile = m_key->path();
    s.rememberPassphrase = m_remember->isChecked();
    s.clientId = m_clientId->text().trimmed();
    s.keepAliveSeconds = m_keepAlive->value();
    s.telemetryPattern = m_telemetry->text().trimmed();
    return s;
}

QByteArray ConnectionEditor::passphrase() const
{
    return m_passphrase->text().toUtf8();
}

QString ConnectionEditor::problem() const
{
    return settings().validate();
}

// Checks the three files together as soon as one changes, and puts each sentence under the
// field it is about.
void ConnectionEditor::checkCertificates()
{
    const ConnectionSettings s = settings();
    const bool usesFiles =
        s.transport != Transport::WebSocket && s.kind != ConnectionSettings::Kind::Sandbox;
    QList<CertificateFinding> ca;
    QList<CertificateFinding> certificate;
    QList<CertificateFinding> key;
    bool needsPassphrase = !m_passphrase->text().isEmpty();
    if (usesFiles &&
        !(s.certificateFile.isEmpty() && s.privateKeyFile.isEmpty() && s.caFile.isEmpty())) {
        const CertificateSet set =
            CertificateSet::load({s.caFile, s.certificateFile, s.privateKeyFile, passphrase()});
        for (const CertificateFinding &finding : set.findings()) {
            if (finding.problem == CertificateFinding::Problem::PassphraseRequired ||
                finding.problem == CertificateFinding::Problem::WrongPassphrase)
                needsPassphrase = true;
            if (finding.problem == CertificateFinding::Problem::NotSet)
                continue; // an empty field is said once, by problem(), not as a red line
            auto &list = finding.role == CertificateFinding::Role::CaFile            ? ca
                         : finding.role == CertificateFinding::Role::CertificateFile ? certificate
                                                                                     : key;
            list.append(finding);
        }
    }
    m_ca->setFindings(ca);
    m_certificate->setFindings(certificate);
    m_key->setFindings(key);
    m_passphrase->setEnabled(usesFiles && needsPassphrase);
    m_remember->setEnabled(usesFiles && needsPassphrase);
    emit changed();
}

void ConnectionEditor::onFilesDropped(const QStringList &paths)
{
    const CertificateFiles files = CertificateFileSorter::sort(paths);
    if (!files.caFile.isEmpty())
        m_ca->setPath(files.caFile);
    if (!files.certificateFile.isEmpty())
        m_certificate->setPath(files.certificateFile);
    if (!files.privateKeyFile.isEmpty())
        m_key->setPath(files.privateKeyFile);
}

void ConnectionEditor::updateKindState()
{
    const bool sandbox = m_base.kind == ConnectionSettings::Kind::Sandbox;
    m_sandboxNote->setVisible(sandbox);
    for (QWidget *widget : m_awsWidgets)
        widget->setEnabled(!sandbox);
}

void ConnectionEditor::updateTransportState()
{
    const bool files = Transport(m_transport->currentData().toInt()) != Transport::WebSocket &&
                       m_base.kind != ConnectionSettings::Kind::Sandbox;
    for (FileField *field : {m_certificate, m_key})
        field->setEnabled(files);
    checkCertificates();
}

} // namespace thingdeck
