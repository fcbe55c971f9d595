#pragma once

#include "mqtt/MqttMessage.h"
#include "mqtt/PayloadFormatter.h"

#include <QWidget>

#include <array>

class QAction;
class QLabel;
class QPlainTextEdit;
class QStackedWidget;
class QTabWidget;

namespace thingdeck {

class HexView;
class JsonHighlighter;
class MessageDetailsDiff;
class MessageDetailsHeader;
class MessageDetailsNotice;
class MessageDetailsTextFeeder;

/// One MQTT message in full: topic, QoS, flags, size, time and MQTT 5 properties above tabs
/// with the payload as indented, coloured JSON, as text, as a hex dump and compared with the
/// message before it on the topic. A tab is filled when it is first shown for a message, and
/// payloads over a megabyte are only indented, shown in full or compared when asked to, so
/// selecting any message stays instant.
class MessageDetails : public QWidget
{
    Q_OBJECT
public:
    enum Tab { JsonTab, TextTab, HexTab, DiffTab, TabCount };
    /// Text shown in the Text tab of a large payload until "Show All" is clicked.
    static constexpr qsizetype kTextPreviewBytes = qsizetype{128} * 1024;

    explicit MessageDetails(QWidget *parent = nullptr);
    ~MessageDetails() override;
    Q_DISABLE_COPY_MOVE(MessageDetails)

    /// Shows `message`; `previous` is the message before it on the same topic (nullptr if
    /// none), for the diff.
    void showMessage(const MqttMessage &message, const MqttMessage *previous);
    /// Shows a short placeholder sentence instead of a message.
    void clear();

    bool hasMessage() const;
    QString placeholderText() const;
    /// What the payload is; for a large payload JSON is assumed from its first character until
    /// it is formatted.
    PayloadFormatter::Kind payloadKind() const { return m_kind; }
    /// The payload as Copy Payload gives it: the text when it is UTF-8, else a hex dump.
    QString payloadCopyText() const;
    /// Indents the JSON tab's payload now, whatever its size ("Format as JSON").
    void formatJson();
    /// Shows all of a large payload's text ("Show All").
    void showAllText();

    MessageDetailsHeader *header() const { return m_header; }
    QTabWidget *tabs() const { return m_tabs; }
    QPlainTextEdit *jsonView() const { return m_json; }
    QPlainTextEdit *textView() const { return m_text; }
    HexView *hexView() const { return m_hex; }
    MessageDetailsDiff *diff() const { return m_diff; }
    MessageDetailsNotice *jsonNotice() const { return m_jsonNotice; }
    MessageDetailsNotice *textNotice() const { return m_textNotice; }
    QAction *copyPayloadAction() const { return m_copyPayload; }
    QAction *copyTopicAction() const { return m_copyTopic; }
    MessageDetailsTextFeeder *jsonFeeder() const { return m_jsonFeeder; }

Q_SIGNALS:
    /// The window puts `text` on the clipboard.
    void copyRequested(const QString &text);

private:
    QWidget *buildContent();
    QWidget *buildTopRow(QWidget *parent);
    QWidget *buildEditorTab(QPlainTextEdit *edit, MessageDetailsNotice *notice);
    void buildActions();
    static void setupEditor(QPlainTextEdit *edit, const QString &name, const QString &accessible);
    void updateTabStates();
    Tab defaultTab() const;
    void ensureFormatted(int tab);
    void fillJson();
    void fillText();
    void setJsonText(const QString &text, bool highlighted);
    void onJsonNoticeClicked();
    void showFormatProgress(int percent);
    bool isLarge() const;

    QStackedWidget *m_stack;
    QLabel *m_placeholder;
    MessageDetailsHeader *m_header;
    QTabWidget *m_tabs;
    QPlainTextEdit *m_json;
    QPlainTextEdit *m_text;
    MessageDetailsNotice *m_jsonNotice;
    MessageDetailsNotice *m_textNotice;
    JsonHighlighter *m_highlighter;
    MessageDetailsTextFeeder *m_jsonFeeder;
    HexView *m_hex;
    MessageDetailsDiff *m_diff;
    QAction *m_copyPayload = nullptr;
    QAction *m_copyTopic = nullptr;
    MqttMessage m_message;
    PayloadFormatter::Kind m_kind = PayloadFormatter::Kind::Empty;
    std::array<bool, TabCount> m_filled{};
};

} // namespace thingdeck
