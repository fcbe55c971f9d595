#pragma once

#include <QStyledItemDelegate>

#include <functional>

namespace thingdeck {

/// Paints a cell as usual with a stripe of a subscription's colour along its left edge. The
/// colour comes from a function of the index (a palette index, -1 for none), so the same
/// delegate serves the subscription list (its own colour) and the message table (the colour of
/// the subscription a message arrived on).
class ColourStripeDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using ColourOf = std::function<int(const QModelIndex &)>;

    static constexpr int kStripeWidth = 5;
    static constexpr int kPaletteSize = 10;

    ColourStripeDelegate(ColourOf colourOf, QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;

    /// Palette entry `index` (wrapped), chosen to read on light and dark backgrounds alike.
    static QColor colour(int index);

private:
    ColourOf m_colourOf;
};

} // namespace thingdeck
