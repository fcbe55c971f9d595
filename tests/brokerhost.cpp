// Helper of tst_brokerprocess: runs a BrokerProcess with certificates in argv[1] and prints
// "ready <mosquitto pid>" once the broker is up, so that the test can SIGKILL this process
// and check that mosquitto goes with it.
#include "BrokerProcess.h"
#include "SandboxPki.h"

#include <QCoreApplication>
#include <QTextStream>

using namespace thingdeck;

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTextStream out(stdout);
    if (app.arguments().size() != 2) {
        out << "usage: brokerhost <state-dir>" << Qt::endl;
        return 2;
    }
    SandboxPki pki(app.arguments().at(1));
    if (const auto ensured = pki.ensure({}); !ensured) {
        out << "failed " << ensured.error() << Qt::endl;
        return 1;
    }
    BrokerProcess broker(pki, BrokerProcess::Options());
    QObject::connect(&broker, &BrokerProcess::ready, &app,
                     [&] { out << "ready " << broker.processId() << Qt::endl; });
    QObject::connect(&broker, &BrokerProcess::failed, &app, [&](const QString &message) {
        out << "failed " << message << Qt::endl;
        QCoreApplication::exit(1);
    });
    broker.start();
    return QCoreApplication::exec();
}
