#pragma once

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;

namespace thingdeck {

/// Asks for the passphrase of an encrypted private key: a secret, so one of the few modal
/// questions. Shown with open(); the answer comes through passphraseEntered().
class PassphraseDialog : public QDialog
{
    Q_OBJECT
public:
    PassphraseDialog(const QString &connection, const QString &keyFile, bool keyringOffered,
                     QWidget *parent = nullptr);

    /// Shows why the last passphrase failed.
    void setProblem(const QString &problem);
    QLineEdit *field() const { return m_field; }

Q_SIGNALS:
    void passphraseEntered(const QByteArray &passphrase, bool remember);

private:
    QLineEdit *m_field;
    QCheckBox *m_remember;
    QLabel *m_problem;
};

} // namespace thingdeck
