#pragma once

#include <QList>
#include <QObject>
#include <QSocketNotifier>

#include <memory>

namespace thingdeck {

/// Turns SIGINT, SIGTERM and SIGHUP into a Qt signal on the event loop (the self-pipe pattern:
/// the handler only writes one byte, which is async-signal-safe). A signal that was ignored
/// when the watcher was created (`nohup` ignores SIGHUP) is left ignored. The default actions
/// come back when the watcher is destroyed. One instance per process.
class UnixSignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignalWatcher(QObject *parent = nullptr);
    ~UnixSignalWatcher() override;

    /// False when the pipe or the handlers could not be installed.
    bool isValid() const { return m_notifier != nullptr; }

    /// The signals this watcher reports (those not ignored at start).
    QList<int> handledSignals() const { return m_handled; }

Q_SIGNALS:
    /// Once per signal received; `signalNumber` is SIGINT, SIGTERM or SIGHUP.
    void terminationRequested(int signalNumber);

private:
    void onReadable();

    int m_fds[2] = {-1, -1};
    QList<int> m_handled;
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace thingdeck
