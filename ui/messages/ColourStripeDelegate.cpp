#include "messages/ColourStripeDelegate.h"

#include <QPainter>

#include <array>

namespace thingdeck {

ColourStripeDelegate::ColourStripeDelegate(ColourOf colourOf, QObject *parent)
    : QStyledItemDelegate(parent)
    , m_colourOf(std::move(colourOf))
{}

void ColourStripeDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                 const QModelIndex &index) const
{
    QStyleOptionViewItem shifted = option;
    const int colourIndex = m_colourOf ? m_colourOf(index) : -1;
    shifted.rect.adjust(kStripeWidth + 2, 0, 0, 0);
    QStyledItemDelegate::paint(painter, shifted, index);
    if (colourIndex < 0)
        return;
    const QRect stripe(option.rect.left(), option.rect.top() + 1, kStripeWidth,
                       option.rect.height() - 2);
    painter->fillRect(stripe, colour(colourIndex));
}

QColor ColourStripeDelegate::colour(int index)
{
    // Mid-tone hues, distinct from each other and legible on white and on near-black.
    static constexpr std::array<QRgb, kPaletteSize> palette{
        0x2f80ed, 0xe8833a, 0x27ae60, 0xd64550, 0x9b51e0,
        0x12a4b0, 0xc9a200, 0xd1459c, 0x6d8a1f, 0x8a6d4f,
    };
    const int wrapped = ((index % kPaletteSize) + kPaletteSize) % kPaletteSize;
    return QColor::fromRgb(palette.at(size_t(wrapped)));
}

} // namespace thingdeck
