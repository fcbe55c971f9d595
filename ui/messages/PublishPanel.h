#pragma once

#include "Result.h"
#include "session/ConsoleSession.h"
#include "session/PublishHistory.h"

#include <QHash>
#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QCompleter;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QScrollArea;
class QStringListModel;

namespace thingdeck {

class MessageBar;
class PublishHistoryList;
class PublishPayloadEditor;
class PublishProblemLabel;
class PublishPropertiesEditor;

/// The publish panel of the live MQTT pane: a topic (checked as it is typed, completed from the
/// topics seen and published), QoS, retain, the way to send (MQTT when connected, else the
/// HTTPS data-plane Publish, or either forced), the payload as text or hex, MQTT 5 properties
/// on MQTT 5 connections, and Publish (Ctrl+Return). Below it the connection's recent
/// publishes with their outcome (Sending…, Sent, Acknowledged (PUBACK), Failed: …), which can
/// be sent again or loaded into the form, and named templates. History and templates are kept
/// per connection by PublishHistory.
class PublishPanel : public QWidget
{
    Q_OBJECT
public:
    enum class Route { Automatic, Mqtt, Https };

    /// `historyDirectory`: where PublishHistory keeps its files (the app passes
    /// AppDataLocation + "/publish").
    explicit PublishPanel(QString historyDirectory, QWidget *parent = nullptr);

    /// The session to publish on; nullptr disables the panel, with a sentence saying to open a
    /// connection. Loads that connection's history and templates.
    void setSession(ConsoleSession *session);
    ConsoleSession *session() const { return m_session; }
    /// Prefills the topic (e.g. from a selected message).
    void setTopic(const QString &topic);
    PublishHistory *history() const { return m_history; }

    /// Puts history row `row` (records()[row]) into the form.
    void loadRecord(int row);
    /// Sends history row `row` again, over the way chosen under "Send over".
    void sendAgain(int row);

    QLineEdit *topicField() const { return m_topic; }
    PublishProblemLabel *topicProblem() const { return m_topicProblem; }
    QComboBox *qosSelector() const { return m_qos; }
    QCheckBox *retainBox() const { return m_retain; }
    QComboBox *routeSelector() const { return m_route; }
    PublishPayloadEditor *payloadEditor() const { return m_payload; }
    PublishPropertiesEditor *propertiesEditor() const { return m_properties; }
    QGroupBox *propertiesGroup() const { return m_propertiesGroup; }
    QPushButton *publishButton() const { return m_publish; }
    MessageBar *messageBar() const { return m_messageBar; }
    QLabel *noSessionLabel() const { return m_noSession; }
    QCompleter *topicCompleter() const { return m_completer; }
    PublishHistoryList *historyList() const { return m_historyList; }
    QComboBox *templateSelector() const { return m_templates; }
    QPushButton *saveTemplateButton() const { return m_saveTemplate; }
    QPushButton *deleteTemplateButton() const { return m_deleteTemplate; }
    QLineEdit *templateNameField() const { return m_templateName; }
    QPushButton *confirmTemplateButton() const { return m_confirmTemplate; }

public Q_SLOTS:
    /// Publishes what the form holds; problems show in the message bar.
    void publish();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QWidget *buildForm();
    QWidget *buildTemplateRow();
    QWidget *buildTemplateNameRow();
    QWidget *buildOptionsRow();
    QWidget *buildPublishRow();
    QWidget *buildHistory();
    void wireForm();
    void wireHistory();
    void wireTemplates();
    void wireSession();

    void updateTopicProblem();
    void updatePublishEnabled();
    void updateSessionState();
    void updateRouteNote();
    void refreshCompletions();
    void reloadHistory();

    Result<PublishRecord, QString> formRecord() const;
    void showRecord(const PublishRecord &record);
    Result<PublishRecord::Via, QString> chooseVia(const PublishRecord &record) const;
    void send(PublishRecord record);
    void sendOverMqtt(const PublishRecord &record);
    void sendOverHttps(const PublishRecord &record);
    qint64 addRecord(const PublishRecord &record);
    int indexOfKey(qint64 key) const;
    void finish(qint64 key, bool ok, const QString &error);
    void onPublishFinished(quint64 publishId, bool ok, const QString &error);
    void clearHistory();
    void reportSaveProblem(const std::optional<QString> &problem);
    void showError(const QString &sentence);

    void refreshTemplates(const QString &select = QString());
    void onTemplateActivated(int index);
    void beginSaveTemplate();
    void confirmSaveTemplate();
    void cancelSaveTemplate();
    void deleteTemplate();

    bool isMqtt5() const;
    bool sendsProperties() const;

    PublishHistory *m_history;
    QPointer<ConsoleSession> m_session;

    MessageBar *m_messageBar;
    QLabel *m_noSession;
    QScrollArea *m_scroll;
    QWidget *m_content = nullptr;
    QComboBox *m_templates = nullptr;
    QPushButton *m_saveTemplate = nullptr;
    QPushButton *m_deleteTemplate = nullptr;
    QWidget *m_templateNameRow = nullptr;
    QLineEdit *m_templateName = nullptr;
    QPushButton *m_confirmTemplate = nullptr;
    QPushButton *m_cancelTemplate = nullptr;
    QLineEdit *m_topic = nullptr;
    PublishProblemLabel *m_topicProblem = nullptr;
    QCompleter *m_completer = nullptr;
    QStringListModel *m_completions = nullptr;
    QComboBox *m_qos = nullptr;
    QCheckBox *m_retain = nullptr;
    QComboBox *m_route = nullptr;
    PublishPayloadEditor *m_payload = nullptr;
    QGroupBox *m_propertiesGroup = nullptr;
    PublishPropertiesEditor *m_properties = nullptr;
    QPushButton *m_publish = nullptr;
    QLabel *m_routeNote = nullptr;
    PublishHistoryList *m_historyList = nullptr;
    QPushButton *m_sendAgain = nullptr;
    QPushButton *m_load = nullptr;
    QPushButton *m_clearHistory = nullptr;

    /// Records are keyed by the order they were added in since the history was (re)loaded or
    /// cleared: record `key` is at records()[m_added - key], as each add puts one in front.
    qint64 m_added = 0;
    /// Bumped on every load and clear, so that answers to earlier sends find nothing.
    quint64 m_generation = 0;
    QHash<quint64, qint64> m_mqttPending; ///< publish id → record key
};

} // namespace thingdeck
