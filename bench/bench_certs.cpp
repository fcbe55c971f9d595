// bench_certs: makes (or reuses) the certificates of bench/run-mqtt-benchmark with the sandbox's
// PKI: a CA, a server certificate for localhost / 127.0.0.1 and one client certificate. Prints
// the file names as key=value lines for the script:
//   ca=… server_cert=… server_key=… client_cert=… client_key=…
#include "SandboxPki.h"

#include <QCoreApplication>
#include <QTextStream>

using namespace thingdeck;

namespace {

const QString kClientThing = QStringLiteral("bench-client");

void printFiles(const SandboxPki &pki)
{
    QTextStream out(stdout);
    out << "ca=" << pki.caCertificateFile() << '\n'
        << "server_cert=" << pki.serverCertificateFile() << '\n'
        << "server_key=" << pki.serverKeyFile() << '\n'
        << "client_cert=" << pki.deviceCertificateFile(kClientThing) << '\n'
        << "client_key=" << pki.deviceKeyFile(kClientThing) << Qt::endl;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.size() != 2 || arguments.at(1).startsWith(u'-')) {
        QTextStream(stderr) << "usage: bench_certs DIRECTORY" << Qt::endl;
        return 2;
    }
    SandboxPki pki(arguments.at(1));
    const auto written = pki.ensure({kClientThing});
    if (!written.ok()) {
        QTextStream(stderr) << "bench_certs: " << written.error() << Qt::endl;
        return 1;
    }
    printFiles(pki);
    return 0;
}
