#pragma once

#include "mqtt/MqttMessage.h"

#include <QWidget>

class QJsonObject;
class QLabel;
class QPlainTextEdit;
class QStackedWidget;
class QSyntaxHighlighter;

namespace thingdeck {

class DiffView;
class MessageDetailsNotice;

/// The Diff tab: a message against the one before it on the same topic. Two JSON objects are
/// compared as trees (DiffView, with its summary above); other text line by line; anything
/// else gets a sentence. Compares only when asked to (the tab is shown), once per message, and
/// payloads over a megabyte only after a click.
class MessageDetailsDiff : public QWidget
{
    Q_OBJECT
public:
    explicit MessageDetailsDiff(QWidget *parent = nullptr);

    /// Remembers the two messages; `previous` may be null. Compares nothing yet.
    void setMessages(const MqttMessage &message, const MqttMessage *previous);
    void clear();
    /// Compares the messages unless done already (or offers to, for big payloads).
    void ensureCompared();

    /// The line above the comparison: DiffView's summary, a line count or a sentence.
    QString summary() const;
    DiffView *diffView() const { return m_diffView; }
    QPlainTextEdit *textDiff() const { return m_textDiff; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void compare();
    void showSentence(const QString &sentence);
    void showJsonDiff(const QJsonObject &previous, const QJsonObject &current);
    void showTextDiff(const QString &previous, const QString &current);

    MessageDetailsNotice *m_notice;
    QLabel *m_summary;
    QStackedWidget *m_stack;
    DiffView *m_diffView;
    QPlainTextEdit *m_textDiff;
    QSyntaxHighlighter *m_highlighter;
    QByteArray m_current;
    QByteArray m_previous;
    QString m_currentTitle;
    QString m_previousTitle;
    bool m_hasPrevious = false;
    bool m_compared = false;
};

} // namespace thingdeck
