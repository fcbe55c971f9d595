#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace thingdeck {

/// A one-line note above a tab's content with an optional button, e.g. "This payload is
/// 10.0 MB; formatting it takes a moment. [Format as JSON]": the pane offers slow work instead
/// of doing it when a message is selected.
class MessageDetailsNotice : public QWidget
{
    Q_OBJECT
public:
    /// Payloads above this size are not formatted, parsed or compared until asked to.
    static constexpr qsizetype kLargePayloadBytes = qsizetype{1024} * 1024;

    explicit MessageDetailsNotice(const QString &accessibleName, QWidget *parent = nullptr);

    /// Shows the note; the button only when `buttonText` is not empty.
    void showNotice(const QString &text, const QString &buttonText = QString(),
                    const QString &buttonToolTip = QString());
    QString text() const;
    QPushButton *button() const { return m_button; }

Q_SIGNALS:
    void buttonClicked();

private:
    QLabel *m_label;
    QPushButton *m_button;
};

} // namespace thingdeck
