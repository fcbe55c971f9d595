#include "HttpServer.h"

#include "Result.h"

#include <QDateTime>
#include <QLocale>
#include <QLoggingCategory>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <optional>

Q_LOGGING_CATEGORY(lcSandboxHttp, "thingdeck.sandbox.http", QtInfoMsg)

namespace thingdeck {

namespace {

// The socket's own buffer is kept small so that a client sending faster than we answer is
// slowed down by TCP instead of filling memory.
constexpr qint64 kSocketReadBuffer = 64 * 1024;

/// The request line and headers of a request whose body may still be on its way.
struct ParsedHead
{
    HttpRequest request;
    qsizetype contentLength = 0;
    bool keepAlive = true;
    bool expectContinue = false;
    bool continueSent = false;
};

/// What the server remembers about a request until it is answered.
struct Unanswered
{
    bool headMethod = false;
    bool keepAlive = true;
};

bool isTokenChar(char c)
{
    static const QByteArray specials = QByteArrayLiteral("!#$%&'*+-.^_`|~");
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           specials.contains(c);
}

bool isToken(const QByteArray &text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), isTokenChar);
}

// Optional whitespace in HTTP is only space and tab (RFC 9110 §5.6.3).
QByteArray trimOws(const QByteArray &text)
{
    qsizetype begin = 0;
    qsizetype end = text.size();
    while (begin < end && (text.at(begin) == ' ' || text.at(begin) == '\t'))
        ++begin;
    while (end > begin && (text.at(end - 1) == ' ' || text.at(end - 1) == '\t'))
        --end;
    return text.mid(begin, end - begin);
}

bool hasControlChar(const QByteArray &text)
{
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return (byte < 0x20 && c != '\t') || byte == 0x7f;
    });
}

// The end of the header block (index just past the blank line), or -1. Bare LF line ends are
// accepted as RFC 9112 §2.2 allows.
qsizetype headerEnd(const QByteArray &buffer)
{
    const qsizetype crlf = buffer.indexOf("\r\n\r\n");
    const qsizetype lf = buffer.indexOf("\n\n");
    if (crlf >= 0 && (lf < 0 || crlf + 2 <= lf))
        return crlf + 4;
    return lf >= 0 ? lf + 2 : -1;
}

QList<QByteArray> splitLines(const QByteArray &block)
{
    QList<QByteArray> lines = block.split('\n');
    for (QByteArray &line : lines) {
        if (line.endsWith('\r'))
            line.chop(1);
    }
    while (!lines.isEmpty() && lines.constLast().isEmpty())
        lines.removeLast();
    return lines;
}

std::optional<HttpParseError> parseRequestLine(const QByteArray &line, HttpRequest &request)
{
    const QList<QByteArray> parts = line.split(' ');
    if (parts.size() != 3 || !isToken(parts.at(0)) || hasControlChar(parts.at(1)))
        return HttpParseError{400, "malformed request line"};
    request.method = parts.at(0);
    request.target = parts.at(1);
    request.version = parts.at(2);
    if (!request.target.startsWith('/') && request.target != "*")
        return HttpParseError{400, "only origin-form request targets (\"/path?query\") are served"};
    if (request.version == "HTTP/1.1" || request.version == "HTTP/1.0")
        return std::nullopt;
    if (request.version.startsWith("HTTP/"))
        return HttpParseError{505, "only HTTP/1.1 and HTTP/1.0 are supported"};
    return HttpParseError{400, "malformed HTTP version"};
}

std::optional<HttpParseError> parseHeaderLine(const QByteArray &line, HttpRequest &request)
{
    if (line.startsWith(' ') || line.startsWith('\t'))
        return HttpParseError{400, "obsolete header line folding is not supported"};
    const qsizetype colon = line.indexOf(':');
    if (colon <= 0 || !isToken(line.left(colon)))
        return HttpParseError{400, "malformed header line"};
    const QByteArray value = trimOws(line.mid(colon + 1));
    if (hasControlChar(value))
        return HttpParseError{400, "control character in a header value"};
    request.headers.append({line.left(colon), value});
    return std::nullopt;
}

QList<QByteArray> listValues(const HttpRequest &request, const QByteArray &name)
{
    QList<QByteArray> values;
    for (const QByteArray &item : request.header(name).split(',')) {
        if (!trimOws(item).isEmpty())
            values.append(trimOws(item).toLower());
    }
    return values;
}

std::optional<HttpParseError> readContentLength(const HttpRequest &request, qsizetype maxBody,
                                                qsizetype &length)
{
    const QList<QByteArray> values = listValues(request, "content-length");
    if (values.isEmpty())
        return std::nullopt;
    const QByteArray first = values.constFirst();
    const bool digits =
        !first.isEmpty() && first.size() <= 18 &&
        std::all_of(first.begin(), first.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || values.count(first) != values.size())
        return HttpParseError{400, "invalid Content-Length"};
    length = first.toLongLong();
    if (length > maxBody)
        return HttpParseError{413,
                              "the body is larger than " + QByteArray::number(maxBody) + " bytes"};
    return std::nullopt;
}

std::optional<HttpParseError> checkFraming(const HttpRequest &request)
{
    if (!request.hasHeader("transfer-encoding"))
        return std::nullopt;
    // Both framings at once is the classic request-smuggling shape: refuse it outright.
    if (request.hasHeader("content-length"))
        return HttpParseError{400,
                              "Transfer-Encoding and Content-Length together are not accepted"};
    return HttpParseError{411, "Transfer-Encoding (chunked bodies) is not supported; send the body "
                               "with a Content-Length header"};
}

std::optional<HttpParseError> finishHead(ParsedHead &head, const HttpServerLimits &limits)
{
    const HttpRequest &request = head.request;
    const bool http10 = request.version == "HTTP/1.0";
    if (!http10 && listValues(request, "host").size() != 1)
        return HttpParseError{400, "an HTTP/1.1 request needs exactly one Host header"};
    if (auto error = checkFraming(request))
        return error;
    if (auto error = readContentLength(request, limits.maxBodyBytes, head.contentLength))
        return error;
    const QList<QByteArray> connection = listValues(request, "connection");
    head.keepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close");
    head.expectContinue = listValues(request, "expect").contains("100-continue");
    return std::nullopt;
}

Result<ParsedHead, HttpParseError> parseHead(const QByteArray &block,
                                             const HttpServerLimits &limits)
{
    const QList<QByteArray> lines = splitLines(block);
    ParsedHead head;
    if (lines.isEmpty())
        return fail(HttpParseError{400, "empty request"});
    if (auto error = parseRequestLine(lines.constFirst(), head.request))
        return fail(*error);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        if (auto error = parseHeaderLine(lines.at(i), head.request))
            return fail(*error);
    }
    if (auto error = finishHead(head, limits))
        return fail(*error);
    return head;
}

QByteArray reasonPhrase(int status)
{
    static const std::map<int, const char *> phrases = {
        {100, "Continue"},
        {200, "OK"},
        {201, "Created"},
        {204, "No Content"},
        {400, "Bad Request"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {405, "Method Not Allowed"},
        {408, "Request Timeout"},
        {409, "Conflict"},
        {410, "Gone"},
        {411, "Length Required"},
        {413, "Content Too Large"},
        {415, "Unsupported Media Type"},
        {429, "Too Many Requests"},
        {431, "Request Header Fields Too Large"},
        {500, "Internal Server Error"},
        {501, "Not Implemented"},
        {503, "Service Unavailable"},
        {504, "Gateway Timeout"},
        {505, "HTTP Version Not Supported"},
    };
    const auto it = phrases.find(status);
    return it == phrases.end() ? QByteArrayLiteral("Unknown") : QByteArray(it->second);
}

QByteArray httpDate()
{
    return QLocale::c()
        .toString(QDateTime::currentDateTimeUtc(),
                  QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
        .toLatin1();
}

bool isFramingHeader(const QByteArray &name)
{
    return name.compare("content-length", Qt::CaseInsensitive) == 0 ||
           name.compare("connection", Qt::CaseInsensitive) == 0 ||
           name.compare("transfer-encoding", Qt::CaseInsensitive) == 0;
}

// A HEAD answer keeps the Content-Length the GET would have but sends no body.
QByteArray serialize(const HttpResponse &response, bool keepAlive, bool omitBody)
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(response.status) + ' ' +
                     reasonPhrase(response.status) + "\r\n";
    bool hasDate = false;
    for (const auto &[name, value] : response.headers) {
        if (isFramingHeader(name))
            continue;
        hasDate = hasDate || name.compare("date", Qt::CaseInsensitive) == 0;
        out += name + ": " + value + "\r\n";
    }
    if (!hasDate)
        out += "Date: " + httpDate() + "\r\n";
    out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    out += keepAlive ? QByteArrayLiteral("Connection: keep-alive\r\n")
                     : QByteArrayLiteral("Connection: close\r\n");
    out += "\r\n";
    return omitBody ? out : out + response.body;
}

} // namespace

struct HttpServer::Connection
{
    quint64 id = 0;
    QPointer<QTcpSocket> socket;
    QByteArray buffer;              ///< bytes read but not yet parsed, bounded
    std::optional<ParsedHead> head; ///< headers read, body still incomplete
    quint64 nextSequence = 0;       ///< given to the next request read
    quint64 nextToSend = 0;         ///< the request whose answer goes out next
    std::map<quint64, Unanswered> unanswered;
    std::map<quint64, std::pair<QByteArray, bool>> ready; ///< answered early: bytes, close after
    bool lastRead = false; ///< no further request is read (close or rejected)
    bool processing = false;
    bool closed = false;
    int blankLines = 0;    ///< skipped before the request line now being read
    quint64 idleSince = 0; ///< m_activity when the last answer was written
    QTimer idle;
    QTimer headDeadline; ///< runs from the first byte of a head until its end

    /// Every request answered and nothing of a next one received; a connection that has not
    /// yet sent a request is not idle (its client is most likely about to send one).
    bool isIdle() const
    {
        return !closed && socket && !lastRead && nextSequence > 0 && unanswered.empty() &&
               ready.empty() && !head && buffer.isEmpty() && blankLines == 0 &&
               socket->bytesAvailable() == 0;
    }
};

// --- parsing helpers shared with other front ends ------------------------------------------

qsizetype HttpServer::headEnd(const QByteArray &buffer)
{
    return headerEnd(buffer);
}

Result<HttpRequest, HttpParseError> HttpServer::parseRequestHead(const QByteArray &head)
{
    auto parsed = parseHead(head, HttpServerLimits{});
    if (!parsed.ok())
        return fail(parsed.error());
    return std::move(parsed).value().request;
}

QByteArray HttpServer::serializeResponse(const HttpResponse &response, bool keepAlive)
{
    return serialize(response, keepAlive, false);
}

// --- HttpRequest ---------------------------------------------------------------------------

QByteArray HttpRequest::path() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? target : target.left(q);
}

QByteArray HttpRequest::query() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? QByteArray() : target.mid(q + 1);
}

QByteArray HttpRequest::header(const QByteArray &name) const
{
    QList<QByteArray> values;
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            values.append(value);
    }
    return values.join(',');
}

bool HttpRequest::hasHeader(const QByteArray &name) const
{
    return std::any_of(headers.begin(), headers.end(), [&name](const HttpHeader &h) {
        return h.first.compare(name, Qt::CaseInsensitive) == 0;
    });
}

// --- HttpResponder -------------------------------------------------------------------------

HttpResponder::HttpResponder(HttpServer *server, quint64 connection, quint64 sequence)
    : m_server(server)
    , m_connection(connection)
    , m_sequence(sequence)
{}

void HttpResponder::respond(const HttpResponse &response) const
{
    if (m_server)
        m_server->deliver(m_connection, m_sequence, response);
}

void HttpResponder::dropConnection() const
{
    if (m_server && m_server->isPending(m_connection, m_sequence))
        m_server->drop(m_connection);
}

bool HttpResponder::isPending() const
{
    return m_server && m_server->isPending(m_connection, m_sequence);
}

// --- HttpServer ----------------------------------------------------------------------------

HttpServer::HttpServer(Handler handler, HttpServerLimits limits, QObject *parent)
    : QObject(parent)
    , m_handler(std::move(handler))
    , m_limits(limits)
{}

HttpServer::~HttpServer()
{
    close();
}

bool HttpServer::listen(quint16 port, const QHostAddress &address)
{
    m_tls = false;
    return startListening(std::make_unique<QTcpServer>(), port, address);
}

bool HttpServer::listenTls(const QSslCertificate &certificate, const QSslKey &key, quint16 port,
                           const QHostAddress &address)
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(certificate);
    tls.setPrivateKey(key);
    return listenTls(tls, port, address);
}

bool HttpServer::listenTls(const QSslConfiguration &configuration, quint16 port,
                           const QHostAddress &address)
{
    QSslConfiguration tls = configuration;
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    // Offering only HTTP/1.1 keeps clients (QNetworkAccessManager) from trying HTTP/2.
    tls.setAllowedNextProtocols({QByteArrayLiteral("http/1.1")});
    auto server = std::make_unique<QSslServer>();
    server->setSslConfiguration(tls);
    connect(server.get(), &QSslServer::errorOccurred, this,
            [](QSslSocket *, QAbstractSocket::SocketError error) {
                qCDebug(lcSandboxHttp) << "TLS connection failed:" << error;
            });
    m_tls = true;
    return startListening(std::move(server), port, address);
}

bool HttpServer::startListening(std::unique_ptr<QTcpServer> server, quint16 port,
                                const QHostAddress &address)
{
    close();
    connect(server.get(), &QTcpServer::pendingConnectionAvailable, this,
            &HttpServer::acceptPending);
    if (!server->listen(address, port)) {
        m_error = server->errorString();
        return false;
    }
    m_server = std::move(server);
    m_error.clear();
    return true;
}

void HttpServer::close()
{
    if (m_server)
        m_server->close();
    m_server.reset();
    for (auto &[id, connection] : m_connections) {
        if (connection->socket) {
            disconnect(connection->socket, nullptr, this, nullptr);
            connection->socket->abort();
            connection->socket->deleteLater();
        }
    }
    m_connections.clear();
}

bool HttpServer::isListening() const
{
    return m_server && m_server->isListening();
}

quint16 HttpServer::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

QUrl HttpServer::url() const
{
    QUrl url;
    url.setScheme(m_tls ? QStringLiteral("https") : QStringLiteral("http"));
    url.setHost(m_server ? m_server->serverAddress().toString() : QStringLiteral("127.0.0.1"));
    url.setPort(port());
    return url;
}

QString HttpServer::errorString() const
{
    return m_error;
}

int HttpServer::connectionCount() const
{
    return int(std::count_if(m_connections.begin(), m_connections.end(),
                             [](const auto &entry) { return !entry.second->closed; }));
}

void HttpServer::setHandler(Handler handler)
{
    m_handler = std::move(handler);
}

void HttpServer::acceptPending()
{
    while (m_server && m_server->hasPendingConnections())
        adopt(m_server->nextPendingConnection());
}

void HttpServer::adopt(QTcpSocket *socket)
{
    socket->setParent(this);
    if (connectionCount() >= m_limits.maxConnections && !evictOldestIdle()) {
        qCInfo(lcSandboxHttp) << "refusing a new connection: already" << m_limits.maxConnections
                              << "connections, none of them idle";
        socket->abort();
        socket->deleteLater();
        return;
    }
    const quint64 id = m_nextId++;
    auto connection = std::make_unique<Connection>();
    connection->id = id;
    connection->socket = socket;
    socket->setReadBufferSize(kSocketReadBuffer);
    // A response is written at once; without this, Nagle's algorithm holds its last segment
    // back until the client's delayed ACK (up to 40 ms per response on Linux).
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connection->idle.setSingleShot(true);
    connection->idle.setInterval(m_limits.idleTimeout);
    connect(&connection->idle, &QTimer::timeout, this, [this, id] { onIdle(id); });
    connection->headDeadline.setSingleShot(true);
    connection->headDeadline.setInterval(m_limits.headTimeout);
    connect(&connection->headDeadline, &QTimer::timeout, this, [this, id] { onHeadTimeout(id); });
    connect(socket, &QTcpSocket::readyRead, this, [this, id] { onReadyRead(id); });
    connect(socket, &QTcpSocket::disconnected, this, [this, id] { remove(id); });
    connection->idle.start();
    m_connections.emplace(id, std::move(connection));
    onReadyRead(id); // a TLS socket may already hold decrypted bytes
}

void HttpServer::onReadyRead(quint64 id)
{
    Connection *connection = find(id);
    if (!connection || connection->closed)
        return;
    connection->idle.start();
    process(id);
}

void HttpServer::readAvailable(Connection &connection)
{
    if (connection.lastRead) {
        connection.socket->readAll(); // nothing after a closing request is served
        return;
    }
    const qsizetype capacity = m_limits.maxHeaderBytes + m_limits.maxBodyBytes;
    const qsizetype room = capacity - connection.buffer.size();
    if (room > 0 && connection.socket->bytesAvailable() > 0)
        connection.buffer += connection.socket->read(room);
}

// Connections are only erased from a queued call (remove()), so `connection` stays valid for
// the whole loop even when a handler answers, drops the connection or the peer goes away.
void HttpServer::process(quint64 id)
{
    Connection *connection = find(id);
    if (!connection || connection->processing)
        return;
    connection->processing = true;
    while (!connection->closed && connection->socket) {
        readAvailable(*connection);
        if (!processOne(*connection))
            break;
    }
    connection->processing = false;
}

bool HttpServer::processOne(Connection &connection)
{
    if (connection.lastRead)
        return false;
    const auto inFlight = connection.nextSequence - connection.nextToSend;
    if (inFlight >= quint64(m_limits.maxPendingPerConnection))
        return false;
    if (!connection.head && !takeHead(connection))
        return false;
    return takeBody(connection);
}

// The closest idle connection to being forgotten makes room for a new one.
bool HttpServer::evictOldestIdle()
{
    Connection *oldest = nullptr;
    for (const auto &[id, connection] : m_connections) {
        if (connection->isIdle() && (!oldest || connection->idleSince < oldest->idleSince))
            oldest = connection.get();
    }
    if (!oldest)
        return false;
    qCInfo(lcSandboxHttp) << "closing the connection idle the longest to make room for a new "
                             "one: the limit of"
                          << m_limits.maxConnections << "connections is reached";
    closeGracefully(*oldest);
    return true;
}

bool HttpServer::takeHead(Connection &connection)
{
    if (!skipBlankLines(connection))
        return false;
    const qsizetype end = headerEnd(connection.buffer);
    if (end < 0 && connection.buffer.size() <= m_limits.maxHeaderBytes) {
        armHeadDeadline(connection);
        return false;
    }
    connection.headDeadline.stop();
    connection.blankLines = 0;
    if (end < 0 || end > m_limits.maxHeaderBytes) {
        reject(connection, 431,
               "the request line and headers exceed " +
                   QByteArray::number(m_limits.maxHeaderBytes) + " bytes");
        return false;
    }
    auto head = parseHead(connection.buffer.left(end), m_limits);
    connection.buffer.remove(0, end);
    if (!head.ok()) {
        reject(connection, head.error().status, head.error().reason);
        return false;
    }
    connection.head = std::move(head).value();
    return true;
}

// RFC 9112 §2.2: blank lines before a request line are ignored, up to a limit. False when
// there were too many (the request is then refused).
bool HttpServer::skipBlankLines(Connection &connection)
{
    QByteArray &buffer = connection.buffer;
    while (buffer.startsWith("\r\n") || buffer.startsWith('\n')) {
        buffer.remove(0, buffer.startsWith('\n') ? 1 : 2);
        if (++connection.blankLines <= m_limits.maxBlankLinesBeforeRequest)
            continue;
        qCInfo(lcSandboxHttp) << "refusing a request with 400: more than"
                              << m_limits.maxBlankLinesBeforeRequest
                              << "blank lines before its request line";
        connection.headDeadline.stop();
        reject(connection, 400,
               "more than " + QByteArray::number(m_limits.maxBlankLinesBeforeRequest) +
                   " blank lines before the request line");
        return false;
    }
    return true;
}

// The deadline counts from the first byte of a head, not from the latest one, so that a
// client trickling bytes cannot hold the connection.
void HttpServer::armHeadDeadline(Connection &connection)
{
    const bool started = !connection.buffer.isEmpty() || connection.blankLines > 0;
    if (started && !connection.headDeadline.isActive())
        connection.headDeadline.start();
}

void HttpServer::onHeadTimeout(quint64 id)
{
    Connection *connection = find(id);
    if (!connection || connection->closed || connection->lastRead || connection->head)
        return;
    qCInfo(lcSandboxHttp) << "closing a connection with 408: its request head was not complete"
                          << "within" << m_limits.headTimeout.count() << "ms";
    reject(*connection, 408,
           "the request line and headers did not arrive within " +
               QByteArray::number(qint64(m_limits.headTimeout.count())) + " ms");
}

bool HttpServer::takeBody(Connection &connection)
{
    const qsizetype length = connection.head->contentLength;
    if (connection.buffer.size() < length) {
        maybeSendContinue(connection);
        return false;
    }
    HttpRequest request = std::move(connection.head->request);
    const bool keepAlive = connection.head->keepAlive;
    connection.head.reset();
    request.body = connection.buffer.left(length);
    connection.buffer.remove(0, length);
    if (!keepAlive)
        connection.lastRead = true;
    dispatch(connection, std::move(request));
    return true;
}

void HttpServer::dispatch(Connection &connection, HttpRequest request)
{
    const quint64 sequence = connection.nextSequence++;
    connection.unanswered[sequence] = Unanswered{request.method == "HEAD", !connection.lastRead};
    const HttpResponder responder(this, connection.id, sequence);
    if (m_handler)
        m_handler(request, responder);
}

void HttpServer::reject(Connection &connection, int status, const QByteArray &reason)
{
    qCDebug(lcSandboxHttp) << "rejecting a request:" << status << reason;
    const quint64 sequence = connection.nextSequence++;
    connection.lastRead = true;
    connection.head.reset();
    connection.buffer.clear();
    connection.unanswered[sequence] = Unanswered{false, false};
    HttpResponse response;
    response.status = status;
    response.headers.append(HttpHeader{"Content-Type", "text/plain; charset=utf-8"});
    response.body = reason + '\n';
    deliver(connection.id, sequence, response);
}

// "100 Continue" only when every earlier request has been answered, so that it cannot slip
// in between the answers of pipelined requests.
void HttpServer::maybeSendContinue(Connection &connection)
{
    ParsedHead &head = *connection.head;
    if (!head.expectContinue || head.continueSent || !connection.unanswered.empty())
        return;
    head.continueSent = true;
    connection.socket->write(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
}

void HttpServer::deliver(quint64 id, quint64 sequence, const HttpResponse &response)
{
    Connection *connection = find(id);
    if (!connection || connection->closed)
        return;
    const auto it = connection->unanswered.find(sequence);
    if (it == connection->unanswered.end())
        return;
    const Unanswered request = it->second;
    connection->unanswered.erase(it);
    connection->ready[sequence] = {serialize(response, request.keepAlive, request.headMethod),
                                   !request.keepAlive};
    flushReady(*connection);
    if (!connection->closed)
        process(id); // answers free room for pipelined requests waiting in the buffer
}

void HttpServer::flushReady(Connection &connection)
{
    auto it = connection.ready.find(connection.nextToSend);
    while (it != connection.ready.end() && !connection.closed) {
        const auto [bytes, closeAfter] = it->second;
        connection.ready.erase(it);
        connection.socket->write(bytes);
        ++connection.nextToSend;
        connection.idleSince = ++m_activity;
        connection.idle.start();
        if (closeAfter) {
            closeGracefully(connection);
            return;
        }
        it = connection.ready.find(connection.nextToSend);
    }
}

void HttpServer::drop(quint64 id)
{
    Connection *connection = find(id);
    if (!connection || !connection->socket)
        return;
    connection->closed = true;
    connection->socket->abort();
    remove(id);
}

void HttpServer::onIdle(quint64 id)
{
    Connection *connection = find(id);
    // A request still waiting for its answer keeps the connection: the client decides how
    // long it waits.
    if (!connection || connection->closed || !connection->unanswered.empty())
        return;
    qCDebug(lcSandboxHttp) << "closing an idle connection";
    closeGracefully(*connection);
}

// disconnectFromHost() sends what is buffered first; it may emit disconnected() (and so
// remove the connection) before it returns, or leave that for later.
void HttpServer::closeGracefully(Connection &connection)
{
    connection.closed = true;
    connection.socket->disconnectFromHost();
    if (connection.socket && connection.socket->state() == QAbstractSocket::UnconnectedState)
        remove(connection.id);
}

void HttpServer::remove(quint64 id)
{
    Connection *connection = find(id);
    if (!connection)
        return;
    connection->closed = true;
    connection->idle.stop();
    connection->headDeadline.stop();
    if (connection->socket) {
        disconnect(connection->socket, nullptr, this, nullptr);
        connection->socket->deleteLater();
        connection->socket = nullptr;
    }
    QMetaObject::invokeMethod(
        this, [this, id] { m_connections.erase(id); }, Qt::QueuedConnection);
}

bool HttpServer::isPending(quint64 id, quint64 sequence) const
{
    const Connection *connection = find(id);
    return connection && !connection->closed && connection->unanswered.count(sequence) > 0;
}

HttpServer::Connection *HttpServer::find(quint64 id) const
{
    const auto it = m_connections.find(id);
    return it == m_connections.end() ? nullptr : it->second.get();
}

} // namespace thingdeck
