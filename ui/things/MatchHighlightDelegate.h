#pragma once

#include <QStyledItemDelegate>

#include <functional>

namespace thingdeck {

/// Draws a cell's text with every case-insensitive occurrence of the filter text marked, so
/// that the user sees why a row passed the filter-as-you-type; and a pencil after the name of a
/// thing that has unapplied shadow edits (drafts).
class MatchHighlightDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void setFilterText(const QString &text) { m_filter = text; }
    QString filterText() const { return m_filter; }

    /// Says whether a thing (by name, column 0) has drafts; null marks nothing.
    void setDraftMarker(std::function<bool(const QString &thing)> marker)
    {
        m_draftMarker = std::move(marker);
    }

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    bool helpEvent(QHelpEvent *event, QAbstractItemView *view, const QStyleOptionViewItem &option,
                   const QModelIndex &index) override;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    bool hasDraft(const QModelIndex &index) const;

    QString m_filter;
    std::function<bool(const QString &thing)> m_draftMarker;
};

} // namespace thingdeck
