// The MQTT packet reader of the sandbox's policy proxy and the packet decoders behind it.
// Input: one configuration byte (low nibble: append chunk size, 0 = all at once; bit 4: a small
// remaining-length limit), then the client's byte stream. Properties: packets come out in
// order and byte for byte as they went in, each with a 2–5 byte fixed header and a remaining
// length within the limit; the reader buffers exactly what it has not returned; CONNECT,
// PUBLISH and SUBSCRIBE decode without crashing, and a CONNECT given a new user name decodes
// again with that name and everything else unchanged.

#include "FuzzSupport.h"

#include "MqttConnectPacket.h"
#include "MqttPacketReader.h"
#include "MqttPublishPacket.h"
#include "MqttSubscribePacket.h"

using namespace thingdeck;

namespace {

void checkConnect(const MqttPacket &packet, bool &version5)
{
    const auto connect = MqttConnectPacket::parse(packet);
    if (!connect.ok())
        return;
    version5 = connect.value().isVersion5();
    const MqttPacket renamed = connect.value().withUserName(QStringLiteral("fuzz-user"));
    const auto again = MqttConnectPacket::parse(renamed);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again.value().userName() == QStringLiteral("fuzz-user"));
    FUZZ_CHECK(again.value().protocolLevel() == connect.value().protocolLevel());
    FUZZ_CHECK(again.value().willTopic() == connect.value().willTopic());
}

void decode(const MqttPacket &packet, bool &version5)
{
    switch (packet.type()) {
    case MqttPacket::Connect:
        checkConnect(packet, version5);
        break;
    case MqttPacket::Publish:
        MqttPublishPacket::parse(packet, version5);
        break;
    case MqttPacket::Subscribe:
        MqttSubscribePacket::parse(packet, version5);
        break;
    default:
        break;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const qsizetype chunk = data[0] & 0x0f;
    const quint32 limit = (data[0] & 0x10) ? 64 : 128 * 1024;
    const QByteArray stream = fuzz::input(data + 1, size - 1);
    MqttPacketReader reader(limit);
    QByteArray taken;
    bool version5 = false;
    for (qsizetype at = 0; at < stream.size();) {
        const qsizetype length = chunk == 0 ? stream.size() : std::min(chunk, stream.size() - at);
        reader.append(QByteArrayView(stream).sliced(at, length));
        at += length;
        for (;;) {
            auto next = reader.next();
            if (!next.ok()) {
                FUZZ_CHECK(!next.error().isEmpty());
                return 0;
            }
            if (!next.value())
                break;
            const MqttPacket &packet = *next.value();
            FUZZ_CHECK(packet.headerSize >= 2 && packet.headerSize <= 5);
            FUZZ_CHECK(packet.bytes.size() - packet.headerSize <= qsizetype(limit));
            taken += packet.bytes;
            decode(packet, version5);
        }
        FUZZ_CHECK(stream.left(at).startsWith(taken));
        FUZZ_CHECK(reader.bufferedBytes() == at - taken.size());
    }
    return 0;
}
