#include "messages/PublishPanel.h"

#include "common/MessageBar.h"
#include "iot/IotError.h"
#include "iot/ShadowClient.h"
#include "messages/PublishHistoryList.h"
#include "messages/PublishPayloadEditor.h"
#include "messages/PublishProblemLabel.h"
#include "messages/PublishPropertiesEditor.h"
#include "mqtt/MessageStore.h"
#include "mqtt/MqttConnection.h"
#include "mqtt/TopicName.h"
#include "session/ConsoleSession.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDateTime>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QStringListModel>
#include <QVBoxLayout>

namespace thingdeck {

PublishPanel::PublishPanel(QString historyDirectory, QWidget *parent)
    : QWidget(parent)
    , m_history(new PublishHistory(std::move(historyDirectory), this))
    , m_messageBar(new MessageBar(this))
    , m_noSession(new QLabel(tr("Open a connection to publish messages."), this))
    , m_scroll(new QScrollArea(this))
{
    // In the body: buildForm() sets members that are initialised (to nullptr) after m_scroll.
    m_content = buildForm(); // NOLINT(cppcoreguidelines-prefer-member-initializer): see above
    setAccessibleName(tr("Publish"));
    m_noSession->setWordWrap(true);
    m_noSession->setAccessibleName(tr("Publish panel status"));
    m_noSession->setContentsMargins(6, 6, 6, 6);
    m_scroll->setWidget(m_content);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_messageBar);
    layout->addWidget(m_noSession);
    layout->addWidget(m_scroll, 1);

    auto *shortcut = new QShortcut(QKeySequence(tr("Ctrl+Return")), this);
    shortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(shortcut, &QShortcut::activated, this, &PublishPanel::publish);
    auto *keypad = new QShortcut(QKeySequence(tr("Ctrl+Enter")), this);
    keypad->setContext(Qt::WidgetWithChildrenShortcut);
    connect(keypad, &QShortcut::activated, this, &PublishPanel::publish);
    wireForm();
    wireHistory();
    wireTemplates();
    updateSessionState();
}

// --- building -------------------------------------------------------------------------------

QWidget *PublishPanel::buildForm()
{
    auto *content = new QWidget(this);
    m_topic = new QLineEdit(content);
    m_topic->setAccessibleName(tr("Topic"));
    m_topic->setPlaceholderText(tr("Topic, e.g. dt/sensor-1/cmd"));
    m_topic->setToolTip(tr("The topic to publish to: no wildcards (+ or #), at most 256 bytes "
                           "and 7 slashes"));
    m_topic->setClearButtonEnabled(true);
    m_topicProblem = new PublishProblemLabel(tr("Topic problem"), content);
    m_completions = new QStringListModel(this);
    m_completer = new QCompleter(m_completions, this);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setFilterMode(Qt::MatchContains);
    m_topic->setCompleter(m_completer);
    m_topic->installEventFilter(this);
    m_payload = new PublishPayloadEditor(content);
    m_properties = new PublishPropertiesEditor(content);
    m_propertiesGroup = new QGroupBox(tr("MQTT 5 properties"), content);
    m_propertiesGroup->setAccessibleName(tr("MQTT 5 properties"));
    m_propertiesGroup->setToolTip(tr("Check to send MQTT 5 properties with the message"));
    // Checkable and collapsed by default, so that the form stays short in a narrow pane.
    m_propertiesGroup->setCheckable(true);
    m_propertiesGroup->setChecked(false);
    m_propertiesGroup->setFlat(true);
    m_properties->hide();
    auto *group = new QVBoxLayout(m_propertiesGroup);
    group->setContentsMargins(0, 0, 0, 0);
    group->addWidget(m_properties);

    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(4);
    layout->addWidget(buildTemplateRow());
    layout->addWidget(buildTemplateNameRow());
    layout->addWidget(new QLabel(tr("Topic"), content));
    layout->addWidget(m_topic);
    layout->addWidget(m_topicProblem);
    layout->addWidget(buildOptionsRow());
    layout->addWidget(m_payload, 1);
    layout->addWidget(m_propertiesGroup);
    layout->addWidget(buildPublishRow());
    layout->addWidget(buildHistory(), 2);
    return content;
}

QWidget *PublishPanel::buildTemplateRow()
{
    auto *row = new QWidget(this);
    m_templates = new QComboBox(row);
    m_templates->setAccessibleName(tr("Templates"));
    m_templates->setToolTip(tr("Choose a saved template to load it into the form"));
    m_templates->setPlaceholderText(tr("Templates\u2026"));
    m_templates->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_templates->setMinimumContentsLength(8);
    m_saveTemplate = new QPushButton(tr("Save as Template\u2026"), row);
    m_saveTemplate->setAccessibleName(tr("Save as template"));
    m_saveTemplate->setToolTip(tr("Keep the form (topic, payload, QoS, retain, properties) under "
                                  "a name"));
    m_deleteTemplate = new QPushButton(tr("Delete"), row);
    m_deleteTemplate->setAccessibleName(tr("Delete template"));
    m_deleteTemplate->setToolTip(tr("Delete the template chosen on the left"));
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_templates, 1);
    layout->addWidget(m_saveTemplate);
    layout->addWidget(m_deleteTemplate);
    return row;
}

QWidget *PublishPanel::buildTemplateNameRow()
{
    m_templateNameRow = new QWidget(this);
    m_templateName = new QLineEdit(m_templateNameRow);
    m_templateName->setAccessibleName(tr("Template name"));
    m_templateName->setPlaceholderText(tr("Template name"));
    m_templateName->setToolTip(tr("Enter saves the template, Escape cancels; an existing name is "
                                  "replaced"));
    m_confirmTemplate = new QPushButton(tr("Save"), m_templateNameRow);
    m_confirmTemplate->setAccessibleName(tr("Save template"));
    m_cancelTemplate = new QPushButton(tr("Cancel"), m_templateNameRow);
    m_cancelTemplate->setAccessibleName(tr("Cancel saving the template"));
    auto *layout = new QHBoxLayout(m_templateNameRow);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_templateName, 1);
    layout->addWidget(m_confirmTemplate);
    layout->addWidget(m_cancelTemplate);
    m_templateNameRow->hide();
    return m_templateNameRow;
}

QWidget *PublishPanel::buildOptionsRow()
{
    auto *row = new QWidget(this);
    m_qos = new QComboBox(row);
    m_qos->addItems({tr("QoS 0"), tr("QoS 1")});
    m_qos->setAccessibleName(tr("Quality of service"));
    m_qos->setToolTip(tr("QoS 0: sent once, no acknowledgement. QoS 1: the broker acknowledges "
                         "it (PUBACK)."));
    m_retain = new QCheckBox(tr("Retain"), row);
    m_retain->setAccessibleName(tr("Retain"));
    m_retain->setToolTip(tr("The broker keeps the message and gives it to every new subscriber "
                            "of the topic"));
    m_route = new QComboBox(row);
    m_route->addItems({tr("Automatic"), tr("MQTT"), tr("HTTPS")});
    m_route->setAccessibleName(tr("Send over"));
    m_route->setToolTip(tr("Automatic: over the MQTT connection when it is connected, else with "
                           "the HTTPS Publish API.\nMQTT: only over the MQTT connection.\nHTTPS: "
                           "only with the HTTPS Publish API (no MQTT connection needed; MQTT 5 "
                           "properties are not sent)."));
    auto *via = new QLabel(tr("Send over"), row);
    via->setBuddy(m_route);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_qos);
    layout->addWidget(m_retain);
    layout->addStretch(1);
    layout->addWidget(via);
    layout->addWidget(m_route);
    return row;
}

QWidget *PublishPanel::buildPublishRow()
{
    auto *row = new QWidget(this);
    m_routeNote = new QLabel(row);
    m_routeNote->setAccessibleName(tr("How the message will be sent"));
    m_routeNote->setForegroundRole(QPalette::PlaceholderText);
    m_publish = new QPushButton(tr("Publish"), row);
    m_publish->setAccessibleName(tr("Publish"));
    m_publish->setToolTip(tr("Publish the message (Ctrl+Return)"));
    m_publish->setDefault(false);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_routeNote, 1);
    layout->addWidget(m_publish);
    return row;
}

QWidget *PublishPanel::buildHistory()
{
    auto *box = new QWidget(this);
    m_historyList = new PublishHistoryList(box);
    m_historyList->setMinimumHeight(m_historyList->fontMetrics().lineSpacing() * 7);
    m_sendAgain = new QPushButton(tr("Send Again"), box);
    m_sendAgain->setAccessibleName(tr("Send again"));
    m_sendAgain->setToolTip(tr("Send the selected message again (Enter or double-click)"));
    m_load = new QPushButton(tr("Load"), box);
    m_load->setAccessibleName(tr("Load into form"));
    m_load->setToolTip(tr("Put the selected message into the form to edit it"));
    m_clearHistory = new QPushButton(tr("Clear"), box);
    m_clearHistory->setAccessibleName(tr("Clear history"));
    m_clearHistory->setToolTip(tr("Forget the recent publishes of this connection (templates "
                                  "stay)"));
    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(new QLabel(tr("History"), box));
    buttons->addStretch(1);
    buttons->addWidget(m_sendAgain);
    buttons->addWidget(m_load);
    buttons->addWidget(m_clearHistory);
    auto *layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 6, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(buttons);
    layout->addWidget(m_historyList, 1);
    return box;
}

// --- wiring ---------------------------------------------------------------------------------

void PublishPanel::wireForm()
{
    connect(m_topic, &QLineEdit::textChanged, this, &PublishPanel::updateTopicProblem);
    connect(m_payload, &PublishPayloadEditor::changed, this, &PublishPanel::updatePublishEnabled);
    connect(m_properties, &PublishPropertiesEditor::changed, this,
            &PublishPanel::updatePublishEnabled);
    connect(m_route, &QComboBox::currentIndexChanged, this, &PublishPanel::updateRouteNote);
    connect(m_propertiesGroup, &QGroupBox::toggled, this, [this](bool on) {
        m_properties->setVisible(on);
        // Collapsed: the title alone, not an empty frame.
        m_propertiesGroup->setFlat(!on);
        m_propertiesGroup->layout()->setContentsMargins(on ? QMargins(6, 6, 6, 6) : QMargins());
        updatePublishEnabled();
    });
    connect(m_publish, &QPushButton::clicked, this, &PublishPanel::publish);
}

void PublishPanel::wireHistory()
{
    connect(m_historyList, &QTreeWidget::itemActivated, this,
            [this](QTreeWidgetItem *item) { sendAgain(m_historyList->indexOfTopLevelItem(item)); });
    connect(m_sendAgain, &QPushButton::clicked, this,
            [this] { sendAgain(m_historyList->currentRow()); });
    connect(m_load, &QPushButton::clicked, this,
            [this] { loadRecord(m_historyList->currentRow()); });
    connect(m_clearHistory, &QPushButton::clicked, this, &PublishPanel::clearHistory);
    connect(m_historyList, &QTreeWidget::itemSelectionChanged, this, [this] {
        const bool selected = m_historyList->currentRow() >= 0;
        m_sendAgain->setEnabled(selected);
        m_load->setEnabled(selected);
    });
    m_sendAgain->setEnabled(false);
    m_load->setEnabled(false);
}

void PublishPanel::wireTemplates()
{
    connect(m_templates, &QComboBox::activated, this, &PublishPanel::onTemplateActivated);
    connect(m_saveTemplate, &QPushButton::clicked, this, &PublishPanel::beginSaveTemplate);
    connect(m_deleteTemplate, &QPushButton::clicked, this, &PublishPanel::deleteTemplate);
    connect(m_confirmTemplate, &QPushButton::clicked, this, &PublishPanel::confirmSaveTemplate);
    connect(m_templateName, &QLineEdit::returnPressed, this, &PublishPanel::confirmSaveTemplate);
    connect(m_cancelTemplate, &QPushButton::clicked, this, &PublishPanel::cancelSaveTemplate);
    auto *escape = new QShortcut(QKeySequence(Qt::Key_Escape), m_templateNameRow);
    escape->setContext(Qt::WidgetWithChildrenShortcut);
    connect(escape, &QShortcut::activated, this, &PublishPanel::cancelSaveTemplate);
    connect(m_templateName, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_confirmTemplate->setEnabled(!text.trimmed().isEmpty());
    });
    m_deleteTemplate->setEnabled(false);
}

void PublishPanel::wireSession()
{
    MqttConnection *mqtt = m_session->mqtt();
    connect(mqtt, &MqttConnection::publishFinished, this, &PublishPanel::onPublishFinished);
    connect(mqtt, &MqttConnection::stateChanged, this, &PublishPanel::updateSessionState);
    connect(m_session, &ConsoleSession::restStateChanged, this, &PublishPanel::updateRouteNote);
    connect(m_session, &QObject::destroyed, this, [this] { setSession(nullptr); });
}

// --- session --------------------------------------------------------------------------------

void PublishPanel::setSession(ConsoleSession *session)
{
    if (m_session) {
        disconnect(m_session->mqtt(), nullptr, this, nullptr);
        disconnect(m_session, nullptr, this, nullptr);
    }
    m_session = session;
    m_messageBar->dismiss();
    if (m_session)
        wireSession();
    reloadHistory();
    updateSessionState();
}

void PublishPanel::reloadHistory()
{
    m_added = 0;
    ++m_generation;
    m_mqttPending.clear();
    if (m_session) {
        if (const auto problem = m_history->load(m_session->settings().name))
            m_messageBar->showMessage(MessageBar::Level::Warning, *problem);
    }
    m_historyList->setRecords(m_session ? m_history->records() : QList<PublishRecord>());
    refreshTemplates();
}

void PublishPanel::updateSessionState()
{
    const bool open = !m_session.isNull();
    m_noSession->setVisible(!open);
    m_content->setEnabled(open);
    m_propertiesGroup->setVisible(open && isMqtt5());
    updateRouteNote();
    updateTopicProblem();
}

bool PublishPanel::sendsProperties() const
{
    return m_propertiesGroup->isVisibleTo(this) && m_propertiesGroup->isChecked();
}

bool PublishPanel::isMqtt5() const
{
    const MqttConnection *mqtt = m_session->mqtt();
    // Before the first connect the options are defaults; the settings say what it will be.
    const auto version = mqtt->state() == MqttConnection::State::Disconnected
                             ? m_session->settings().mqttVersion
                             : mqtt->options().version;
    return version == MqttConnectOptions::Version::Mqtt5;
}

void PublishPanel::setTopic(const QString &topic)
{
    m_topic->setText(topic);
}

// --- form -----------------------------------------------------------------------------------

void PublishPanel::updateTopicProblem()
{
    const QString text = m_topic->text();
    m_topicProblem->setProblem(text.isEmpty() ? QString() : TopicName::validate(text));
    updatePublishEnabled();
}

void PublishPanel::updatePublishEnabled()
{
    const bool topicOk = TopicName::validate(m_topic->text()).isEmpty();
    const bool propertiesOk = !sendsProperties() || m_properties->problem().isEmpty();
    m_publish->setEnabled(m_session && topicOk && m_payload->payload().ok() && propertiesOk);
}

void PublishPanel::updateRouteNote()
{
    if (!m_session) {
        m_routeNote->clear();
        return;
    }
    const auto via = chooseVia(PublishRecord());
    m_routeNote->setToolTip(via.ok() ? QString() : via.error());
    if (!via.ok())
        m_routeNote->setText(tr("Cannot send now"));
    else
        m_routeNote->setText(via.value() == PublishRecord::Mqtt ? tr("Sends over MQTT")
                                                                : tr("Sends over HTTPS"));
    updatePublishEnabled();
}

void PublishPanel::refreshCompletions()
{
    QStringList topics;
    if (m_session)
        topics = m_session->messages()->topicCounts().keys();
    for (const PublishRecord &record : m_history->records())
        topics.append(record.topic);
    topics.sort(Qt::CaseInsensitive);
    topics.removeDuplicates();
    m_completions->setStringList(topics);
}

bool PublishPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_topic && event->type() == QEvent::FocusIn)
        refreshCompletions();
    return QWidget::eventFilter(watched, event);
}

Result<PublishRecord, QString> PublishPanel::formRecord() const
{
    const auto payload = m_payload->payload();
    if (!payload.ok())
        return fail(
            tr("The payload is not valid hex: %1 Fix it, or switch to Text.").arg(payload.error()));
    PublishRecord record;
    record.topic = m_topic->text();
    record.payload = payload.value();
    record.qos = m_qos->currentIndex();
    record.retain = m_retain->isChecked();
    if (sendsProperties())
        record.properties = m_properties->properties();
    return record;
}

void PublishPanel::showRecord(const PublishRecord &record)
{
    m_topic->setText(record.topic);
    m_payload->setPayload(record.payload);
    m_qos->setCurrentIndex(qBound(0, record.qos, 1));
    m_retain->setChecked(record.retain);
    m_properties->setProperties(record.properties);
    if (!record.properties.isEmpty())
        m_propertiesGroup->setChecked(true);
}

// --- sending --------------------------------------------------------------------------------

void PublishPanel::publish()
{
    if (!m_publish->isEnabled()) {
        const QString why = TopicName::validate(m_topic->text());
        if (m_session && !why.isEmpty())
            showError(tr("Cannot publish: %1").arg(why));
        return;
    }
    const auto record = formRecord();
    if (!record.ok()) {
        showError(record.error());
        return;
    }
    send(record.value());
}

void PublishPanel::sendAgain(int row)
{
    if (row < 0 || row >= m_history->records().size())
        return;
    PublishRecord record = m_history->records().at(row);
    if (!isMqtt5())
        record.properties = {};
    send(record);
}

void PublishPanel::loadRecord(int row)
{
    if (row >= 0 && row < m_history->records().size())
        showRecord(m_history->records().at(row));
}

Result<PublishRecord::Via, QString> PublishPanel::chooseVia(const PublishRecord &record) const
{
    if (!m_session)
        return fail(tr("No connection is open: open one to publish."));
    const bool mqttUp = m_session->mqtt()->state() == MqttConnection::State::Connected;
    const bool httpsUp = m_session->shadows() != nullptr;
    const auto route = Route(m_route->currentIndex());
    if (route == Route::Mqtt && !mqttUp)
        return fail(tr("MQTT is not connected (%1): connect MQTT, or choose HTTPS or Automatic "
                       "under Send over.")
                        .arg(m_session->mqttStatusText()));
    if (route == Route::Https && !httpsUp)
        return fail(tr("HTTPS publishing needs the connection's REST clients, which are not "
                       "ready: open the connection again."));
    if (route == Route::Automatic && !mqttUp && !httpsUp)
        return fail(tr("Neither MQTT nor HTTPS is available: connect MQTT or open the connection "
                       "again."));
    const bool overMqtt = route == Route::Mqtt || (route == Route::Automatic && mqttUp);
    if (!overMqtt && !record.properties.isEmpty())
        return fail(tr("MQTT 5 properties are sent only over MQTT: connect MQTT, or clear the "
                       "properties."));
    return overMqtt ? PublishRecord::Mqtt : PublishRecord::Https;
}

void PublishPanel::send(PublishRecord record)
{
    const auto via = chooseVia(record);
    if (!via.ok()) {
        showError(via.error());
        return;
    }
    m_messageBar->dismiss();
    record.via = via.value();
    record.timeMs = QDateTime::currentMSecsSinceEpoch();
    record.outcome = PublishRecord::Pending;
    record.error.clear();
    if (record.via == PublishRecord::Mqtt)
        sendOverMqtt(record);
    else
        sendOverHttps(record);
}

void PublishPanel::sendOverMqtt(const PublishRecord &record)
{
    const auto topic = TopicName::create(record.topic);
    if (!topic.ok()) {
        showError(tr("Cannot publish: %1").arg(topic.error()));
        return;
    }
    const auto id = m_session->mqtt()->send(topic.value(), record.payload, record.qos,
                                            record.retain, record.properties);
    if (!id.ok()) {
        showError(tr("MQTT did not take the message: %1").arg(id.error()));
        return;
    }
    m_mqttPending.insert(id.value(), addRecord(record));
}

void PublishPanel::sendOverHttps(const PublishRecord &record)
{
    const auto topic = TopicName::create(record.topic);
    if (!topic.ok()) {
        showError(tr("Cannot publish: %1").arg(topic.error()));
        return;
    }
    const qint64 key = addRecord(record);
    const quint64 generation = m_generation;
    MqttMessage echo;
    echo.topic = record.topic;
    echo.payload = record.payload;
    echo.timestampMs = record.timeMs;
    echo.qos = quint8(record.qos);
    echo.retained = record.retain;
    echo.outgoing = true;
    m_session->expectEcho(echo);
    m_session->shadows()->publish(
        topic.value(), record.payload, record.qos, record.retain, this,
        [this, key, generation](const Result<std::monostate, IotError> &result) {
            if (generation == m_generation)
                finish(key, result.ok(), result.ok() ? QString() : result.error().toString());
        });
}

qint64 PublishPanel::addRecord(const PublishRecord &record)
{
    reportSaveProblem(m_history->add(record));
    m_historyList->insertRecord(record, PublishHistory::kMaxRecords);
    return ++m_added;
}

int PublishPanel::indexOfKey(qint64 key) const
{
    const qint64 index = m_added - key;
    return index >= 0 && index < m_history->records().size() ? int(index) : -1;
}

void PublishPanel::finish(qint64 key, bool ok, const QString &error)
{
    const int index = indexOfKey(key);
    if (index < 0)
        return;
    const PublishRecord &record = m_history->records().at(index);
    const auto outcome = !ok ? PublishRecord::Failed
                         : record.via == PublishRecord::Mqtt && record.qos > 0
                             ? PublishRecord::Acknowledged
                             : PublishRecord::Sent;
    reportSaveProblem(m_history->setOutcome(index, outcome, error));
    m_historyList->updateRecord(index, m_history->records().at(index));
    if (!ok)
        showError(tr("Publishing to %1 failed: %2").arg(record.topic, error));
}

void PublishPanel::onPublishFinished(quint64 publishId, bool ok, const QString &error)
{
    const auto it = m_mqttPending.constFind(publishId);
    if (it == m_mqttPending.constEnd())
        return;
    const qint64 key = it.value();
    m_mqttPending.erase(it);
    finish(key, ok, error);
}

void PublishPanel::clearHistory()
{
    m_added = 0;
    ++m_generation;
    m_mqttPending.clear();
    reportSaveProblem(m_history->clear());
    m_historyList->setRecords({});
}

void PublishPanel::reportSaveProblem(const std::optional<QString> &problem)
{
    if (problem)
        m_messageBar->showMessage(MessageBar::Level::Warning, *problem);
}

void PublishPanel::showError(const QString &sentence)
{
    m_messageBar->showMessage(MessageBar::Level::Error, sentence);
}

// --- templates ------------------------------------------------------------------------------

void PublishPanel::refreshTemplates(const QString &select)
{
    const QSignalBlocker blocker(m_templates);
    m_templates->clear();
    if (m_session)
        m_templates->addItems(m_history->templateNames());
    m_templates->setCurrentIndex(m_templates->findText(select));
    m_deleteTemplate->setEnabled(m_templates->currentIndex() >= 0);
}

void PublishPanel::onTemplateActivated(int index)
{
    m_deleteTemplate->setEnabled(index >= 0);
    if (const auto record = m_history->templateNamed(m_templates->itemText(index)))
        showRecord(*record);
}

void PublishPanel::beginSaveTemplate()
{
    m_templateName->setText(m_templates->currentText());
    m_confirmTemplate->setEnabled(!m_templateName->text().isEmpty());
    m_templateNameRow->show();
    m_templateName->setFocus();
    m_templateName->selectAll();
}

void PublishPanel::confirmSaveTemplate()
{
    const QString name = m_templateName->text().trimmed();
    if (name.isEmpty())
        return;
    const auto record = formRecord();
    if (!record.ok()) {
        showError(record.error());
        return;
    }
    reportSaveProblem(m_history->saveTemplate(name, record.value()));
    refreshTemplates(name);
    cancelSaveTemplate();
}

void PublishPanel::cancelSaveTemplate()
{
    m_templateNameRow->hide();
    m_saveTemplate->setFocus();
}

void PublishPanel::deleteTemplate()
{
    const QString name = m_templates->currentText();
    if (name.isEmpty())
        return;
    reportSaveProblem(m_history->removeTemplate(name));
    refreshTemplates();
}

} // namespace thingdeck
