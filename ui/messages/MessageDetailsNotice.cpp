#include "messages/MessageDetailsNotice.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

namespace thingdeck {

MessageDetailsNotice::MessageDetailsNotice(const QString &accessibleName, QWidget *parent)
    : QWidget(parent)
    , m_label(new QLabel(this))
    , m_button(new QPushButton(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 4);
    m_label->setWordWrap(true);
    m_label->setAccessibleName(accessibleName);
    m_button->setAccessibleName(accessibleName);
    m_label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_label, 1);
    layout->addWidget(m_button);
    connect(m_button, &QPushButton::clicked, this, &MessageDetailsNotice::buttonClicked);
    hide();
}

void MessageDetailsNotice::showNotice(const QString &text, const QString &buttonText,
                                      const QString &buttonToolTip)
{
    m_label->setText(text);
    m_button->setText(buttonText);
    m_button->setAccessibleName(QString(buttonText).remove(QLatin1Char('&')));
    m_button->setToolTip(buttonToolTip);
    m_button->setVisible(!buttonText.isEmpty());
    show();
}

QString MessageDetailsNotice::text() const
{
    return m_label->text();
}

} // namespace thingdeck
