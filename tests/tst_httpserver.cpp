// The sandbox's HTTP/1.1 server at the byte level: exact request bytes, keep-alive,
// pipelining in order, Connection: close, refusals (chunked, oversize, malformed), answers
// given late, never or by dropping the connection, idle timeouts, HEAD, 100-continue and TLS,
// the request head deadline (slowloris), blank lines before a request line and eviction of
// the oldest idle connection at the connection cap.
#include "HttpServer.h"
#include "TestPki.h"

#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>
#include <optional>

using namespace thingdeck;
using namespace thingdeck::test;

namespace {

/// One response as the client read it.
struct RawResponse
{
    int status = 0;
    QList<HttpHeader> headers;
    QByteArray body;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[key, value] : headers) {
            if (key.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
};

// Takes one complete response off the front of `buffer`, if there is one.
std::optional<RawResponse> takeResponse(QByteArray &buffer)
{
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return std::nullopt;
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    RawResponse response;
    response.status = lines.constFirst().split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        response.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    const qsizetype length = response.header("content-length").toLongLong();
    if (buffer.size() < end + 4 + length)
        return std::nullopt;
    response.body = buffer.mid(end + 4, length);
    buffer.remove(0, end + 4 + length);
    return response;
}

/// A raw client connection that collects what the server sends.
class Client
{
public:
    explicit Client(std::unique_ptr<QTcpSocket> socket)
        : m_socket(std::move(socket))
    {
        QObject::connect(m_socket.get(), &QTcpSocket::readyRead, m_socket.get(),
                         [this] { m_received += m_socket->readAll(); });
    }

    QTcpSocket &socket() { return *m_socket; }
    void send(const QByteArray &bytes) { m_socket->write(bytes); }
    bool isClosed() const { return m_socket->state() == QAbstractSocket::UnconnectedState; }

    /// Waits for `count` responses (from the event loop); empty list on timeout.
    QList<RawResponse> await(int count, int timeoutMs = 5000)
    {
        QList<RawResponse> responses;
        const auto takeAll = [&] {
            while (responses.size() < count) {
                auto response = takeResponse(m_received);
                if (!response)
                    break;
                responses.append(*response);
            }
            return responses.size() >= count;
        };
        (void)QTest::qWaitFor(takeAll, timeoutMs);
        return responses;
    }

    QByteArray &received() { return m_received; }

private:
    std::unique_ptr<QTcpSocket> m_socket;
    QByteArray m_received;
};

QByteArray get(const QByteArray &target, const QByteArray &extra = {})
{
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extra + "\r\n";
}

} // namespace

class TestHttpServer : public QObject
{
    Q_OBJECT

private:
    enum class Mode { Echo, Defer, Never, Drop };

    std::unique_ptr<HttpServer> m_server;
    Mode m_mode = Mode::Echo;
    QList<HttpRequest> m_requests;
    QList<HttpResponder> m_deferred;

    void start(HttpServerLimits limits = {})
    {
        m_server = std::make_unique<HttpServer>(
            [this](const HttpRequest &request, HttpResponder responder) {
                handle(request, responder);
            },
            limits);
        QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    }

    void handle(const HttpRequest &request, HttpResponder responder)
    {
        m_requests.append(request);
        switch (m_mode) {
        case Mode::Echo:
            responder.respond(echo(request));
            break;
        case Mode::Defer:
            m_deferred.append(responder);
            break;
        case Mode::Never:
            break;
        case Mode::Drop:
            responder.dropConnection();
            break;
        }
    }

    static HttpResponse echo(const HttpRequest &request)
    {
        HttpResponse response;
        response.headers.append(HttpHeader{"X-Method", request.method});
        response.body = request.target + '|' + request.body;
        return response;
    }

    std::unique_ptr<Client> connectClient()
    {
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, m_server->port());
        return std::make_unique<Client>(std::move(socket));
    }

    static HttpResponse text(const QByteArray &body)
    {
        HttpResponse response;
        response.body = body;
        return response;
    }

private Q_SLOTS:
    void init()
    {
        m_mode = Mode::Echo;
        m_requests.clear();
        m_deferred.clear();
    }

    void cleanup() { m_server.reset(); }

    void requestArrivesByteForByte()
    {
        start();
        auto client = connectClient();
        const QByteArray body("a\r\nb\0c", 6);
        client->send("POST /topics/a%2Fb?qos=1&x=%7e+y HTTP/1.1\r\nHost: 127.0.0.1:1\r\n"
                     "X-Amz-Date:  20150830T123600Z \r\nx-dup: 1\r\nX-Dup: 2\r\n"
                     "Content-Length: 6\r\n\r\n" +
                     body);
        const auto responses = client->await(1);
        QCOMPARE(responses.size(), 1);
        QCOMPARE(m_requests.size(), 1);
        const HttpRequest &request = m_requests.constFirst();
        QCOMPARE(request.method, QByteArray("POST"));
        QCOMPARE(request.target, QByteArray("/topics/a%2Fb?qos=1&x=%7e+y"));
        QCOMPARE(request.path(), QByteArray("/topics/a%2Fb"));
        QCOMPARE(request.query(), QByteArray("qos=1&x=%7e+y"));
        QCOMPARE(request.version, QByteArray("HTTP/1.1"));
        QCOMPARE(request.headers.at(1), (HttpHeader{"X-Amz-Date", "20150830T123600Z"}));
        QCOMPARE(request.header("x-dup"), QByteArray("1,2"));
        QCOMPARE(request.body, body);
        QCOMPARE(responses.constFirst().status, 200);
        QCOMPARE(responses.constFirst().header("x-method"), QByteArray("POST"));
        QCOMPARE(responses.constFirst().header("connection"), QByteArray("keep-alive"));
        QVERIFY(responses.constFirst().header("date").endsWith(" GMT"));
    }

    void keepAliveServesManyRequests()
    {
        start();
        auto client = connectClient();
        for (int i = 0; i < 5; ++i) {
            client->send(get("/n/" + QByteArray::number(i)));
            const auto responses = client->await(1);
            QCOMPARE(responses.size(), 1);
            QCOMPARE(responses.constFirst().body, "/n/" + QByteArray::number(i) + '|');
        }
        QVERIFY(!client->isClosed());
        QCOMPARE(m_server->connectionCount(), 1);
    }

    void pipelinedAnswersKeepRequestOrder()
    {
        start();
        m_mode = Mode::Defer;
        auto client = connectClient();
        client->send(get("/0") + get("/1") + get("/2"));
        QTRY_COMPARE(m_deferred.size(), 3);
        m_deferred.at(2).respond(text("two"));
        m_deferred.at(0).respond(text("zero"));
        QTest::qWait(50);
        QVERIFY(m_deferred.at(1).isPending());
        m_deferred.at(1).respond(text("one"));
        m_deferred.at(1).respond(text("ignored second answer"));
        const auto responses = client->await(3);
        QCOMPARE(responses.size(), 3);
        QCOMPARE(responses.at(0).body, QByteArray("zero"));
        QCOMPARE(responses.at(1).body, QByteArray("one"));
        QCOMPARE(responses.at(2).body, QByteArray("two"));
        QVERIFY(!m_deferred.at(1).isPending());
    }

    void readAheadIsBoundedPerConnection()
    {
        HttpServerLimits limits;
        limits.maxPendingPerConnection = 2;
        start(limits);
        m_mode = Mode::Defer;
        auto client = connectClient();
        client->send(get("/0") + get("/1") + get("/2") + get("/3") + get("/4"));
        QTRY_COMPARE(m_deferred.size(), 2);
        QTest::qWait(50);
        QCOMPARE(m_deferred.size(), 2); // the rest waits in the buffer
        for (int answered = 0; answered < 5; ++answered) {
            QTRY_VERIFY(m_deferred.size() > answered);
            m_deferred.at(answered).respond(text(QByteArray::number(answered)));
        }
        const auto responses = client->await(5);
        QCOMPARE(responses.size(), 5);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(responses.at(i).body, QByteArray::number(i));
    }

    void connectionCloseEndsTheConnection()
    {
        start();
        auto client = connectClient();
        client->send(get("/last", "Connection: close\r\n") + get("/never-read"));
        const auto responses = client->await(1);
        QCOMPARE(responses.size(), 1);
        QCOMPARE(responses.constFirst().header("connection"), QByteArray("close"));
        QTRY_VERIFY(client->isClosed());
        QCOMPARE(m_requests.size(), 1);
    }

    void http10ClosesUnlessKeepAliveAsked_data()
    {
        QTest::addColumn<QByteArray>("connectionHeader");
        QTest::addColumn<bool>("staysOpen");
        QTest::newRow("plain 1.0") << QByteArray() << false;
        QTest::newRow("1.0 keep-alive") << QByteArray("Connection: keep-alive\r\n") << true;
    }

    void http10ClosesUnlessKeepAliveAsked()
    {
        QFETCH(QByteArray, connectionHeader);
        QFETCH(bool, staysOpen);
        start();
        auto client = connectClient();
        client->send("GET /old HTTP/1.0\r\n" + connectionHeader + "\r\n");
        QCOMPARE(client->await(1).size(), 1);
        if (!staysOpen) {
            QTRY_VERIFY(client->isClosed());
            return;
        }
        QTest::qWait(100); // a close would come right after the answer: none may come
        QVERIFY(!client->isClosed());
    }

    void refusals_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("reason");

        const QByteArray host = "Host: h\r\n";
        QTest::newRow("chunked") << QByteArray("POST / HTTP/1.1\r\n" + host +
                                               "Transfer-Encoding: chunked\r\n\r\n"
                                               "3\r\nabc\r\n0\r\n\r\n")
                                 << 411 << QByteArray("Content-Length");
        QTest::newRow("chunked and length")
            << QByteArray("POST / HTTP/1.1\r\n" + host +
                          "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\nabc")
            << 400 << QByteArray("together");
        QTest::newRow("header block too large")
            << QByteArray("GET / HTTP/1.1\r\n" + host + "X-Big: " + QByteArray(2000, 'x') +
                          "\r\n\r\n")
            << 431 << QByteArray("exceed 1024 bytes");
        QTest::newRow("unterminated header block too large")
            << QByteArray("GET / HTTP/1.1\r\nX-Big: " + QByteArray(2000, 'x')) << 431
            << QByteArray("exceed");
        QTest::newRow("body too large")
            << QByteArray("POST / HTTP/1.1\r\n" + host + "Content-Length: 4097\r\n\r\n") << 413
            << QByteArray("larger than 4096 bytes");
        QTest::newRow("malformed request line")
            << QByteArray("GET /\r\n\r\n") << 400 << QByteArray("request line");
        QTest::newRow("absolute-form target")
            << QByteArray("GET http://h/ HTTP/1.1\r\n" + host + "\r\n") << 400
            << QByteArray("origin-form");
        QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\n" + host + "\r\n") << 505
                                  << QByteArray("HTTP/1.1");
        QTest::newRow("no Host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400
                                 << QByteArray("Host");
        QTest::newRow("folded header")
            << QByteArray("GET / HTTP/1.1\r\n" + host + "X-A: 1\r\n  2\r\n\r\n") << 400
            << QByteArray("folding");
        QTest::newRow("bad Content-Length")
            << QByteArray("POST / HTTP/1.1\r\n" + host + "Content-Length: 1x\r\n\r\n") << 400
            << QByteArray("Content-Length");
        QTest::newRow("two different lengths")
            << QByteArray("POST / HTTP/1.1\r\n" + host +
                          "Content-Length: 1\r\nContent-Length: 2\r\n\r\nab")
            << 400 << QByteArray("Content-Length");
        QTest::newRow("space before colon")
            << QByteArray("GET / HTTP/1.1\r\n" + host + "X-A : 1\r\n\r\n") << 400
            << QByteArray("malformed header");
    }

    void refusals()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QByteArray, reason);
        HttpServerLimits limits;
        limits.maxHeaderBytes = 1024;
        limits.maxBodyBytes = 4096;
        start(limits);
        auto client = connectClient();
        client->send(request);
        const auto responses = client->await(1);
        QCOMPARE(responses.size(), 1);
        QCOMPARE(responses.constFirst().status, status);
        QVERIFY2(responses.constFirst().body.contains(reason),
                 responses.constFirst().body.constData());
        QCOMPARE(responses.constFirst().header("connection"), QByteArray("close"));
        QTRY_VERIFY(client->isClosed());
        QVERIFY(m_requests.isEmpty());
    }

    void refusalComesAfterEarlierAnswers()
    {
        start();
        m_mode = Mode::Defer;
        auto client = connectClient();
        client->send(get("/ok") + "BROKEN\r\n\r\n");
        QTRY_COMPARE(m_deferred.size(), 1);
        m_deferred.constFirst().respond(text("first"));
        const auto responses = client->await(2);
        QCOMPARE(responses.size(), 2);
        QCOMPARE(responses.at(0).body, QByteArray("first"));
        QCOMPARE(responses.at(1).status, 400);
    }

    void neverAnsweredRequestKeepsTheConnection()
    {
        HttpServerLimits limits;
        limits.idleTimeout = std::chrono::milliseconds(100);
        start(limits);
        m_mode = Mode::Never;
        auto client = connectClient();
        client->send(get("/silence"));
        QTRY_COMPARE(m_requests.size(), 1);
        QTest::qWait(400); // longer than the idle timeout: a pending request is not idle
        QVERIFY(!client->isClosed());
        QVERIFY(client->received().isEmpty());
    }

    void dropClosesWithoutAnswer()
    {
        start();
        m_mode = Mode::Drop;
        auto client = connectClient();
        client->send(get("/drop"));
        QTRY_VERIFY(client->isClosed());
        QVERIFY(client->received().isEmpty());
        QTRY_COMPARE(m_server->connectionCount(), 0);
    }

    void lateAnswerToVanishedClientIsHarmless()
    {
        start();
        m_mode = Mode::Defer;
        auto client = connectClient();
        client->send(get("/late"));
        QTRY_COMPARE(m_deferred.size(), 1);
        client->socket().abort();
        QTRY_COMPARE(m_server->connectionCount(), 0);
        QVERIFY(!m_deferred.constFirst().isPending());
        m_deferred.constFirst().respond(text("nobody listens"));
        m_deferred.constFirst().dropConnection();
        m_server.reset();
        m_deferred.constFirst().respond(text("server gone"));
    }

    void idleConnectionsAreClosed_data()
    {
        QTest::addColumn<QByteArray>("sent");
        QTest::newRow("nothing sent") << QByteArray();
        QTest::newRow("half a request") << QByteArray("GET /slow HTTP/1.1\r\nHost: h\r\n");
        QTest::newRow("after an answer") << get("/done");
    }

    void idleConnectionsAreClosed()
    {
        QFETCH(QByteArray, sent);
        HttpServerLimits limits;
        limits.idleTimeout = std::chrono::milliseconds(150);
        start(limits);
        auto client = connectClient();
        QTRY_COMPARE(m_server->connectionCount(), 1);
        client->send(sent);
        QTRY_VERIFY_WITH_TIMEOUT(client->isClosed(), 3000);
        QTRY_COMPARE(m_server->connectionCount(), 0);
    }

    void headKeepsLengthWithoutBody()
    {
        start();
        auto client = connectClient();
        client->send("HEAD /h HTTP/1.1\r\nHost: h\r\n\r\n" + get("/after"));
        QTRY_VERIFY(client->received().contains("/after|"));
        const QByteArray raw = client->received();
        QVERIFY(raw.startsWith("HTTP/1.1 200 OK\r\n"));
        QVERIFY(raw.contains("Content-Length: 3\r\n"));
        QVERIFY(raw.indexOf("HTTP/1.1 200", 5) == raw.indexOf("\r\n\r\n") + 4);
    }

    void expectContinueGetsInterimAnswer()
    {
        start();
        auto client = connectClient();
        client->send(
            "POST /big HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
        QTRY_VERIFY(client->received().startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
        client->received().clear();
        client->send("hello");
        const auto responses = client->await(1);
        QCOMPARE(responses.size(), 1);
        QCOMPARE(responses.constFirst().body, QByteArray("/big|hello"));
    }

    void connectionLimitRefusesExtraClients()
    {
        HttpServerLimits limits;
        limits.maxConnections = 2;
        start(limits);
        auto first = connectClient();
        auto second = connectClient();
        QTRY_COMPARE(m_server->connectionCount(), 2);
        auto third = connectClient();
        QTRY_VERIFY(third->isClosed());
        first->send(get("/still-served"));
        QCOMPARE(first->await(1).size(), 1);
    }

    // Slowloris: a head trickled in one byte at a time is cut off at its deadline, long before
    // the client is done, while a whole request on a fresh connection is served as ever.
    void slowHeadIsCutOffAtItsDeadline()
    {
        HttpServerLimits limits;
        limits.headTimeout = std::chrono::milliseconds(500);
        start(limits);
        auto slow = connectClient();
        const QByteArray head = get("/slow", "X-Pad: " + QByteArray(40, 'p') + "\r\n");
        qsizetype sent = 0;
        QTimer trickle;
        connect(&trickle, &QTimer::timeout, this, [&] {
            if (sent < head.size() && !slow->isClosed())
                slow->send(head.mid(sent++, 1));
        });
        trickle.start(100); // the whole head would take about 7 s
        QTRY_VERIFY_WITH_TIMEOUT(slow->isClosed(), 10000);
        trickle.stop();
        QVERIFY2(sent < head.size(), "the server must close before the head is complete");
        QVERIFY2(slow->received().startsWith("HTTP/1.1 408 "), slow->received().constData());
        QVERIFY(m_requests.isEmpty());

        auto fresh = connectClient();
        fresh->send(get("/fresh"));
        const auto responses = fresh->await(1);
        QCOMPARE(responses.size(), 1);
        QCOMPARE(responses.constFirst().body, QByteArray("/fresh|"));
    }

    void blankLinesBeforeTheRequestLine_data()
    {
        QTest::addColumn<QByteArray>("blank");
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("status");
        QTest::newRow("8 CRLF") << QByteArray("\r\n") << 8 << 200;
        QTest::newRow("8 LF") << QByteArray("\n") << 8 << 200;
        QTest::newRow("9 CRLF") << QByteArray("\r\n") << 9 << 400;
        QTest::newRow("100 LF") << QByteArray("\n") << 100 << 400;
    }

    void blankLinesBeforeTheRequestLine()
    {
        QFETCH(QByteArray, blank);
        QFETCH(int, count);
        QFETCH(int, status);
        start();
        auto client = connectClient();
        client->send(blank.repeated(count) + get("/after-blanks"));
        const auto responses = client->await(1);
        QCOMPARE(responses.size(), 1);
        QCOMPARE(responses.constFirst().status, status);
        if (status == 200) {
            QCOMPARE(responses.constFirst().body, QByteArray("/after-blanks|"));
            // The count starts again for the next request on the connection.
            client->send(blank.repeated(count) + get("/again"));
            QCOMPARE(client->await(1).size(), 1);
        } else {
            QVERIFY2(responses.constFirst().body.contains("blank lines"),
                     responses.constFirst().body.constData());
            QTRY_VERIFY(client->isClosed());
            QVERIFY(m_requests.isEmpty());
        }
    }

    // At the cap, a new client evicts the keep-alive connection idle the longest.
    void oldestIdleConnectionIsEvictedAtTheCap()
    {
        HttpServerLimits limits;
        limits.maxConnections = 2;
        start(limits);
        auto oldest = connectClient();
        oldest->send(get("/oldest"));
        QCOMPARE(oldest->await(1).size(), 1);
        auto newer = connectClient();
        newer->send(get("/newer"));
        QCOMPARE(newer->await(1).size(), 1);
        QTRY_COMPARE(m_server->connectionCount(), 2);

        auto third = connectClient();
        third->send(get("/third"));
        const auto responses = third->await(1);
        QCOMPARE(responses.size(), 1);
        QCOMPARE(responses.constFirst().body, QByteArray("/third|"));
        QTRY_VERIFY(oldest->isClosed());
        QVERIFY(!newer->isClosed());
        newer->send(get("/newer-again"));
        QCOMPARE(newer->await(1).size(), 1);
    }

    // A connection whose request is still unanswered is not idle: nobody is evicted.
    void busyConnectionsAreNotEvicted()
    {
        HttpServerLimits limits;
        limits.maxConnections = 1;
        start(limits);
        m_mode = Mode::Never;
        auto busy = connectClient();
        busy->send(get("/busy"));
        QTRY_COMPARE(m_requests.size(), 1);
        auto extra = connectClient();
        QTRY_VERIFY(extra->isClosed());
        QVERIFY(!busy->isClosed());
    }

    void tlsRoundTrip()
    {
        QTemporaryDir dir;
        TestPki pki(dir.path());
        QVERIFY2(pki.create(), qPrintable(pki.error()));
        m_server = std::make_unique<HttpServer>(
            [this](const HttpRequest &request, HttpResponder responder) {
                handle(request, responder);
            });
        QVERIFY(m_server->listenTls(TestPki::loadCertificate(pki.serverCertificateFile()),
                                    TestPki::loadKey(pki.serverKeyFile())));
        QCOMPARE(m_server->url().scheme(), QStringLiteral("https"));
        auto socket = std::make_unique<QSslSocket>();
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(pki.caFile());
        socket->setSslConfiguration(tls);
        socket->connectToHostEncrypted(QStringLiteral("localhost"), m_server->port());
        QSslSocket *raw = socket.get();
        Client client(std::move(socket));
        QTRY_VERIFY(raw->isEncrypted());
        client.send(get("/secure"));
        const auto responses = client.await(1);
        QCOMPARE(responses.size(), 1);
        QCOMPARE(responses.constFirst().body, QByteArray("/secure|"));
    }
};

QTEST_GUILESS_MAIN(TestHttpServer)
#include "tst_httpserver.moc"
