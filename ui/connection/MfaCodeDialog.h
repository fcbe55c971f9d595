#pragma once

#include "aws/MfaCodeSource.h"

#include <QDialog>
#include <QObject>
#include <QPointer>

class QLineEdit;

namespace thingdeck {

/// Asks for the current code of an MFA device: an assume-role profile with mfa_serial, the
/// GUI's counterpart of the AWS CLI's "Enter MFA code for ARN:" prompt. Window-modal, opened
/// with open(); the code is offered only once it has six digits.
class MfaCodeDialog : public QDialog
{
    Q_OBJECT
public:
    MfaCodeDialog(const QString &serial, QWidget *parent = nullptr);

    QLineEdit *field() const { return m_field; }
    QString code() const;

private:
    QLineEdit *m_field;
};

/// The GUI's MfaCodeSource: each request opens an MfaCodeDialog over `window`. Cancel, or the
/// dialog going away unanswered, answers with a sentence instead of a code.
class DialogMfaCodeSource : public QObject, public MfaCodeSource
{
    Q_OBJECT
public:
    explicit DialogMfaCodeSource(QWidget *window);
    ~DialogMfaCodeSource() override;
    Q_DISABLE_COPY_MOVE(DialogMfaCodeSource)

    void request(const QString &serial, Callback callback) override;

    /// The dialog asking right now, if any (tests answer it).
    MfaCodeDialog *currentDialog() const { return m_dialog; }

private:
    void answer(const CodeResult &result);

    QWidget *m_window;
    QPointer<MfaCodeDialog> m_dialog;
    Callback m_callback;
};

} // namespace thingdeck
