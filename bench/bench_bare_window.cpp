// bench_bare_window: the reference for the desktop program's startup — an empty QMainWindow
// of the same size, reporting its first paint the same way (FirstPaintReporter).
#include "common/FirstPaintReporter.h"

#include <QApplication>
#include <QMainWindow>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QMainWindow window;
    window.resize(1280, 800);
    thingdeck::FirstPaintReporter::installIfRequested(&window);
    window.show();
    return app.exec();
}
