#pragma once

#include <QStyledItemDelegate>

namespace thingdeck {

/// Draws a cell's text with every case-insensitive occurrence of the filter text marked, so
/// that the user sees why a row passed the filter-as-you-type.
class MatchHighlightDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void setFilterText(const QString &text) { m_filter = text; }
    QString filterText() const { return m_filter; }

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;

private:
    QString m_filter;
};

} // namespace thingdeck
