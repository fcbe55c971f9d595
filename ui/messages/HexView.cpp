#include "messages/HexView.h"

#include <QFontDatabase>
#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>

#include <algorithm>
#include <string_view>

namespace thingdeck {

namespace {

constexpr int kOffsetChars = 8;
constexpr int kHexStart = kOffsetChars + 2;
// Two digits and a space per byte, plus one more space between the two halves of a line.
constexpr int kHexChars = HexView::kBytesPerLine * 3 + 1;
constexpr int kAsciiStart = kHexStart + kHexChars + 1;
constexpr int kMargin = 6;
constexpr std::string_view kHexDigits = "0123456789abcdef";

QChar printable(char byte)
{
    const auto value = quint8(byte);
    return value >= 0x20 && value < 0x7f ? QLatin1Char(byte) : QLatin1Char('.');
}

} // namespace

HexView::HexView(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setBackgroundRole(QPalette::Base);
    setAccessibleName(tr("Payload bytes"));
    setToolTip(tr("Offset | 16 bytes in hex | the same bytes as ASCII\n"
                  "Arrows, Page Up/Down, Home and End scroll"));
    updateScrollBars();
}

void HexView::setData(const QByteArray &data)
{
    m_data = data;
    updateScrollBars();
    verticalScrollBar()->setValue(0);
    horizontalScrollBar()->setValue(0);
    viewport()->update();
}

int HexView::lineCount() const
{
    return int((m_data.size() + kBytesPerLine - 1) / kBytesPerLine);
}

QString HexView::lineText(int line) const
{
    if (line < 0 || line >= lineCount())
        return {};
    const qsizetype offset = qsizetype(line) * kBytesPerLine;
    const QByteArrayView bytes = QByteArrayView(m_data).sliced(
        offset, std::min<qsizetype>(kBytesPerLine, m_data.size() - offset));
    QString text = QStringLiteral("%1  ").arg(offset, kOffsetChars, 16, QLatin1Char('0'));
    text.reserve(kAsciiStart + kBytesPerLine + 2);
    QString ascii;
    for (int i = 0; i < kBytesPerLine; ++i) {
        if (i == kBytesPerLine / 2)
            text += u' ';
        if (i >= bytes.size()) {
            text += QLatin1String("   ");
            continue;
        }
        const auto byte = quint8(bytes.at(i));
        text += QLatin1Char(kHexDigits[byte >> 4]);
        text += QLatin1Char(kHexDigits[byte & 0xf]);
        text += u' ';
        ascii += printable(bytes.at(i));
    }
    return text + QLatin1String(" |") + ascii + u'|';
}

int HexView::firstVisibleLine() const
{
    return verticalScrollBar()->value();
}

int HexView::visibleLineCount() const
{
    return std::max(1, viewport()->height() / lineHeight());
}

void HexView::paintEvent(QPaintEvent * /*event*/)
{
    QPainter painter(viewport());
    painter.setFont(font());
    const int height = lineHeight();
    const int first = firstVisibleLine();
    // One more than fits, so a partly shown line at the bottom is drawn too.
    const int last = std::min(lineCount(), first + visibleLineCount() + 1);
    for (int line = first; line < last; ++line)
        paintLine(painter, line, (line - first) * height);
}

void HexView::paintLine(QPainter &painter, int line, int y) const
{
    const QString text = lineText(line);
    const int width = charWidth();
    const int x = kMargin - horizontalScrollBar()->value();
    const int ascent = fontMetrics().ascent();
    const QPalette &colours = palette();
    painter.setPen(colours.color(QPalette::PlaceholderText));
    painter.drawText(x, y + ascent, text.left(kOffsetChars));
    painter.setPen(colours.color(QPalette::Text));
    painter.drawText(x + kHexStart * width, y + ascent, text.mid(kHexStart, kHexChars));
    painter.setPen(colours.color(QPalette::PlaceholderText));
    painter.drawText(x + kAsciiStart * width, y + ascent, text.mid(kAsciiStart));
}

void HexView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

void HexView::keyPressEvent(QKeyEvent *event)
{
    QScrollBar *bar = verticalScrollBar();
    switch (event->key()) {
    case Qt::Key_Up:
        bar->triggerAction(QAbstractSlider::SliderSingleStepSub);
        break;
    case Qt::Key_Down:
        bar->triggerAction(QAbstractSlider::SliderSingleStepAdd);
        break;
    case Qt::Key_PageUp:
        bar->triggerAction(QAbstractSlider::SliderPageStepSub);
        break;
    case Qt::Key_PageDown:
        bar->triggerAction(QAbstractSlider::SliderPageStepAdd);
        break;
    case Qt::Key_Home:
        bar->triggerAction(QAbstractSlider::SliderToMinimum);
        break;
    case Qt::Key_End:
        bar->triggerAction(QAbstractSlider::SliderToMaximum);
        break;
    case Qt::Key_Left:
        horizontalScrollBar()->triggerAction(QAbstractSlider::SliderSingleStepSub);
        break;
    case Qt::Key_Right:
        horizontalScrollBar()->triggerAction(QAbstractSlider::SliderSingleStepAdd);
        break;
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    event->accept();
}

void HexView::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        updateScrollBars();
}

void HexView::updateScrollBars()
{
    const int page = visibleLineCount();
    QScrollBar *vertical = verticalScrollBar();
    vertical->setRange(0, std::max(0, lineCount() - page));
    vertical->setPageStep(page);
    vertical->setSingleStep(1);
    const int contentWidth = 2 * kMargin + lineChars() * charWidth();
    QScrollBar *horizontal = horizontalScrollBar();
    horizontal->setRange(0, std::max(0, contentWidth - viewport()->width()));
    horizontal->setPageStep(viewport()->width());
    horizontal->setSingleStep(charWidth());
}

int HexView::lineHeight() const
{
    return std::max(1, fontMetrics().height());
}

int HexView::charWidth() const
{
    return std::max(1, fontMetrics().horizontalAdvance(QLatin1Char('0')));
}

int HexView::lineChars()
{
    return kAsciiStart + kBytesPerLine + 2;
}

} // namespace thingdeck
