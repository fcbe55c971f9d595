#include "MqttTestSupport.h"

#include "mqtt/MqttConnectOptions.h"
#include "mqtt/MqttConnection.h"

#include <QTest>

namespace thingdeck::test {

void MqttTestSupport::connectAndWait(MqttConnection &connection, const MqttConnectOptions &options)
{
    connection.connectToHost(options);
    QTRY_VERIFY2_WITH_TIMEOUT(connection.state() == MqttConnection::State::Connected ||
                                  connection.state() == MqttConnection::State::Disconnected,
                              qPrintable(connection.errorString()), 15000);
    QVERIFY2(connection.state() == MqttConnection::State::Connected,
             qPrintable(connection.errorString()));
}

} // namespace thingdeck::test
