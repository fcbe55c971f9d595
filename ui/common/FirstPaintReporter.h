#pragma once

#include <QObject>

namespace thingdeck {

/// For the startup benchmark: prints `first-paint-epoch-ns N` on standard output when the
/// watched window first paints (N on the system clock, so that a launcher can subtract its own
/// start time), and quits the application when asked to. Installed only when the environment
/// variable THINGDECK_REPORT_FIRST_PAINT is set ("exit" also quits).
class FirstPaintReporter : public QObject
{
    Q_OBJECT
public:
    /// Installs a reporter on `window` if the environment asks for one.
    static void installIfRequested(QObject *window);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    FirstPaintReporter(bool quitAfter, QObject *parent);

    bool m_quitAfter;
    bool m_reported = false;
};

} // namespace thingdeck
