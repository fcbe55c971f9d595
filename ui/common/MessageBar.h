#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QToolButton;

namespace thingdeck {

/// A dismissable bar at the top of a pane: what went wrong and how to fix it, with a Retry
/// button when the action can be repeated. Hidden until showMessage(); one message at a time
/// (a new one replaces the old, so errors never pile up as dialogs do).
class MessageBar : public QWidget
{
    Q_OBJECT
public:
    enum class Level { Information, Warning, Error };

    explicit MessageBar(QWidget *parent = nullptr);

    /// Shows `text` (rich text is not interpreted). With `retryable`, a Retry button emits
    /// retryRequested().
    void showMessage(Level level, const QString &text, bool retryable = false);
    /// Adds a button to the message shown (until the next showMessage()) that emits
    /// actionRequested(): a fix the program can carry out, such as signing in.
    void setAction(const QString &text, const QString &accessibleName, const QString &toolTip);
    void dismiss();
    QString text() const;
    Level level() const { return m_level; }
    bool isRetryable() const;
    /// The button of setAction(); hidden when the message has none.
    QPushButton *actionButton() const { return m_action; }

Q_SIGNALS:
    void retryRequested();
    void actionRequested();
    void dismissed();

private:
    void applyLevel();

    QLabel *m_icon;
    QLabel *m_text;
    QPushButton *m_action;
    QPushButton *m_retry;
    QToolButton *m_close;
    Level m_level = Level::Information;
};

} // namespace thingdeck
