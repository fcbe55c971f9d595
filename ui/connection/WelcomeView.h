#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace thingdeck {

/// What the centre shows before any connection is open: what Thingdeck does, and the two ways
/// in: the local sandbox (no AWS account needed) or a connection to an AWS account.
class WelcomeView : public QWidget
{
    Q_OBJECT
public:
    explicit WelcomeView(QWidget *parent = nullptr);

    /// Says whether AWS profiles were found, and makes the sandbox or the AWS route the
    /// default button accordingly.
    void setHasAwsConfiguration(bool has);

    QPushButton *sandboxButton() const { return m_sandbox; }
    QPushButton *awsButton() const { return m_aws; }

Q_SIGNALS:
    void sandboxRequested();
    void connectionsRequested();

private:
    QLabel *m_detail;
    QPushButton *m_sandbox;
    QPushButton *m_aws;
};

} // namespace thingdeck
