#include "connection/PassphraseDialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace thingdeck {

PassphraseDialog::PassphraseDialog(const QString &connection, const QString &keyFile,
                                   bool keyringOffered, QWidget *parent)
    : QDialog(parent)
    , m_field(new QLineEdit(this))
    , m_remember(new QCheckBox(tr("&Remember in the desktop keyring"), this))
    , m_problem(new QLabel(this))
{
    setWindowTitle(tr("Private key passphrase"));
    auto *layout = new QVBoxLayout(this);
    auto *text = new QLabel(tr("The private key %1 of the connection \"%2\" is encrypted. "
                               "Enter its passphrase to connect over MQTT.")
                                .arg(QFileInfo(keyFile).fileName(), connection),
                            this);
    text->setWordWrap(true);
    m_field->setEchoMode(QLineEdit::Password);
    m_field->setAccessibleName(tr("Passphrase"));
    m_remember->setAccessibleName(tr("Remember passphrase in the desktop keyring"));
    m_remember->setToolTip(tr("Otherwise it is kept in memory until Thingdeck closes"));
    m_remember->setVisible(keyringOffered);
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #c0392b;"));
    m_problem->hide();
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(text);
    layout->addWidget(m_field);
    layout->addWidget(m_problem);
    layout->addWidget(m_remember);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        emit passphraseEntered(m_field->text().toUtf8(), m_remember->isChecked());
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(420, sizeHint().height());
}

void PassphraseDialog::setProblem(const QString &problem)
{
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
}

} // namespace thingdeck
