// The sandbox's HTTP/1.1 request parser (request line, headers, framing), which is file-local
// to HttpServer.cpp and therefore compiled into this target. Input: the bytes a client sends.
// Properties of an accepted head: method a token, target origin-form or "*", version
// HTTP/1.0 or 1.1, header values without control characters and without surrounding
// whitespace, a Content-Length between 0 and the body limit; a rejection has a 4xx/5xx status
// and a reason. path() and query() cut the target at the first '?'.

#include "FuzzSupport.h"

// GCC's -Wsubobject-linkage objects to file-local types in HttpServer::Connection once that
// file is included rather than compiled on its own; here that is intended.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wsubobject-linkage"
#endif
#include "../sandbox/HttpServer.cpp"

using namespace thingdeck;

namespace {

void checkAccepted(const ParsedHead &head, const HttpServerLimits &limits)
{
    const HttpRequest &request = head.request;
    FUZZ_CHECK(isToken(request.method));
    FUZZ_CHECK(request.target.startsWith('/') || request.target == "*");
    FUZZ_CHECK(request.version == "HTTP/1.1" || request.version == "HTTP/1.0");
    for (const auto &[name, value] : request.headers) {
        FUZZ_CHECK(isToken(name) && !hasControlChar(value) && trimOws(value) == value);
        request.header(name.toUpper());
    }
    FUZZ_CHECK(head.contentLength >= 0 && head.contentLength <= limits.maxBodyBytes);
    const qsizetype q = request.target.indexOf('?');
    FUZZ_CHECK(request.path() + (q < 0 ? QByteArray() : '?' + request.query()) == request.target);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes = fuzz::input(data, size);
    HttpServerLimits limits;
    limits.maxBodyBytes = 4096;
    const qsizetype end = headerEnd(bytes);
    FUZZ_CHECK(end <= bytes.size());
    const auto head = parseHead(end < 0 ? bytes : bytes.left(end), limits);
    if (head.ok()) {
        checkAccepted(head.value(), limits);
        return 0;
    }
    FUZZ_CHECK(head.error().status >= 400 && head.error().status < 600);
    FUZZ_CHECK(!head.error().reason.isEmpty());
    return 0;
}
