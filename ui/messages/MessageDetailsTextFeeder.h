#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

class QPlainTextEdit;

namespace thingdeck {

/// Puts a long text into a QPlainTextEdit a slice of lines at a time, one slice per pass of the
/// event loop, so megabytes of indented JSON appear without freezing the window (setPlainText
/// of a million lines takes seconds). The first slice is shown at once.
class MessageDetailsTextFeeder : public QObject
{
    Q_OBJECT
public:
    /// Characters per slice, extended to the end of a line: a few milliseconds of layout.
    static constexpr qsizetype kSliceChars = qsizetype{64} * 1024;

    explicit MessageDetailsTextFeeder(QPlainTextEdit *edit);

    /// Replaces the edit's text with `text`, fed in slices.
    void start(const QString &text);
    /// Stops feeding; what was fed stays.
    void stop();
    bool isRunning() const { return m_timer.isActive(); }
    /// How much of the text is in the edit, 0–100.
    int percent() const;

Q_SIGNALS:
    void progressed(int percent);
    void finished();

private:
    void feedSlice();

    QPlainTextEdit *m_edit;
    QTimer m_timer;
    QString m_text;
    qsizetype m_position = 0;
};

} // namespace thingdeck
