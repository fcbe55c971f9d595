#include "common/FirstPaintReporter.h"

#include <QCoreApplication>
#include <QEvent>
#include <QTimer>

#include <chrono>
#include <cstdio>

namespace thingdeck {

void FirstPaintReporter::installIfRequested(QObject *window)
{
    const QByteArray mode = qgetenv("THINGDECK_REPORT_FIRST_PAINT");
    if (mode.isEmpty())
        return;
    window->installEventFilter(new FirstPaintReporter(mode == "exit", window));
}

FirstPaintReporter::FirstPaintReporter(bool quitAfter, QObject *parent)
    : QObject(parent)
    , m_quitAfter(quitAfter)
{}

bool FirstPaintReporter::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Paint && !m_reported) {
        m_reported = true;
        // After this paint has been handled, so that the figure includes it.
        QTimer::singleShot(0, this, [this] {
            const auto now = std::chrono::system_clock::now().time_since_epoch();
            // A measurement for a script: nothing useful to do if stdout is gone.
            static_cast<void>(std::printf(
                "first-paint-epoch-ns %lld\n",
                static_cast<long long>(
                    std::chrono::duration_cast<std::chrono::nanoseconds>(now).count())));
            static_cast<void>(std::fflush(stdout));
            if (m_quitAfter)
                QCoreApplication::exit(0);
        });
    }
    return QObject::eventFilter(watched, event);
}

} // namespace thingdeck
