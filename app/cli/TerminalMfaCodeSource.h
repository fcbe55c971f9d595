#pragma once

#include "aws/MfaCodeSource.h"

#include <QByteArray>
#include <QObject>
#include <QString>

#include <memory>

class QSocketNotifier;

namespace thingdeck {

/// Asks for an MFA code on the controlling terminal, as the AWS CLI does: writes
/// `Enter MFA code for <serial>: ` to /dev/tty and reads one line from it, through a
/// QSocketNotifier so the event loop keeps running. The typed text is echoed. Without a
/// terminal (a script, a service) the request fails with a sentence saying so.
class TerminalMfaCodeSource : public QObject, public MfaCodeSource
{
    Q_OBJECT
public:
    /// `ttyPath` is replaceable for tests.
    explicit TerminalMfaCodeSource(QString ttyPath = QStringLiteral("/dev/tty"),
                                   QObject *parent = nullptr);
    ~TerminalMfaCodeSource() override;
    Q_DISABLE_COPY_MOVE(TerminalMfaCodeSource)

    void request(const QString &serial, Callback callback) override;

private:
    void onReadable();
    void complete(const CodeResult &result);
    void close();

    QString m_ttyPath;
    int m_fd = -1;
    std::unique_ptr<QSocketNotifier> m_notifier;
    QByteArray m_line;
    Callback m_callback;
};

} // namespace thingdeck
