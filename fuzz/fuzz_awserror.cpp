// AWS error responses (JSON and XML bodies, error headers). Fields: status, headers
// ("name: value" lines), body. Properties: always a Service error with the given status and a
// sentence for a person; the code never keeps the ":…" suffix of x-amzn-ErrorType.

#include "FuzzSupport.h"

#include "aws/AwsError.h"

using namespace thingdeck;

namespace {

QList<HttpHeader> headersOf(const QByteArray &text)
{
    QList<HttpHeader> headers;
    for (const QByteArray &line : text.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    return headers;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> field = fuzz::fields(fuzz::input(data, size), 3);
    bool numeric = false;
    const int status = field.at(0).trimmed().left(3).toInt(&numeric);
    const int httpStatus = numeric ? status : 400;
    const QList<HttpHeader> headers = headersOf(field.at(1));
    const AwsError error = AwsError::fromResponse(httpStatus, headers, field.at(2));
    FUZZ_CHECK(error.kind == AwsError::Kind::Service);
    FUZZ_CHECK(error.httpStatus == httpStatus);
    FUZZ_CHECK(!error.toString().isEmpty());
    error.isThrottling();
    error.isRetryable();
    return 0;
}
