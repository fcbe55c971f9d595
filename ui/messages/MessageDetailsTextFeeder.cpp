#include "messages/MessageDetailsTextFeeder.h"

#include <QPlainTextEdit>
#include <QTextCursor>

#include <algorithm>

namespace thingdeck {

MessageDetailsTextFeeder::MessageDetailsTextFeeder(QPlainTextEdit *edit)
    : QObject(edit)
    , m_edit(edit)
{
    m_timer.setInterval(0);
    connect(&m_timer, &QTimer::timeout, this, &MessageDetailsTextFeeder::feedSlice);
}

void MessageDetailsTextFeeder::start(const QString &text)
{
    stop();
    m_edit->clear();
    m_text = text;
    m_position = 0;
    m_timer.start();
    feedSlice();
}

void MessageDetailsTextFeeder::stop()
{
    m_timer.stop();
    m_text.clear();
    m_position = 0;
}

int MessageDetailsTextFeeder::percent() const
{
    return m_text.isEmpty() ? 100 : int(m_position * 100 / m_text.size());
}

void MessageDetailsTextFeeder::feedSlice()
{
    qsizetype end = std::min(m_text.size(), m_position + kSliceChars);
    const qsizetype newline = m_text.indexOf(u'\n', end);
    end = newline < 0 ? m_text.size() : newline;
    QTextCursor cursor(m_edit->document());
    cursor.movePosition(QTextCursor::End);
    cursor.insertText(QStringView(m_text).sliced(m_position, end - m_position).toString());
    m_position = end;
    if (m_position < m_text.size()) {
        emit progressed(percent());
        return;
    }
    m_timer.stop();
    m_text.clear();
    m_position = 0;
    emit finished();
}

} // namespace thingdeck
