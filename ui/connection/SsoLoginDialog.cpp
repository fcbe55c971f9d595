#include "connection/SsoLoginDialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QVBoxLayout>

namespace thingdeck {

namespace {

constexpr int kKillAfterMs = 3000;
// A line the CLI never ends (or a flood without newlines) is cut here rather than kept whole.
constexpr qsizetype kMaxPartialBytes = qsizetype{16} * 1024;

// The CLI prints the device code alone on a line ("ABCD-EFGH"), or newer versions inside the
// verification URL (…?user_code=ABCD-EFGH).
QString userCodeIn(const QString &line)
{
    static const QRegularExpression alone(QStringLiteral("^([A-Z0-9]{4}-[A-Z0-9]{4})$"));
    static const QRegularExpression inUrl(QStringLiteral("user_code=([A-Z0-9]{4}-[A-Z0-9]{4})"));
    QRegularExpressionMatch match = alone.match(line);
    if (!match.hasMatch())
        match = inUrl.match(line);
    return match.hasMatch() ? match.captured(1) : QString();
}

} // namespace

SsoLoginDialog::SsoLoginDialog(QString program, QString profile,
                               const QProcessEnvironment &environment, QWidget *parent)
    : QDialog(parent)
    , m_program(std::move(program))
    , m_profile(std::move(profile))
    , m_process(new QProcess(this))
    , m_headline(new QLabel(this))
    , m_output(new QPlainTextEdit(this))
    , m_cancel(new QPushButton(tr("&Cancel"), this))
{
    setWindowTitle(tr("Sign In with AWS SSO"));
    setAccessibleName(tr("Signing in with AWS SSO"));
    setObjectName(QStringLiteral("ssoLoginDialog"));
    setModal(false);
    auto *layout = new QVBoxLayout(this);
    m_headline->setWordWrap(true);
    m_headline->setTextFormat(Qt::PlainText);
    m_headline->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    QFont headlineFont = m_headline->font();
    headlineFont.setBold(true);
    m_headline->setFont(headlineFont);
    auto *hint = new QLabel(tr("The AWS CLI runs `aws sso login --profile %1`. Confirm the code "
                               "in the browser; if none opens, open the address below.")
                                .arg(m_profile),
                            this);
    hint->setWordWrap(true);
    hint->setTextFormat(Qt::PlainText);
    m_output->setReadOnly(true);
    m_output->setMaximumBlockCount(kMaxLines);
    m_output->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_output->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_output->setAccessibleName(tr("Output of aws sso login"));
    m_output->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_cancel->setAccessibleName(tr("Cancel signing in"));
    m_cancel->setToolTip(tr("Stop the AWS CLI's sign-in (Esc)"));
    auto *buttons = new QDialogButtonBox(this);
    buttons->addButton(m_cancel, QDialogButtonBox::RejectRole);
    layout->addWidget(m_headline);
    layout->addWidget(hint);
    layout->addWidget(m_output, 1);
    layout->addWidget(buttons);
    resize(600, 340);
    m_killTimer.setSingleShot(true);
    m_killTimer.setInterval(kKillAfterMs);
    connect(&m_killTimer, &QTimer::timeout, m_process, &QProcess::kill);
    connect(m_cancel, &QPushButton::clicked, this, &SsoLoginDialog::cancel);
    m_process->setProgram(m_program);
    m_process->setArguments(
        {QStringLiteral("sso"), QStringLiteral("login"), QStringLiteral("--profile"), m_profile});
    m_process->setProcessEnvironment(environment);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    connect(m_process, &QProcess::readyReadStandardOutput, this, &SsoLoginDialog::readOutput);
    connect(m_process, &QProcess::finished, this,
            [this](int code, QProcess::ExitStatus status) { onFinished(code, int(status)); });
    connect(m_process, &QProcess::errorOccurred, this,
            [this](QProcess::ProcessError error) { onErrorOccurred(int(error)); });
    updateHeadline();
}

// The CLI must not outlive the window that shows its code.
SsoLoginDialog::~SsoLoginDialog()
{
    m_process->disconnect(this);
    if (m_process->state() != QProcess::NotRunning)
        m_process->kill();
}

void SsoLoginDialog::start()
{
    m_process->start();
    show();
    m_cancel->setFocus(Qt::OtherFocusReason);
}

void SsoLoginDialog::reject()
{
    cancel();
}

void SsoLoginDialog::readOutput()
{
    m_partial += m_process->readAllStandardOutput();
    qsizetype newline = m_partial.indexOf('\n');
    while (newline >= 0) {
        addLine(QString::fromUtf8(m_partial.left(newline)));
        m_partial.remove(0, newline + 1);
        newline = m_partial.indexOf('\n');
    }
    if (m_partial.size() > kMaxPartialBytes)
        addLine(QString::fromUtf8(std::exchange(m_partial, {})));
}

void SsoLoginDialog::addLine(const QString &raw)
{
    const QString line = raw.trimmed();
    if (line.isEmpty())
        return;
    m_lines.append(line);
    if (m_lines.size() > kMaxLines)
        m_lines.remove(0, m_lines.size() - kMaxLines);
    m_output->appendPlainText(line);
    if (const QString code = userCodeIn(line); !code.isEmpty() && code != m_userCode) {
        m_userCode = code;
        updateHeadline();
    }
}

void SsoLoginDialog::updateHeadline()
{
    if (m_cancelling)
        m_headline->setText(tr("Cancelling…"));
    else if (m_userCode.isEmpty())
        m_headline->setText(tr("Signing in… follow the browser."));
    else
        m_headline->setText(tr("Signing in… follow the browser; the code is %1.").arg(m_userCode));
}

void SsoLoginDialog::onFinished(int exitCode, int exitStatus)
{
    if (m_done)
        return;
    readOutput();
    if (!m_partial.isEmpty())
        addLine(QString::fromUtf8(std::exchange(m_partial, {})));
    m_killTimer.stop();
    end();
    if (m_cancelling) {
        emit cancelled();
    } else if (exitStatus == QProcess::NormalExit && exitCode == 0) {
        emit succeeded();
    } else {
        const QString how = exitStatus == QProcess::NormalExit
                                ? tr("`aws sso login` exited with code %1.").arg(exitCode)
                                : tr("`aws sso login` crashed.");
        const QString output = lastLines();
        emit failed(output.isEmpty() ? how : how + QLatin1Char(' ') + output);
    }
}

void SsoLoginDialog::onErrorOccurred(int error)
{
    if (m_done || error != QProcess::FailedToStart)
        return;
    end();
    emit failed(tr("Could not start %1: %2").arg(m_program, m_process->errorString()));
}

void SsoLoginDialog::cancel()
{
    if (m_done || m_cancelling)
        return;
    if (m_process->state() == QProcess::NotRunning) {
        end();
        emit cancelled();
        return;
    }
    m_cancelling = true;
    m_cancel->setEnabled(false);
    updateHeadline();
    m_process->terminate();
    m_killTimer.start();
}

void SsoLoginDialog::end()
{
    m_done = true;
    hide();
    deleteLater();
}

QString SsoLoginDialog::lastLines() const
{
    return m_lines.mid(qMax(0, int(m_lines.size()) - kReasonLines)).join(QLatin1Char(' '));
}

} // namespace thingdeck
