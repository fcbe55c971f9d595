#pragma once

#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <memory>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QSplitter;
class QTabWidget;
class QTableView;
class QToolButton;

namespace thingdeck {

class ConsoleSession;
class MessageBar;
class MessageDetails;
class MessageExporter;
class MessageFilterModel;
class MessageImporter;
class PublishPanel;
class Settings;
class SubscriptionListModel;
class SubscriptionPanel;
struct MqttMessage;

/// The live MQTT pane at the bottom of the main window: subscriptions on the left, the message
/// table in the middle (follow, pause, clear, topic and text filters, messages per second,
/// drops and the caps), the selected message's details and the publish panel on the right.
/// Binds to the session's message store and model; the subscriptions of a connection are saved
/// in the settings and restored when it opens.
class MessagePane : public QWidget
{
    Q_OBJECT
public:
    static constexpr int kStatusIntervalMs = 500;
    static constexpr int kFollowIntervalMs = 60;

    MessagePane(Settings *settings, const QString &publishHistoryDirectory,
                QWidget *parent = nullptr);
    ~MessagePane() override;
    Q_DISABLE_COPY_MOVE(MessagePane)

    /// nullptr: no connection (the pane is empty and disabled).
    void setSession(ConsoleSession *session);
    /// Subscribes to the thing's shadow topics (classic and every named shadow), its presence
    /// events and its telemetry (the connection's pattern).
    void watchThing(const QString &thing);

    void setFollowing(bool following);
    bool isFollowing() const { return m_following; }
    void setPaused(bool paused);
    bool isPaused() const;
    void clear();
    /// Writes the selected messages (or all kept) as NDJSON, as `thingdeck-cli sub` prints them.
    void exportTo(const QString &path, bool selectionOnly);
    /// Reads such a file into the pane.
    void importFrom(const QString &path);
    void setCaps(qint64 messages, qint64 bytes);

    SubscriptionListModel *subscriptionModel() const { return m_subscriptionModel.get(); }
    SubscriptionPanel *subscriptions() const { return m_subscriptionPanel; }
    QTableView *table() const { return m_table; }
    MessageFilterModel *filterModel() const { return m_filterModel; }
    MessageDetails *details() const { return m_details; }
    PublishPanel *publishPanel() const { return m_publish; }
    MessageBar *messageBar() const { return m_messageBar; }
    QLineEdit *topicFilterField() const { return m_topicFilter; }
    QLineEdit *textFilterField() const { return m_textFilter; }
    QLabel *rateLabel() const { return m_rateLabel; }
    QLabel *droppedLabel() const { return m_droppedLabel; }
    QLabel *pausedLabel() const { return m_pausedLabel; }
    QToolButton *followButton() const { return m_followButton; }
    QToolButton *pauseButton() const { return m_pauseButton; }
    QTabWidget *sideTabs() const { return m_sideTabs; }
    QProgressBar *progressBar() const { return m_progress; }
    /// "1,234 msg/s · 0 dropped", for the status bar.
    QString statusText() const;
    QByteArray splitterState() const;
    void restoreSplitterState(const QByteArray &state);

Q_SIGNALS:
    void statusChanged();
    void copyRequested(const QString &text);
    /// An export or import ended: the count or the sentence, for tests and the status bar.
    void transferFinished(bool ok, const QString &sentence);

private:
    QWidget *buildCentre();
    QWidget *buildToolRow();
    QWidget *buildFilterRow();
    QWidget *buildProgressRow();
    QToolButton *buildCapButton();
    void buildActions();
    void bindSession();
    void unbindSession();
    void restoreSubscriptions();
    void saveSubscriptions();
    void applyTopicFilter();
    void applyTextFilter();
    void onRowsInserted();
    void onScrolled(int value);
    void scrollToEnd();
    void updateStatus();
    void showSelected();
    const MqttMessage *currentMessage() const;
    const MqttMessage *previousOnTopic(const MqttMessage &message) const;
    void showTableMenu(const QPoint &position);
    void chooseExportFile(bool selectionOnly);
    void chooseImportFile();
    void startTransfer(const QString &what);
    void endTransfer(bool ok, const QString &sentence);
    void watchTopics(const QString &thing, const QStringList &namedShadows,
                     const QString &listProblem);

    Settings *m_settings;
    QPointer<ConsoleSession> m_session;
    std::unique_ptr<SubscriptionListModel> m_subscriptionModel;
    MessageFilterModel *m_filterModel = nullptr;
    SubscriptionPanel *m_subscriptionPanel = nullptr;
    MessageBar *m_messageBar = nullptr;
    QTableView *m_table = nullptr;
    QSplitter *m_splitter = nullptr;
    QTabWidget *m_sideTabs = nullptr;
    MessageDetails *m_details = nullptr;
    PublishPanel *m_publish = nullptr;
    QToolButton *m_followButton = nullptr;
    QToolButton *m_pauseButton = nullptr;
    QToolButton *m_capButton = nullptr;
    QSpinBox *m_capMessages = nullptr;
    QSpinBox *m_capMegabytes = nullptr;
    QLineEdit *m_topicFilter = nullptr;
    QLineEdit *m_textFilter = nullptr;
    QLabel *m_rateLabel = nullptr;
    QLabel *m_droppedLabel = nullptr;
    QLabel *m_pausedLabel = nullptr;
    QWidget *m_progressRow = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_progressLabel = nullptr;
    std::unique_ptr<MessageExporter> m_exporter;
    std::unique_ptr<MessageImporter> m_importer;
    QTimer m_statusTimer;
    QTimer m_followTimer;
    QTimer m_textFilterTimer;
    bool m_following = true;
    bool m_scrolling = false; ///< the pane itself is scrolling (not the user)
    quint64 m_watchGeneration = 0;
};

} // namespace thingdeck
