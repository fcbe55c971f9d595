#include "common/ThemeController.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>

namespace thingdeck {

ThemeController::ThemeController()
    : m_systemStyle(QApplication::style()->name())
    , m_systemPalette(QApplication::palette())
{}

void ThemeController::apply(Settings::Theme theme)
{
    m_current = theme;
    if (theme == Settings::Theme::System) {
        QApplication::setStyle(QStyleFactory::create(m_systemStyle));
        QApplication::setPalette(m_systemPalette);
        return;
    }
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QApplication::setPalette(theme == Settings::Theme::Dark ? darkPalette() : lightPalette());
}

QPalette ThemeController::lightPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0xf3, 0xf4, 0xf6));
    p.setColor(QPalette::WindowText, QColor(0x1f, 0x23, 0x28));
    p.setColor(QPalette::Base, Qt::white);
    p.setColor(QPalette::AlternateBase, QColor(0xf6, 0xf8, 0xfa));
    p.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xf0));
    p.setColor(QPalette::ToolTipText, QColor(0x1f, 0x23, 0x28));
    p.setColor(QPalette::PlaceholderText, QColor(0x80, 0x86, 0x8e));
    p.setColor(QPalette::Text, QColor(0x1f, 0x23, 0x28));
    p.setColor(QPalette::Button, QColor(0xea, 0xec, 0xef));
    p.setColor(QPalette::ButtonText, QColor(0x1f, 0x23, 0x28));
    p.setColor(QPalette::Highlight, QColor(0x1f, 0x6f, 0xb5));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Inactive, QPalette::Highlight, QColor(0xc8, 0xdc, 0xf0));
    p.setColor(QPalette::Inactive, QPalette::HighlightedText, QColor(0x1f, 0x23, 0x28));
    p.setColor(QPalette::Link, QColor(0x1f, 0x6f, 0xb5));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x9a, 0xa0, 0xa6));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x9a, 0xa0, 0xa6));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x9a, 0xa0, 0xa6));
    return p;
}

QPalette ThemeController::darkPalette()
{
    QPalette p;
    const QColor text(0xe6, 0xe8, 0xeb);
    p.setColor(QPalette::Window, QColor(0x2b, 0x2e, 0x33));
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, QColor(0x1f, 0x22, 0x26));
    p.setColor(QPalette::AlternateBase, QColor(0x26, 0x29, 0x2e));
    p.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3e, 0x44));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x90, 0x98));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x39, 0x3f));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x8b, 0xd9));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Inactive, QPalette::Highlight, QColor(0x2f, 0x4a, 0x66));
    p.setColor(QPalette::Inactive, QPalette::HighlightedText, text);
    p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xf5));
    p.setColor(QPalette::Mid, QColor(0x44, 0x48, 0x4f));
    p.setColor(QPalette::Dark, QColor(0x1a, 0x1c, 0x20));
    p.setColor(QPalette::Shadow, QColor(0x10, 0x11, 0x13));
    p.setColor(QPalette::Light, QColor(0x4a, 0x4f, 0x56));
    p.setColor(QPalette::Midlight, QColor(0x3e, 0x42, 0x48));
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x70, 0x76, 0x7e));
    p.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x70, 0x76, 0x7e));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x70, 0x76, 0x7e));
    return p;
}

} // namespace thingdeck
