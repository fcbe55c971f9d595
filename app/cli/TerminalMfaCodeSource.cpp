#include "TerminalMfaCodeSource.h"

#include <QFile>
#include <QSocketNotifier>

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace thingdeck {
namespace {

// An MFA code is six digits; anything longer than this is not one.
constexpr qsizetype kMaxLine = 256;

} // namespace

TerminalMfaCodeSource::TerminalMfaCodeSource(QString ttyPath, QObject *parent)
    : QObject(parent)
    , m_ttyPath(std::move(ttyPath))
{}

TerminalMfaCodeSource::~TerminalMfaCodeSource()
{
    close();
}

void TerminalMfaCodeSource::request(const QString &serial, Callback callback)
{
    m_callback = std::move(callback);
    m_line.clear();
    m_fd = ::open(QFile::encodeName(m_ttyPath).constData(),
                  O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (m_fd < 0) {
        const QString why = QString::fromLocal8Bit(std::strerror(errno));
        return complete(fail(QStringLiteral("there is no terminal to ask on (%1: %2); run the "
                                            "command in a terminal, or cache the role's "
                                            "credentials first with the AWS CLI")
                                 .arg(m_ttyPath, why)));
    }
    const QByteArray prompt = "Enter MFA code for " + serial.toUtf8() + ": ";
    if (::write(m_fd, prompt.constData(), size_t(prompt.size())) != prompt.size())
        return complete(fail(QStringLiteral("cannot write the MFA prompt to %1").arg(m_ttyPath)));
    m_notifier = std::make_unique<QSocketNotifier>(m_fd, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this,
            &TerminalMfaCodeSource::onReadable);
}

void TerminalMfaCodeSource::onReadable()
{
    std::array<char, 64> buffer{};
    const ssize_t n = ::read(m_fd, buffer.data(), buffer.size());
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0)
        return complete(fail(QStringLiteral("the terminal closed before an MFA code was entered")));
    m_line.append(buffer.data(), n);
    const qsizetype newline = m_line.indexOf('\n');
    if (newline >= 0) {
        // Like getpass: the line without its end, otherwise as typed.
        QByteArray code = m_line.left(newline);
        if (code.endsWith('\r'))
            code.chop(1);
        return complete(QString::fromUtf8(code));
    }
    if (m_line.size() > kMaxLine)
        complete(fail(QStringLiteral("the line typed is too long for an MFA code")));
}

void TerminalMfaCodeSource::complete(const CodeResult &result)
{
    close();
    // Always from the event loop, never inside request().
    QMetaObject::invokeMethod(
        this, [callback = std::exchange(m_callback, {}), result] { callback(result); },
        Qt::QueuedConnection);
}

void TerminalMfaCodeSource::close()
{
    m_notifier.reset();
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
    m_line.clear();
}

} // namespace thingdeck
