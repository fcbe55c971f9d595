// RegistryClient and ShadowClient (AwsClient with the standard retry mode underneath) against
// the sandbox's REST API on real HTTPS on loopback, with faults injected per request: answers
// cut in the middle (a TCP proxy in front of the server), connections dropped before the
// answer, stalls past the timeout, 500/503 bursts and the sandbox's own throttling
// (`--throttle N`). Listings must end with every thing exactly once, retries must stay within
// the budget, a stall must end at its timeout, and every retry must be announced.
#include "FaultProxy.h"
#include "SandboxRestFixture.h"
#include "SandboxSeeder.h"
#include "iot/IotEndpoints.h"
#include "iot/RegistryClient.h"
#include "iot/ShadowClient.h"

#include <QElapsedTimer>
#include <QSet>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>

#include <memory>
#include <optional>

using namespace thingdeck;
using namespace thingdeck::test;

namespace {

constexpr int kThings = 1000;
constexpr int kPageSize = 100;
constexpr int kStandardAttempts = 3; // the standard retry mode's budget per call
// QNetworkAccessManager sends a request again, unasked and unseen by AwsClient, when its
// connection closes before any byte of the answer: seen here once per attempt for a run of
// drops, and twice in one attempt for a cut answer followed by a drop.
constexpr int kSendsPerAttempt = 3;

/// What the server does with one request. Written as one character each in a script:
/// '.' answer, 'C' cut the answer in the middle, 'D' drop the connection before answering,
/// 'S' stall (never answer), '5' 500 InternalFailure, '3' 503 ServiceUnavailable, 'T' 400
/// ThrottlingException (as the control plane throttles).
enum class Fault { None, Cut, Drop, Stall, Error500, Error503, Throttled };

Fault faultOf(char c)
{
    switch (c) {
    case 'C':
        return Fault::Cut;
    case 'D':
        return Fault::Drop;
    case 'S':
        return Fault::Stall;
    case '5':
        return Fault::Error500;
    case '3':
        return Fault::Error503;
    case 'T':
        return Fault::Throttled;
    default:
        return Fault::None;
    }
}

HttpResponse awsError(int status, const QByteArray &type, const QByteArray &message)
{
    return HttpResponse{
        status,
        {HttpHeader{"Content-Type", "application/json"}, HttpHeader{"x-amzn-ErrorType", type}},
        "{\"message\":\"" + message + "\"}"};
}

ThingName thing(const QString &name)
{
    return ThingName::create(name).value();
}

} // namespace

class TestFaultsRest : public SandboxRestFixture
{
    Q_OBJECT

private:
    std::unique_ptr<FaultProxy> m_proxy;
    std::unique_ptr<IotEndpoints> m_endpoints;
    std::unique_ptr<RegistryClient> m_registryClient;
    std::unique_ptr<ShadowClient> m_shadowClient;
    QByteArray m_script;           ///< faults for the next requests, one character each
    QList<QByteArray> m_requests;  ///< "GET /things?…" of every request received
    QList<QElapsedTimer> m_times;  ///< when each request arrived
    QList<HttpResponder> m_stalls; ///< kept so that the stalled requests stay open
    QList<int> m_retryAttempts;    ///< `attempt` of every retrying() signal
    int m_faults = 0;

    void handle(const HttpRequest &request, HttpResponder responder)
    {
        m_requests.append(request.method + ' ' + request.target);
        m_times.append(QElapsedTimer());
        m_times.last().start();
        const Fault fault = m_script.isEmpty() ? Fault::None : faultOf(m_script.front());
        if (!m_script.isEmpty())
            m_script.remove(0, 1);
        m_faults += fault == Fault::None ? 0 : 1;
        switch (fault) {
        case Fault::None:
            m_api->handle(request, responder);
            return;
        case Fault::Cut:
            // Answered a moment later, so that the proxy has passed on whatever the server
            // sent before (TLS session tickets) and cuts the answer itself.
            m_proxy->cutNextAnswer();
            QTimer::singleShot(20, m_api.get(),
                               [this, request, responder] { m_api->handle(request, responder); });
            return;
        case Fault::Drop:
            responder.dropConnection();
            return;
        case Fault::Stall:
            m_stalls.append(responder);
            return;
        case Fault::Error500:
            responder.respond(awsError(500, "InternalFailureException", "Internal failure."));
            return;
        case Fault::Error503:
            responder.respond(awsError(503, "ServiceUnavailableException", "Service unavailable."));
            return;
        case Fault::Throttled:
            responder.respond(awsError(400, "ThrottlingException", "Rate exceeded"));
            return;
        }
    }

    // An AwsClient with the standard retry mode (as the GUI's), through the fault proxy.
    void useStandardRetries(std::chrono::milliseconds timeout)
    {
        m_shadowClient.reset();
        m_registryClient.reset();
        m_endpoints.reset();
        m_client.reset();
        AwsClientOptions options;
        options.region = region();
        options.timeout = timeout;
        options.extraCaCertificates = m_ca;
        m_client = std::make_unique<AwsClient>(&m_network, m_credentials.get(), options);
        connect(m_client.get(), &AwsClient::retrying, this,
                [this](AwsClient::CallId, int attempt) { m_retryAttempts.append(attempt); });
        QUrl url = m_server->url();
        url.setPort(m_proxy->port());
        m_endpoints = std::make_unique<IotEndpoints>(
            m_client.get(), IotEndpoints::Target{QStringLiteral("faults"), region(), url, url});
        m_registryClient = std::make_unique<RegistryClient>(m_endpoints.get());
        m_shadowClient = std::make_unique<ShadowClient>(m_endpoints.get());
    }

    template<typename T, typename Start> Result<T, IotError> await(Start start)
    {
        std::optional<Result<T, IotError>> result;
        start(IotCallback<T>([&result](const Result<T, IotError> &r) { result = r; }));
        if (!QTest::qWaitFor([&result] { return result.has_value(); }, 120000))
            qFatal("no answer from the IoT client");
        return *result;
    }

    // How often each page (by its nextToken) was asked for.
    QMap<QString, int> attemptsPerPage() const
    {
        QMap<QString, int> attempts;
        for (const QByteArray &line : m_requests) {
            const QUrlQuery query(QUrl(QString::fromLatin1(line.mid(line.indexOf(' ') + 1))));
            ++attempts[query.queryItemValue(QStringLiteral("nextToken"))];
        }
        return attempts;
    }

    void resetRecording(const QByteArray &script)
    {
        m_script = script;
        m_requests.clear();
        m_times.clear();
        m_retryAttempts.clear();
        m_faults = 0;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qunsetenv("AWS_CA_BUNDLE"); // the sandbox's CA is given to the client explicitly
        setUpPki();
    }

    void init()
    {
        setUp();
        m_server->setHandler([this](const HttpRequest &request, HttpResponder responder) {
            handle(request, responder);
        });
        m_proxy = std::make_unique<FaultProxy>(m_server->url().port());
        QVERIFY(m_proxy->listen());
        resetRecording({});
        m_stalls.clear();
        useStandardRetries(std::chrono::milliseconds(20000));
    }

    void cleanup()
    {
        m_shadowClient.reset();
        m_registryClient.reset();
        m_endpoints.reset();
        m_stalls.clear();
        tearDown();
        m_proxy.reset();
    }

    void listingFinishesUnderFaults_data()
    {
        QTest::addColumn<QByteArray>("script");
        QTest::addColumn<int>("throttleEvery");
        QTest::addColumn<int>("timeoutMs");
        // Faults on the first attempt of every page, or bursts of two: the most the budget
        // of three attempts can ride out.
        QTest::newRow("answers cut mid-response")
            << QByteArray("C.C.C.C.C.C.C.C.C.C.") << 0 << 20000;
        QTest::newRow("connections dropped") << QByteArray("D.D.D.D.D.D.D.D.D.D.") << 0 << 20000;
        QTest::newRow("500 bursts") << QByteArray("55.55.55.55.55.") << 0 << 20000;
        QTest::newRow("503 bursts") << QByteArray("33.33.33.33.33.") << 0 << 20000;
        QTest::newRow("stalls") << QByteArray("S..S..S") << 0 << 1500;
        QTest::newRow("throttled every 3rd (--throttle 3)") << QByteArray() << 3 << 20000;
        QTest::newRow("all of them") << QByteArray("C5.D3.S.5C.3D.") << 5 << 3000;
    }

    void listingFinishesUnderFaults()
    {
        QFETCH(QByteArray, script);
        QFETCH(int, throttleEvery);
        QFETCH(int, timeoutMs);
        QVERIFY(!SandboxSeeder::seedRegistryThings(1, kThings, *m_registry));
        useStandardRetries(std::chrono::milliseconds(timeoutMs));
        m_api->setThrottle(ThrottlePolicy{throttleEvery, 0});
        resetRecording(script);
        QElapsedTimer elapsed;
        elapsed.start();
        ThingQuery query;
        query.maxResults = kPageSize;
        const auto listed = await<QList<ThingSummary>>(
            [&](auto callback) { m_registryClient->listAllThings(query, this, {}, callback); });
        m_api->setThrottle(ThrottlePolicy{});
        QVERIFY2(listed.ok(), qPrintable(listed.ok() ? QString() : listed.error().toString()));
        QSet<QString> names;
        for (const ThingSummary &summary : listed.value())
            names.insert(summary.name);
        QCOMPARE(listed.value().size(), kThings);
        QCOMPARE(names.size(), kThings);
        for (int i = 1; i <= kThings; ++i)
            QVERIFY(names.contains(SandboxSeeder::registryThingName(i)));
        const QMap<QString, int> requestsPerPage = attemptsPerPage();
        const int pages = int(requestsPerPage.size());
        for (auto it = requestsPerPage.cbegin(); it != requestsPerPage.cend(); ++it)
            QVERIFY2(it.value() <= kStandardAttempts * kSendsPerAttempt, qPrintable(it.key()));
        // A retrying() signal for an attempt numbered 3 would announce a fourth attempt.
        for (int attempt : std::as_const(m_retryAttempts))
            QVERIFY(attempt < kStandardAttempts);
        const int retries = int(m_retryAttempts.size());
        // A connection closed before any answer byte is resent by QNetworkAccessManager
        // itself, within one attempt; every other failure is one attempt and one retry.
        const int resent = int(m_requests.size()) - pages - retries;
        if (!script.contains('C') && !script.contains('D'))
            QCOMPARE(resent, 0);
        QVERIFY(resent >= 0);
        QCOMPARE(m_proxy->cuts(), int(script.count('C')));
        qInfo().noquote() << QTest::currentDataTag() << "—" << pages << "pages,"
                          << m_requests.size() << "requests: faults injected" << m_faults
                          << "+ throttled" << (throttleEvery > 0 ? retries + resent - m_faults : 0)
                          << "; retries by AwsClient (retrying signals)" << retries
                          << "; resent inside QNAM" << resent << "; most requests for one page"
                          << *std::max_element(requestsPerPage.cbegin(), requestsPerPage.cend())
                          << "; elapsed" << elapsed.elapsed() << "ms";
    }

    // A third failure in a row ends the call: no fourth attempt, the error says three.
    void retriesStopAtTheBudget_data()
    {
        QTest::addColumn<QByteArray>("script");
        QTest::newRow("500 x3") << QByteArray("555");
        QTest::newRow("throttled, 503, 500") << QByteArray("T35");
    }

    void retriesStopAtTheBudget()
    {
        QFETCH(QByteArray, script);
        resetRecording(script);
        const auto described = await<ThingDescription>([&](auto callback) {
            m_registryClient->describeThing(thing(QStringLiteral("nowhere")), this, callback);
        });
        QVERIFY(!described.ok());
        QCOMPARE(described.error().aws.attempts, kStandardAttempts);
        QCOMPARE(m_requests.size(), kStandardAttempts);
        QCOMPARE(m_retryAttempts, QList<int>({1, 2}));
        QCOMPARE(m_client->pendingCalls(), 0);
        qInfo().noquote() << QTest::currentDataTag() << "—" << described.error().toString();
    }

    // Connections that close before any answer: QNetworkAccessManager sends the request again
    // by itself (unseen by AwsClient) before the attempt fails; the attempts stay three.
    void droppedConnectionsStayWithinTheBudget()
    {
        seedThing(QStringLiteral("lamp"));
        resetRecording(QByteArray(12, 'D'));
        const auto described = await<ThingDescription>([&](auto callback) {
            m_registryClient->describeThing(thing(QStringLiteral("lamp")), this, callback);
        });
        QVERIFY(!described.ok());
        QCOMPARE(described.error().aws.kind, AwsError::Kind::Network);
        QCOMPARE(described.error().aws.attempts, kStandardAttempts);
        QCOMPARE(m_retryAttempts, QList<int>({1, 2}));
        QVERIFY2(m_requests.size() <= kStandardAttempts * kSendsPerAttempt,
                 qPrintable(QString::number(m_requests.size())));
        qInfo().noquote() << "every connection dropped:" << kStandardAttempts << "attempts,"
                          << m_requests.size() << "requests on the wire;"
                          << described.error().toString();
    }

    // A stalled answer is given up at the request timeout: the connection is closed (the
    // server sees it go) and the retry succeeds; three stalls end the call as a timeout.
    void stalledCallIsCancelledAtItsTimeout()
    {
        seedThing(QStringLiteral("lamp"));
        QVERIFY(updateShadow(QStringLiteral("lamp"), R"({"state":{"reported":{"on":true}}})").ok());
        const auto timeout = std::chrono::milliseconds(1000);
        useStandardRetries(timeout);
        resetRecording("S");
        QElapsedTimer elapsed;
        elapsed.start();
        const auto got = await<ShadowSnapshot>([&](auto callback) {
            m_shadowClient->getShadow(thing(QStringLiteral("lamp")), ShadowName::classic(), this,
                                      callback);
        });
        const qint64 oneStall = elapsed.elapsed();
        QVERIFY2(got.ok(), qPrintable(got.ok() ? QString() : got.error().toString()));
        QCOMPARE(got.value().document.reported().value(u"on").toBool(), true);
        QCOMPARE(m_requests.size(), 2);
        QCOMPARE(m_retryAttempts, QList<int>({1}));
        QTRY_VERIFY(!m_stalls.first().isPending()); // the client closed the stalled connection
        const qint64 secondAfter = m_times.at(0).elapsed() - m_times.at(1).elapsed();
        QVERIFY2(secondAfter >= timeout.count(), qPrintable(QString::number(secondAfter)));

        resetRecording("SSS");
        elapsed.restart();
        const auto failed = await<ShadowSnapshot>([&](auto callback) {
            m_shadowClient->getShadow(thing(QStringLiteral("lamp")), ShadowName::classic(), this,
                                      callback);
        });
        const qint64 threeStalls = elapsed.elapsed();
        QVERIFY(!failed.ok());
        QCOMPARE(failed.error().aws.kind, AwsError::Kind::Timeout);
        QCOMPARE(failed.error().aws.attempts, kStandardAttempts);
        QCOMPARE(m_requests.size(), kStandardAttempts);
        QVERIFY(threeStalls >= 3 * timeout.count());
        // Three timeouts plus at most two backoffs (1 s and 2 s ceilings), with slack.
        QVERIFY2(threeStalls < 3 * timeout.count() + 3000 + 10000,
                 qPrintable(QString::number(threeStalls)));
        QTRY_VERIFY(std::none_of(m_stalls.cbegin(), m_stalls.cend(),
                                 [](const HttpResponder &r) { return r.isPending(); }));
        qInfo().noquote() << "timeout" << timeout.count()
                          << "ms; one stall then an answer:" << oneStall << "ms (retry sent"
                          << secondAfter
                          << "ms after the stalled request); three stalls:" << threeStalls
                          << "ms, then" << failed.error().toString();
    }

    // Shadow reads and writes through a burst of failures: the update is applied once.
    void shadowCallsRideOutFaults()
    {
        seedThing(QStringLiteral("fan"));
        resetRecording("35");
        const auto updated = await<ShadowAccepted>([&](auto callback) {
            m_shadowClient->updateShadow(
                thing(QStringLiteral("fan")), ShadowName::classic(),
                QJsonObject{{QStringLiteral("state"),
                             QJsonObject{{QStringLiteral("desired"),
                                          QJsonObject{{QStringLiteral("speed"), 3}}}}}},
                std::nullopt, this, callback);
        });
        QVERIFY2(updated.ok(), qPrintable(updated.ok() ? QString() : updated.error().toString()));
        QCOMPARE(m_retryAttempts, QList<int>({1, 2}));
        const int updateRequests = int(m_requests.size());
        resetRecording("5C");
        const auto got = await<ShadowSnapshot>([&](auto callback) {
            m_shadowClient->getShadow(thing(QStringLiteral("fan")), ShadowName::classic(), this,
                                      callback);
        });
        QVERIFY2(got.ok(), qPrintable(got.ok() ? QString() : got.error().toString()));
        QCOMPARE(got.value().document.desired().value(u"speed").toInt(), 3);
        QCOMPARE(got.value().document.version(), 1); // applied once
        QVERIFY(!m_retryAttempts.isEmpty());
        qInfo().noquote() << "update: 503 then 500," << updateRequests
                          << "requests; get: 500 then cut," << m_requests.size() << "requests,"
                          << m_retryAttempts.size() << "retries; version"
                          << got.value().document.version();
    }
};

QTEST_GUILESS_MAIN(TestFaultsRest)
#include "tst_faultsrest.moc"
