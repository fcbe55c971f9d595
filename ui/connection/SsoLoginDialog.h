#pragma once

#include <QDialog>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTimer>

class QLabel;
class QPlainTextEdit;
class QProcess;
class QPushButton;

namespace thingdeck {

/// A small non-modal window that runs `aws sso login --profile <profile>` and shows what the
/// AWS CLI prints (the verification URL and the code to confirm in the browser) while the user
/// signs in. Cancel terminates the CLI. Reports once: succeeded(), failed() with the last lines
/// of the output, or cancelled(); it then closes itself.
class SsoLoginDialog : public QDialog
{
    Q_OBJECT
public:
    /// Lines of output kept (older ones are dropped).
    static constexpr int kMaxLines = 200;
    /// Lines of output a failure quotes.
    static constexpr int kReasonLines = 4;

    /// `program` is the AWS CLI's path; `environment` is the session's (AWS_CONFIG_FILE, HOME).
    SsoLoginDialog(QString program, QString profile, const QProcessEnvironment &environment,
                   QWidget *parent = nullptr);
    ~SsoLoginDialog() override;
    Q_DISABLE_COPY_MOVE(SsoLoginDialog)

    /// Starts the CLI and shows the window.
    void start();
    QString profile() const { return m_profile; }
    /// The code the CLI asked to confirm in the browser, once it printed one.
    QString userCode() const { return m_userCode; }
    QStringList outputLines() const { return m_lines; }

Q_SIGNALS:
    void succeeded();
    void failed(const QString &reason);
    void cancelled();

protected:
    void reject() override;

private:
    void readOutput();
    void addLine(const QString &raw);
    void onFinished(int exitCode, int exitStatus);
    void onErrorOccurred(int error);
    void updateHeadline();
    void cancel();
    void end();
    QString lastLines() const;

    QString m_program;
    QString m_profile;
    QProcess *m_process;
    QLabel *m_headline;
    QPlainTextEdit *m_output;
    QPushButton *m_cancel;
    QTimer m_killTimer;
    QStringList m_lines;
    QByteArray m_partial;
    QString m_userCode;
    bool m_cancelling = false;
    bool m_done = false;
};

} // namespace thingdeck
