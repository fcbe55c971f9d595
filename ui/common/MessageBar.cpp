#include "common/MessageBar.h"

#include "common/Icons.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QToolButton>

namespace thingdeck {

MessageBar::MessageBar(QWidget *parent)
    : QWidget(parent)
    , m_icon(new QLabel(this))
    , m_text(new QLabel(this))
    , m_action(new QPushButton(this))
    , m_retry(new QPushButton(tr("&Retry"), this))
    , m_close(new QToolButton(this))
{
    setAttribute(Qt::WA_StyledBackground);
    setObjectName(QStringLiteral("messageBar"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 6, 6, 6);
    layout->setSpacing(8);
    m_icon->setFixedSize(20, 20);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_text->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_retry->setAccessibleName(tr("Retry"));
    m_retry->setToolTip(tr("Try the failed action again"));
    m_close->setIcon(Icons::get(QStringLiteral("window-close")));
    m_close->setAutoRaise(true);
    m_close->setAccessibleName(tr("Dismiss message"));
    m_close->setToolTip(tr("Dismiss this message"));
    layout->addWidget(m_icon, 0, Qt::AlignTop);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_action, 0, Qt::AlignTop);
    layout->addWidget(m_retry, 0, Qt::AlignTop);
    layout->addWidget(m_close, 0, Qt::AlignTop);
    connect(m_retry, &QPushButton::clicked, this, [this] {
        hide();
        emit retryRequested();
    });
    connect(m_action, &QPushButton::clicked, this, &MessageBar::actionRequested);
    connect(m_close, &QToolButton::clicked, this, &MessageBar::dismiss);
    m_action->hide();
    hide();
}

void MessageBar::showMessage(Level level, const QString &text, bool retryable)
{
    m_level = level;
    m_text->setText(text);
    m_retry->setVisible(retryable);
    m_action->hide();
    setAccessibleName(text);
    applyLevel();
    show();
}

void MessageBar::setAction(const QString &text, const QString &accessibleName,
                           const QString &toolTip)
{
    m_action->setText(text);
    m_action->setAccessibleName(accessibleName);
    m_action->setToolTip(toolTip);
    m_action->show();
}

void MessageBar::dismiss()
{
    if (isHidden())
        return;
    hide();
    emit dismissed();
}

QString MessageBar::text() const
{
    return m_text->text();
}

bool MessageBar::isRetryable() const
{
    return !m_retry->isHidden();
}

// Tinted backgrounds that read on light and dark palettes alike: a translucent colour over
// the window colour rather than a fixed light one.
void MessageBar::applyLevel()
{
    QString icon = QStringLiteral("dialog-information");
    QString tint = QStringLiteral("rgba(43, 108, 176, 40)");
    QString border = QStringLiteral("rgba(43, 108, 176, 140)");
    if (m_level == Level::Warning) {
        icon = QStringLiteral("dialog-warning");
        tint = QStringLiteral("rgba(214, 158, 46, 50)");
        border = QStringLiteral("rgba(214, 158, 46, 170)");
    } else if (m_level == Level::Error) {
        icon = QStringLiteral("dialog-error");
        tint = QStringLiteral("rgba(192, 57, 43, 40)");
        border = QStringLiteral("rgba(192, 57, 43, 150)");
    }
    m_icon->setPixmap(Icons::get(icon).pixmap(20, 20));
    setStyleSheet(QStringLiteral("#messageBar { background: %1; border: 1px solid %2; "
                                 "border-radius: 4px; }")
                      .arg(tint, border));
}

} // namespace thingdeck
