#include "messages/PublishProblemLabel.h"

#include "common/JsonHighlighter.h"

#include <QEvent>

namespace thingdeck {

PublishProblemLabel::PublishProblemLabel(const QString &accessibleName, QWidget *parent)
    : QLabel(parent)
{
    setAccessibleName(accessibleName);
    setWordWrap(true);
    setTextFormat(Qt::PlainText);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    hide();
    applyColor();
}

void PublishProblemLabel::setProblem(const QString &sentence)
{
    setText(sentence);
    setVisible(!sentence.isEmpty());
}

void PublishProblemLabel::changeEvent(QEvent *event)
{
    QLabel::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && !m_applying)
        applyColor();
}

void PublishProblemLabel::applyColor()
{
    // Setting the palette sends a PaletteChange of its own; the flag keeps it from looping.
    m_applying = true;
    QPalette palette = this->palette();
    palette.setColor(QPalette::WindowText, JsonHighlighter::readableColor(palette, 0));
    setPalette(palette);
    m_applying = false;
}

} // namespace thingdeck
