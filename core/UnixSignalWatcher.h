#pragma once

#include <QObject>
#include <QSocketNotifier>

#include <memory>

namespace thingdeck {

/// Turns SIGINT and SIGTERM into a Qt signal on the event loop (the self-pipe pattern: the
/// handler only writes one byte, which is async-signal-safe). One instance per process.
class UnixSignalWatcher : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignalWatcher(QObject *parent = nullptr);
    ~UnixSignalWatcher() override;

    /// False when the pipe or the handlers could not be installed.
    bool isValid() const { return m_notifier != nullptr; }

Q_SIGNALS:
    void terminationRequested(int signalNumber);

private:
    void onReadable();

    int m_fds[2] = {-1, -1};
    std::unique_ptr<QSocketNotifier> m_notifier;
};

} // namespace thingdeck
