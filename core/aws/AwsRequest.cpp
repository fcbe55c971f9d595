#include "aws/AwsRequest.h"

namespace thingdeck {

namespace {

int defaultPort(const QString &scheme)
{
    return scheme == QLatin1String("http") ? 80 : 443;
}

QByteArray basePath(const QUrl &endpoint)
{
    QByteArray base = endpoint.path(QUrl::FullyEncoded).toUtf8();
    while (base.endsWith('/'))
        base.chop(1);
    return base;
}

} // namespace

QByteArray AwsRequest::wirePath() const
{
    QByteArray path = basePath(endpoint);
    for (const QString &segment : pathSegments)
        path += '/' + SigV4Signer::uriEncode(segment.toUtf8());
    return path.isEmpty() ? QByteArrayLiteral("/") : path;
}

QByteArray AwsRequest::wireQuery() const
{
    QByteArray out;
    for (const auto &[name, value] : query) {
        if (!out.isEmpty())
            out += '&';
        out += SigV4Signer::uriEncode(name.toUtf8()) + '=' + SigV4Signer::uriEncode(value.toUtf8());
    }
    return out;
}

QByteArray AwsRequest::hostHeader() const
{
    QByteArray host = endpoint.host(QUrl::FullyEncoded).toUtf8();
    if (host.contains(':'))
        host = '[' + host + ']';
    const int port = endpoint.port(defaultPort(endpoint.scheme()));
    if (port != defaultPort(endpoint.scheme()))
        host += ':' + QByteArray::number(port);
    return host;
}

QUrl AwsRequest::url() const
{
    QByteArray text = endpoint.scheme().toUtf8() + "://" + hostHeader() + wirePath();
    const QByteArray q = wireQuery();
    if (!q.isEmpty())
        text += '?' + q;
    return QUrl::fromEncoded(text, QUrl::StrictMode);
}

SigV4Request AwsRequest::toSigV4() const
{
    SigV4Request out;
    out.method = method;
    out.host = hostHeader();
    out.path = wirePath();
    out.query = wireQuery();
    if (!contentType.isEmpty())
        out.headers.append(HttpHeader{QByteArrayLiteral("Content-Type"), contentType});
    out.headers += headers;
    out.body = body;
    return out;
}

QString AwsRequest::describe() const
{
    return QString::fromLatin1(method) + QLatin1Char(' ') + QString::fromUtf8(wirePath());
}

} // namespace thingdeck
