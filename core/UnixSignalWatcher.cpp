#include "UnixSignalWatcher.h"

#include <array>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace thingdeck {

namespace {

constexpr std::array kSignals{SIGINT, SIGTERM, SIGHUP};

// A signal handler can reach nothing but process-wide state; this descriptor is the only
// such state, written once before the handlers are installed.
int g_writeFd = -1; // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

extern "C" void onSignal(int number)
{
    const int savedErrno = errno; // the interrupted code may be about to read errno
    const char byte = char(number);
    [[maybe_unused]] const auto written = ::write(g_writeFd, &byte, 1);
    errno = savedErrno;
}

// A signal ignored when the process started stays ignored, as the shells and coreutils do:
// `nohup` ignores SIGHUP, and a non-interactive shell ignores SIGINT for background jobs.
bool isIgnored(int number)
{
    struct sigaction current = {};
    return ::sigaction(number, nullptr, &current) == 0 && current.sa_handler == SIG_IGN;
}

} // namespace

UnixSignalWatcher::UnixSignalWatcher(QObject *parent)
    : QObject(parent)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, m_fds.data()) != 0)
        return;
    // Non-blocking, so that a flood of signals can never block the handler.
    ::fcntl(m_fds[0], F_SETFL, ::fcntl(m_fds[0], F_GETFL) | O_NONBLOCK);
    g_writeFd = m_fds[0];
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (const int number : kSignals) {
        struct sigaction previous = {};
        if (isIgnored(number) || ::sigaction(number, &action, &previous) != 0)
            continue;
        m_previous.emplace_back(number, previous);
    }
    m_notifier = std::make_unique<QSocketNotifier>(m_fds[1], QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &UnixSignalWatcher::onReadable);
}

UnixSignalWatcher::~UnixSignalWatcher()
{
    for (const auto &[number, previous] : m_previous)
        ::sigaction(number, &previous, nullptr);
    m_notifier.reset();
    g_writeFd = -1;
    for (int fd : m_fds) {
        if (fd >= 0)
            ::close(fd);
    }
}

void UnixSignalWatcher::onReadable()
{
    char byte = 0;
    if (::read(m_fds[1], &byte, 1) == 1)
        emit terminationRequested(int(byte));
}

} // namespace thingdeck
