#include "things/MatchHighlightDelegate.h"

#include "models/ThingFilterModel.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QHelpEvent>
#include <QPainter>
#include <QTextLayout>
#include <QToolTip>

namespace thingdeck {

namespace {

const QString kDraftSuffix = QStringLiteral("  ✎");

} // namespace

bool MatchHighlightDelegate::hasDraft(const QModelIndex &index) const
{
    return m_draftMarker && index.column() == 0 &&
           m_draftMarker(index.data(Qt::DisplayRole).toString());
}

void MatchHighlightDelegate::initStyleOption(QStyleOptionViewItem *option,
                                             const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (hasDraft(index))
        option->text += kDraftSuffix;
}

bool MatchHighlightDelegate::helpEvent(QHelpEvent *event, QAbstractItemView *view,
                                       const QStyleOptionViewItem &option, const QModelIndex &index)
{
    if (event->type() == QEvent::ToolTip && hasDraft(index)) {
        QToolTip::showText(event->globalPos(),
                           tr("%1 has unapplied shadow edits (drafts)")
                               .arg(index.data(Qt::DisplayRole).toString()),
                           view);
        return true;
    }
    return QStyledItemDelegate::helpEvent(event, view, option, index);
}

void MatchHighlightDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                   const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    if (m_filter.isEmpty() || text.isEmpty()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    const QWidget *widget = opt.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    opt.text.clear();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const QRect textRect =
        style->subElementRect(QStyle::SE_ItemViewItemText, &opt, widget).adjusted(3, 0, -3, 0);
    const QString shown = opt.fontMetrics.elidedText(text, opt.textElideMode, textRect.width());
    QList<QTextLayout::FormatRange> formats;
    for (const auto &[start, length] : ThingFilterModel::matchRanges(shown, m_filter)) {
        QTextLayout::FormatRange range;
        range.start = start;
        range.length = length;
        range.format.setBackground(QColor(255, 196, 0, 110));
        range.format.setFontUnderline(true);
        formats.append(range);
    }
    QTextLayout layout(shown, opt.font);
    layout.beginLayout();
    QTextLine line = layout.createLine();
    line.setLineWidth(textRect.width());
    layout.endLayout();
    const bool selected = opt.state & QStyle::State_Selected;
    painter->save();
    painter->setPen(
        opt.palette.color(QPalette::Normal, selected ? QPalette::HighlightedText : QPalette::Text));
    const qreal y = textRect.top() + (textRect.height() - line.height()) / 2.0;
    layout.draw(painter, QPointF(textRect.left(), y), formats);
    painter->restore();
}

} // namespace thingdeck
