#pragma once

#include <QObject>
#include <QSocketNotifier>

#include <array>
#include <csignal>
#include <memory>
#include <utility>
#include <vector>

namespace thingdeck {

/// Turns SIGINT, SIGTERM and SIGHUP into a Qt signal on the event loop (the self-pipe pattern:
/// the handler only writes one byte, which is async-signal-safe). A signal that was ignored
/// when the watcher was created (`nohup` ignores SIGHUP) is left ignored. The previous actions
/// come back when the watcher is destroyed. One instance per process.
class UnixSignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignalWatcher(QObject *parent = nullptr);
    ~UnixSignalWatcher() override;
    Q_DISABLE_COPY_MOVE(UnixSignalWatcher)

    /// False when the pipe or the handlers could not be installed.
    bool isValid() const { return m_notifier != nullptr; }

Q_SIGNALS:
    /// Once per signal received; `signalNumber` is SIGINT, SIGTERM or SIGHUP.
    void terminationRequested(int signalNumber);

private:
    void onReadable();

    std::array<int, 2> m_fds = {-1, -1};
    /// The signals given a handler (those not ignored at start), with their previous action.
    std::vector<std::pair<int, struct sigaction>> m_previous;
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace thingdeck
