// paho_count: the reference subscriber of bench/run-mqtt-benchmark, and its backlog publisher.
// Plain C++ on Paho C's MQTTAsync, mutual TLS, MQTT 3.1.1.
//
// --mode count (the default): does nothing with a message but count it. Persistent session
// (clean session off, fixed client id), QoS 1 subscription; exits once --count messages have
// arrived and prints
//   received=N seconds=S rate=R vmhwm_kb=K
// where seconds run from the connect call to the Nth message.
//
// --mode publish: publishes --count QoS 1 JSON messages of about 150 bytes to --topic, keeping
// at most kPublishWindow unacknowledged, and exits once the broker has acknowledged all of
// them (mosquitto_pub -l -q 1 stops early on a large input). Prints
//   published=N seconds=S rate=R payload_bytes=B (the size of a message from the middle)
//
// Exit code 0 only when all N arrived (or were acknowledged) before --timeout.
#include <MQTTAsync.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace thingdeck {
namespace {

using Clock = std::chrono::steady_clock;

constexpr long kPublishWindow = 1000;
constexpr int kDevices = 200;

struct Options
{
    bool publish = false;
    std::string uri;
    std::string clientId;
    std::string topic;
    std::string caFile;
    std::string certificateFile;
    std::string keyFile;
    long count = 0;
    int timeoutSeconds = 300;
};

/// Shared by the main thread and Paho's threads: the context of every callback.
struct Session
{
    MQTTAsync client = nullptr;
    const Options *options = nullptr;
    std::atomic<long> received{0};
    std::mutex mutex;
    std::condition_variable changed;
    bool connected = false; // the rest under the mutex, too
    long acknowledged = 0;
    bool finished = false;
    std::string failure;
    Clock::time_point finishedAt;

    void finish(const std::string &why)
    {
        std::lock_guard lock(mutex);
        finishLocked(why);
    }

    void finishLocked(const std::string &why)
    {
        if (finished)
            return;
        finished = true;
        failure = why;
        finishedAt = Clock::now();
        changed.notify_all();
    }
};

Session *sessionOf(void *context)
{
    return static_cast<Session *>(context);
}

std::string failureText(const char *what, MQTTAsync_failureData *data)
{
    std::string text = what;
    if (data) {
        text += " (code " + std::to_string(data->code);
        text += data->message ? std::string(", ") + data->message + ")" : std::string(")");
    }
    return text;
}

int messageArrived(void *context, char *topic, int, MQTTAsync_message *message)
{
    MQTTAsync_freeMessage(&message);
    MQTTAsync_free(topic);
    Session *session = sessionOf(context);
    if (session->received.fetch_add(1) + 1 == session->options->count)
        session->finish({});
    return 1; // handled; 0 would make Paho deliver it again
}

void connectionLost(void *context, char *cause)
{
    sessionOf(context)->finish(std::string("connection lost: ") + (cause ? cause : "no cause"));
}

void requestFailed(void *context, MQTTAsync_failureData *data)
{
    sessionOf(context)->finish(failureText("request failed", data));
}

void connectFailed(void *context, MQTTAsync_failureData *data)
{
    sessionOf(context)->finish(failureText("connect failed", data));
}

// The queued messages of the session flow from the CONNACK on; subscribing again (as every
// subscriber of the benchmark does) keeps the subscription as it was.
void subscribeOnConnect(void *context, MQTTAsync_successData *)
{
    Session *session = sessionOf(context);
    MQTTAsync_responseOptions response = MQTTAsync_responseOptions_initializer;
    response.context = session;
    response.onFailure = &requestFailed;
    const int rc =
        MQTTAsync_subscribe(session->client, session->options->topic.c_str(), 1, &response);
    if (rc != MQTTASYNC_SUCCESS)
        session->finish(std::string("subscribe refused: ") + MQTTAsync_strerror(rc));
}

void publisherConnected(void *context, MQTTAsync_successData *)
{
    Session *session = sessionOf(context);
    std::lock_guard lock(session->mutex);
    session->connected = true;
    session->changed.notify_all();
}

void publishAcknowledged(void *context, MQTTAsync_successData *)
{
    Session *session = sessionOf(context);
    std::lock_guard lock(session->mutex);
    if (++session->acknowledged == session->options->count)
        session->finishLocked({});
    session->changed.notify_all();
}

std::optional<Options> parseOptions(int argc, char *argv[])
{
    static const std::set<std::string> known{"--mode", "--uri", "--client-id", "--topic",  "--ca",
                                             "--cert", "--key", "--count",     "--timeout"};
    std::map<std::string, std::string> values;
    for (int i = 1; i + 1 < argc; i += 2)
        values[argv[i]] = argv[i + 1];
    const auto isKnown = [](const auto &entry) {
        return known.contains(entry.first);
    };
    if (argc % 2 == 0 || !std::ranges::all_of(values, isKnown))
        return std::nullopt;
    Options options;
    const std::string mode = values.contains("--mode") ? values["--mode"] : "count";
    options.publish = mode == "publish";
    options.uri = values["--uri"];
    options.clientId = values["--client-id"];
    options.topic = values["--topic"];
    options.caFile = values["--ca"];
    options.certificateFile = values["--cert"];
    options.keyFile = values["--key"];
    options.count = std::atol(values["--count"].c_str());
    if (values.contains("--timeout"))
        options.timeoutSeconds = std::atoi(values["--timeout"].c_str());
    const bool complete = !options.uri.empty() && !options.clientId.empty() &&
                          !options.topic.empty() && !options.caFile.empty() &&
                          !options.certificateFile.empty() && !options.keyFile.empty();
    if ((mode != "count" && mode != "publish") || !complete || options.count <= 0 ||
        options.timeoutSeconds <= 0)
        return std::nullopt;
    return options;
}

/// Peak resident set size of this process in KiB, or -1.
long peakRssKb()
{
    std::ifstream status("/proc/self/status");
    std::string key;
    long value = -1;
    while (status >> key) {
        if (key == "VmHWM:" && status >> value)
            return value;
        status.ignore(1 << 16, '\n');
    }
    return -1;
}

bool createClient(Session &session)
{
    MQTTAsync_createOptions create = MQTTAsync_createOptions_initializer;
    create.MQTTVersion = MQTTVERSION_3_1_1;
    create.maxBufferedMessages = int(kPublishWindow) * 2; // the default of 100 is too few
    const Options &options = *session.options;
    int rc =
        MQTTAsync_createWithOptions(&session.client, options.uri.c_str(), options.clientId.c_str(),
                                    MQTTCLIENT_PERSISTENCE_NONE, nullptr, &create);
    if (rc == MQTTASYNC_SUCCESS) // callbacks before connect: setting them later races
        rc = MQTTAsync_setCallbacks(session.client, &session, &connectionLost, &messageArrived,
                                    nullptr);
    if (rc != MQTTASYNC_SUCCESS)
        std::fprintf(stderr, "paho_count: cannot create the client: %s\n", MQTTAsync_strerror(rc));
    return rc == MQTTASYNC_SUCCESS;
}

bool startConnect(Session &session)
{
    const Options &options = *session.options;
    MQTTAsync_SSLOptions ssl = MQTTAsync_SSLOptions_initializer;
    ssl.trustStore = options.caFile.c_str();
    ssl.keyStore = options.certificateFile.c_str();
    ssl.privateKey = options.keyFile.c_str();
    ssl.enableServerCertAuth = 1;
    ssl.verify = 1; // the initializer leaves host-name verification off
    MQTTAsync_connectOptions connect = MQTTAsync_connectOptions_initializer;
    connect.MQTTVersion = MQTTVERSION_3_1_1; // no silent retry with 3.1
    connect.cleansession = options.publish ? 1 : 0;
    connect.keepAliveInterval = 60;
    connect.connectTimeout = 10;
    connect.ssl = &ssl;
    connect.context = &session;
    connect.onSuccess = options.publish ? &publisherConnected : &subscribeOnConnect;
    connect.onFailure = &connectFailed;
    const int rc = MQTTAsync_connect(session.client, &connect);
    if (rc != MQTTASYNC_SUCCESS)
        std::fprintf(stderr, "paho_count: connect refused: %s\n", MQTTAsync_strerror(rc));
    return rc == MQTTASYNC_SUCCESS;
}

void disconnectAndDestroy(Session &session)
{
    MQTTAsync_disconnectOptions disconnect = MQTTAsync_disconnectOptions_initializer;
    disconnect.timeout = 1000;
    if (MQTTAsync_isConnected(session.client))
        MQTTAsync_disconnect(session.client, &disconnect);
    MQTTAsync_setCallbacks(session.client, nullptr, nullptr, nullptr, nullptr);
    MQTTAsync_destroy(&session.client);
}

/// Waits under `lock` until `condition` holds or the session has finished; a timeout at
/// `deadline` finishes it with a failure.
template<typename Condition>
void waitUntil(Session &session, std::unique_lock<std::mutex> &lock, Clock::time_point deadline,
               Condition condition)
{
    const auto done = [&] {
        return session.finished || condition();
    };
    if (!session.changed.wait_until(lock, deadline, done)) {
        session.finishLocked("timed out after " + std::to_string(session.options->timeoutSeconds) +
                             " s");
    }
}

/// A telemetry message of about 150 bytes, like the sandbox's simulated devices send.
std::string payloadOf(long seq)
{
    char text[256];
    const int length = std::snprintf(
        text, sizeof text,
        "{\"deviceId\":\"device-%03ld\",\"seq\":%ld,\"ts\":%lld,\"temperature\":%.2f,"
        "\"humidity\":%ld,\"rssi\":-%ld,\"battery\":87,\"status\":\"ok\",\"firmware\":\"1.4.2\"}",
        seq % kDevices, seq, 1700000000000LL + seq, 18.0 + double(seq % 700) / 100.0, 40 + seq % 20,
        50 + seq % 40);
    return std::string(text, std::size_t(std::clamp(length, 0, int(sizeof text) - 1)));
}

bool sendOne(Session &session, long seq)
{
    std::string payload = payloadOf(seq);
    MQTTAsync_message message = MQTTAsync_message_initializer;
    message.payload = payload.data(); // Paho copies it
    message.payloadlen = int(payload.size());
    message.qos = 1;
    MQTTAsync_responseOptions response = MQTTAsync_responseOptions_initializer;
    response.context = &session;
    response.onSuccess = &publishAcknowledged;
    response.onFailure = &requestFailed;
    const int rc =
        MQTTAsync_sendMessage(session.client, session.options->topic.c_str(), &message, &response);
    if (rc != MQTTASYNC_SUCCESS)
        session.finish(std::string("publish refused: ") + MQTTAsync_strerror(rc));
    return rc == MQTTASYNC_SUCCESS;
}

/// Publishes all messages, at most kPublishWindow unacknowledged at a time, and waits for the
/// last acknowledgement.
void publishAll(Session &session, Clock::time_point deadline)
{
    const long count = session.options->count;
    std::unique_lock lock(session.mutex);
    waitUntil(session, lock, deadline, [&session] { return session.connected; });
    for (long seq = 0; seq < count && !session.finished; ++seq) {
        waitUntil(session, lock, deadline,
                  [&session, seq] { return seq - session.acknowledged < kPublishWindow; });
        if (session.finished)
            break;
        lock.unlock();
        const bool sent = sendOne(session, seq);
        lock.lock();
        if (!sent)
            break;
    }
    waitUntil(session, lock, deadline, [] { return false; });
}

int run(const Options &options)
{
    Session session;
    session.options = &options;
    if (!createClient(session))
        return 1;
    const Clock::time_point start = Clock::now();
    const Clock::time_point deadline = start + std::chrono::seconds(options.timeoutSeconds);
    if (!startConnect(session)) {
        disconnectAndDestroy(session);
        return 1;
    }
    if (options.publish) {
        publishAll(session, deadline);
    } else {
        std::unique_lock lock(session.mutex);
        waitUntil(session, lock, deadline, [] { return false; });
    }
    const double seconds = std::chrono::duration<double>(session.finishedAt - start).count();
    const long done = options.publish ? session.acknowledged : session.received.load();
    disconnectAndDestroy(session);
    if (options.publish)
        std::printf("published=%ld seconds=%.3f rate=%.0f payload_bytes=%zu\n", done, seconds,
                    double(done) / seconds, payloadOf(options.count / 2).size());
    else
        std::printf("received=%ld seconds=%.3f rate=%.0f vmhwm_kb=%ld\n", done, seconds,
                    double(done) / seconds, peakRssKb());
    if (session.failure.empty())
        return 0;
    std::fprintf(stderr, "paho_count: %s after %ld of %ld messages\n", session.failure.c_str(),
                 done, options.count);
    return 1;
}

} // namespace
} // namespace thingdeck

int main(int argc, char *argv[])
{
    const auto options = thingdeck::parseOptions(argc, argv);
    if (!options) {
        std::fprintf(stderr,
                     "usage: paho_count [--mode count|publish] --uri ssl://HOST:PORT --client-id "
                     "ID --topic T --count N --ca FILE --cert FILE --key FILE [--timeout S]\n");
        return 2;
    }
    return thingdeck::run(*options);
}
