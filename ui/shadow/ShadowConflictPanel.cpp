#include "shadow/ShadowConflictPanel.h"

#include "shadow/DiffView.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace thingdeck {

ShadowConflictPanel::ShadowConflictPanel(QWidget *parent)
    : QWidget(parent)
    , m_sentence(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_diff(new DiffView(this))
    , m_reapply(new QPushButton(this))
    , m_adjust(new QPushButton(this))
    , m_discard(new QPushButton(tr("Discard My Edit"), this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_sentence->setWordWrap(true);
    m_sentence->setTextFormat(Qt::PlainText);
    QFont bold = m_sentence->font();
    bold.setBold(true);
    m_sentence->setFont(bold);
    layout->addWidget(m_sentence);
    layout->addWidget(m_summary);
    layout->addWidget(m_diff, 1);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_discard);
    buttons->addStretch(1);
    buttons->addWidget(m_adjust);
    buttons->addWidget(m_reapply);
    layout->addLayout(buttons);
    m_reapply->setDefault(true);
    m_reapply->setAccessibleName(tr("Re-apply my change on the newer version"));
    m_reapply->setToolTip(tr("Sends only what you changed, based on the newer version shown here"));
    m_adjust->setAccessibleName(tr("Edit my change on the newer version"));
    m_adjust->setToolTip(tr(
        "Puts your change on top of the newer version in the editor, to adjust before applying"));
    m_discard->setAccessibleName(tr("Discard my edit"));
    m_discard->setToolTip(tr("Drops your edit and shows the newer version"));
    connect(m_reapply, &QPushButton::clicked, this, &ShadowConflictPanel::reapplyRequested);
    connect(m_adjust, &QPushButton::clicked, this, &ShadowConflictPanel::adjustRequested);
    connect(m_discard, &QPushButton::clicked, this, &ShadowConflictPanel::discardRequested);
}

void ShadowConflictPanel::showConflict(const QString &sentence, const QJsonObject &mine,
                                       const QString &mineTitle, const QJsonObject &theirs,
                                       const QString &theirsTitle, qint64 newerVersion)
{
    m_sentence->setText(sentence);
    m_diff->setDocuments(mine, mineTitle, theirs, theirsTitle);
    m_summary->setText(
        tr("Your edit against version %1: %2").arg(newerVersion).arg(m_diff->summary()));
    m_reapply->setText(tr("Re-apply on Version %1").arg(newerVersion));
    m_adjust->setText(tr("Edit on Version %1").arg(newerVersion));
}

} // namespace thingdeck
