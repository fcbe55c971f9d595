#pragma once

#include "session/Settings.h"

#include <QPalette>
#include <QString>

namespace thingdeck {

/// Applies the chosen theme to the application: the desktop's own style and palette
/// (System), or Fusion with an explicit light or dark palette.
class ThemeController
{
public:
    /// Remembers the style and palette the desktop gave, for going back to System.
    ThemeController();

    void apply(Settings::Theme theme);
    Settings::Theme current() const { return m_current; }

    static QPalette lightPalette();
    static QPalette darkPalette();

private:
    QString m_systemStyle;
    QPalette m_systemPalette;
    Settings::Theme m_current = Settings::Theme::System;
};

} // namespace thingdeck
