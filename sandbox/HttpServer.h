#pragma once

#include "Result.h"
#include "aws/SigV4Signer.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QUrl>

#include <chrono>
#include <functional>
#include <map>
#include <memory>

class QTcpServer;
class QTcpSocket;

namespace thingdeck {

class HttpServer;

/// One request exactly as it arrived: SigV4 verification needs the request-target, the header
/// values and the body byte for byte, so nothing here is decoded or normalized.
struct HttpRequest
{
    QByteArray method;         ///< as sent, e.g. "GET"
    QByteArray target;         ///< request-target as sent: path plus '?' and query
    QByteArray version;        ///< "HTTP/1.1" or "HTTP/1.0"
    QList<HttpHeader> headers; ///< in arrival order; names as sent, values without OWS
    QByteArray body;

    QByteArray path() const;  ///< the target up to '?'
    QByteArray query() const; ///< the target after '?', empty when there is none
    /// Case-insensitive lookup; repeated headers joined with ',' in arrival order.
    QByteArray header(const QByteArray &name) const;
    bool hasHeader(const QByteArray &name) const;
};

/// An answer to send. Content-Length, Connection and (unless given) Date are added by the
/// server; a Content-Length or Connection given here is ignored.
struct HttpResponse
{
    int status = 200;
    QList<HttpHeader> headers;
    QByteArray body;
};

/// Why a request cannot be read; answered with `status` and the connection closed.
struct HttpParseError
{
    int status = 400;
    QByteArray reason;
};

/// The way back to the client of one request. A cheap value the handler may keep and use
/// later, or never: the server holds the connection (and answers later requests on it in
/// order) until this request is answered or the connection is dropped. Using a responder whose
/// connection is gone does nothing, so a late answer to a vanished client is harmless.
class HttpResponder
{
public:
    HttpResponder() = default;

    /// Sends the response (once; later calls are ignored).
    void respond(const HttpResponse &response) const;
    /// Closes the connection at once without answering (tests of clients that see a drop).
    void dropConnection() const;
    /// True while the request still waits for its answer and the connection is open.
    bool isPending() const;

private:
    friend class HttpServer;
    HttpResponder(HttpServer *server, quint64 connection, quint64 sequence);

    QPointer<HttpServer> m_server;
    quint64 m_connection = 0;
    quint64 m_sequence = 0;
};

/// Bounds that keep one client from exhausting the server.
struct HttpServerLimits
{
    qsizetype maxHeaderBytes = qsizetype{64} * 1024; ///< request line + headers; larger → 431
    qsizetype maxBodyBytes = qsizetype{1024} * 1024; ///< Content-Length above this → 413
    int maxPendingPerConnection = 16; ///< pipelined requests read ahead of their answers
    /// At the cap a new connection evicts the connection idle the longest (every request
    /// answered, nothing of a next one received, at least one request served); when none is
    /// idle, the new connection is closed on accept.
    int maxConnections = 256;
    std::chrono::milliseconds idleTimeout{60000}; ///< no traffic and nothing pending → close
    /// From the first byte of a request (blank lines included) to the end of its headers; a
    /// head not complete by then is answered 408 and the connection closed (slowloris).
    std::chrono::milliseconds headTimeout{10000};
    /// Blank lines ignored before a request line (RFC 9112 §2.2); one more → 400 and close.
    int maxBlankLinesBeforeRequest = 8;
};

/// A small HTTP/1.1 server (plain or TLS) on a loopback address, for the sandbox's REST API
/// and for tests. It parses the request line, headers and a Content-Length body itself (no
/// chunked bodies: 411), keeps connections alive, answers pipelined requests in order and
/// closes idle connections. It knows nothing about AWS: every request goes to one handler,
/// which answers through an HttpResponder now, later, never, or by dropping the connection.
class HttpServer : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(const HttpRequest &, HttpResponder)>;

    explicit HttpServer(Handler handler, HttpServerLimits limits = {}, QObject *parent = nullptr);
    ~HttpServer() override;
    Q_DISABLE_COPY_MOVE(HttpServer)

    /// Plain HTTP. Port 0 picks a free port (see port()). False with errorString() on failure.
    bool listen(quint16 port = 0, const QHostAddress &address = QHostAddress::LocalHost);
    /// HTTPS with this certificate and key (HTTP/1.1 only, no client certificates).
    bool listenTls(const QSslCertificate &certificate, const QSslKey &key, quint16 port = 0,
                   const QHostAddress &address = QHostAddress::LocalHost);
    /// HTTPS with a complete TLS configuration (e.g. a certificate chain).
    bool listenTls(const QSslConfiguration &configuration, quint16 port = 0,
                   const QHostAddress &address = QHostAddress::LocalHost);
    /// Stops listening and closes every connection.
    void close();

    bool isListening() const;
    quint16 port() const;
    /// "http(s)://127.0.0.1:<port>" for the listening address.
    QUrl url() const;
    QString errorString() const;
    int connectionCount() const;

    void setHandler(Handler handler);

    /// The end of the request head at the start of `buffer` (just past its blank line), or
    /// -1 while it is incomplete. With parseRequestHead() and serializeResponse(), for front
    /// ends that read one request head as this server does and then hand the connection on.
    static qsizetype headEnd(const QByteArray &buffer);
    /// Parses a complete head (request line and headers, no body) with this server's rules.
    static Result<HttpRequest, HttpParseError> parseRequestHead(const QByteArray &head);
    /// The bytes this server writes for `response`, Date, Content-Length and Connection added.
    static QByteArray serializeResponse(const HttpResponse &response, bool keepAlive);

private:
    friend class HttpResponder;
    struct Connection;

    bool startListening(std::unique_ptr<QTcpServer> server, quint16 port,
                        const QHostAddress &address);
    void acceptPending();
    void adopt(QTcpSocket *socket);
    void onReadyRead(quint64 id);
    void readAvailable(Connection &connection);
    void process(quint64 id);
    bool processOne(Connection &connection);
    bool takeHead(Connection &connection);
    bool skipBlankLines(Connection &connection);
    void armHeadDeadline(Connection &connection);
    void onHeadTimeout(quint64 id);
    bool evictOldestIdle();
    bool takeBody(Connection &connection);
    void dispatch(Connection &connection, HttpRequest request);
    void reject(Connection &connection, int status, const QByteArray &reason);
    void maybeSendContinue(Connection &connection);
    void deliver(quint64 id, quint64 sequence, const HttpResponse &response);
    void flushReady(Connection &connection);
    void closeGracefully(Connection &connection);
    void drop(quint64 id);
    void onIdle(quint64 id);
    void remove(quint64 id);
    bool isPending(quint64 id, quint64 sequence) const;
    Connection *find(quint64 id) const;

    Handler m_handler;
    HttpServerLimits m_limits;
    std::unique_ptr<QTcpServer> m_server;
    bool m_tls = false;
    QString m_error;
    std::map<quint64, std::unique_ptr<Connection>> m_connections;
    quint64 m_nextId = 1;
    quint64 m_activity = 0; ///< ticks on every answer written; orders idle connections
};

} // namespace thingdeck
