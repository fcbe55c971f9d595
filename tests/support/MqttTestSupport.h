#pragma once

namespace thingdeck {
class MqttConnection;
struct MqttConnectOptions;
} // namespace thingdeck

namespace thingdeck::test {

/// Steps that MQTT tests share.
class MqttTestSupport
{
public:
    MqttTestSupport() = delete;
    /// Connects `connection` and waits up to 15 s until it is connected or has given up; the
    /// current test fails, with the connection's error, unless it ends up connected. Callers
    /// that go on after a failure check QTest::currentTestFailed().
    static void connectAndWait(MqttConnection &connection, const MqttConnectOptions &options);
};

} // namespace thingdeck::test
