#include "connection/MfaCodeDialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QVBoxLayout>

namespace thingdeck {

MfaCodeDialog::MfaCodeDialog(const QString &serial, QWidget *parent)
    : QDialog(parent)
    , m_field(new QLineEdit(this))
{
    setWindowTitle(tr("MFA code"));
    auto *layout = new QVBoxLayout(this);
    auto *text = new QLabel(tr("The role this connection assumes needs a code from the MFA "
                               "device\n%1.\nEnter the six digits it shows now.")
                                .arg(serial),
                            this);
    text->setWordWrap(true);
    text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_field->setAccessibleName(tr("MFA code"));
    m_field->setToolTip(tr("The six-digit code your authenticator app or device shows now"));
    m_field->setPlaceholderText(tr("123456"));
    m_field->setMaxLength(6);
    m_field->setInputMethodHints(Qt::ImhDigitsOnly);
    m_field->setValidator(
        new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[0-9]{0,6}")), this));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    QPushButton *ok = buttons->button(QDialogButtonBox::Ok);
    ok->setEnabled(false);
    connect(m_field, &QLineEdit::textChanged, ok,
            [ok](const QString &typed) { ok->setEnabled(typed.size() == 6); });
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (code().size() == 6)
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(text);
    layout->addWidget(m_field);
    layout->addWidget(buttons);
    resize(440, sizeHint().height());
}

QString MfaCodeDialog::code() const
{
    return m_field->text().trimmed();
}

DialogMfaCodeSource::DialogMfaCodeSource(QWidget *window)
    : QObject(window)
    , m_window(window)
{}

DialogMfaCodeSource::~DialogMfaCodeSource()
{
    if (m_dialog)
        m_dialog->disconnect(this);
}

void DialogMfaCodeSource::request(const QString &serial, Callback callback)
{
    if (m_callback) {
        // The chain asks once at a time; a second question while one is open is answered
        // later, from the event loop, as the interface promises.
        QMetaObject::invokeMethod(
            this,
            [callback] {
                callback(fail(tr("an MFA code is already being asked for; try again once that "
                                 "dialog is answered")));
            },
            Qt::QueuedConnection);
        return;
    }
    m_callback = std::move(callback);
    m_dialog = new MfaCodeDialog(serial, m_window);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &QDialog::accepted, this, [this] { answer(m_dialog->code()); });
    connect(m_dialog, &QDialog::rejected, this, [this] {
        answer(fail(tr("no MFA code was entered (the dialog was cancelled); connect again to "
                       "be asked once more")));
    });
    // Closed some other way (the window going away): answered all the same.
    connect(m_dialog, &QObject::destroyed, this, [this] {
        if (m_callback)
            answer(fail(tr("the MFA dialog was closed before a code was entered")));
    });
    m_dialog->open();
}

void DialogMfaCodeSource::answer(const CodeResult &result)
{
    Callback callback = std::exchange(m_callback, {});
    if (callback)
        callback(result);
}

} // namespace thingdeck
