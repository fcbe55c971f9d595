#include "connection/WelcomeView.h"

#include "common/Icons.h"

#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace thingdeck {

WelcomeView::WelcomeView(QWidget *parent)
    : QWidget(parent)
    , m_detail(new QLabel(this))
    , m_sandbox(new QPushButton(Icons::get(QStringLiteral("computer")),
                                tr("Open the &local sandbox"), this))
    , m_aws(new QPushButton(Icons::get(QStringLiteral("network-connect")), tr("Connect to &AWS…"),
                            this))
{
    auto *outer = new QVBoxLayout(this);
    auto *column = new QVBoxLayout;
    column->setSpacing(12);
    auto *icon = new QLabel(this);
    icon->setPixmap(Icons::application().pixmap(72, 72));
    icon->setAlignment(Qt::AlignHCenter);
    auto *title = new QLabel(tr("Welcome to Thingdeck"), this);
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.8);
    big.setBold(true);
    title->setFont(big);
    title->setAlignment(Qt::AlignHCenter);
    auto *text = new QLabel(tr("Browse your AWS IoT things, edit their shadows and watch live "
                               "MQTT traffic in one window."),
                            this);
    text->setWordWrap(true);
    text->setAlignment(Qt::AlignHCenter);
    m_detail->setWordWrap(true);
    m_detail->setAlignment(Qt::AlignHCenter);
    m_sandbox->setAccessibleName(tr("Open the local sandbox"));
    m_sandbox->setToolTip(tr("Start a local stand-in for AWS IoT with simulated devices: no "
                             "AWS account needed, nothing leaves this computer"));
    m_aws->setAccessibleName(tr("Connect to AWS"));
    m_aws->setToolTip(tr("Set up a connection with an AWS profile from ~/.aws"));
    for (QPushButton *button : {m_sandbox, m_aws})
        button->setMinimumHeight(36);
    column->addWidget(icon);
    column->addWidget(title);
    column->addWidget(text);
    column->addWidget(m_detail);
    column->addSpacing(8);
    column->addWidget(m_sandbox);
    column->addWidget(m_aws);
    auto *wrapper = new QWidget(this);
    wrapper->setLayout(column);
    wrapper->setMaximumWidth(460);
    outer->addStretch(2);
    outer->addWidget(wrapper, 0, Qt::AlignHCenter);
    outer->addStretch(3);
    connect(m_sandbox, &QPushButton::clicked, this, &WelcomeView::sandboxRequested);
    connect(m_aws, &QPushButton::clicked, this, &WelcomeView::connectionsRequested);
    setHasAwsConfiguration(false);
}

void WelcomeView::setHasAwsConfiguration(bool has)
{
    m_detail->setText(has ? tr("Choose a saved connection in the toolbar, set one up with your "
                               "AWS profiles, or try everything on the local sandbox first.")
                          : tr("No AWS configuration was found (~/.aws/config or credentials). "
                               "The local sandbox lets you try everything without an account."));
    m_sandbox->setDefault(!has);
    m_aws->setDefault(has);
}

} // namespace thingdeck
