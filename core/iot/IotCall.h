#pragma once

#include "aws/AwsClient.h"
#include "iot/IotError.h"

#include <QMetaObject>
#include <QObject>

namespace thingdeck {

/// The plumbing RegistryClient, ShadowClient and IotEndpoints share: how a result reaches its
/// callback, and how an AWS answer becomes a typed value or an IotError.
class IotCall
{
public:
    IotCall() = delete;

    /// Reports a result known without a request (a refused argument, a cached answer) from
    /// the event loop, as AwsClient does, so that a callback never runs inside the call that
    /// started it. Nothing is reported if `context` is destroyed first.
    template<typename T>
    static void post(QObject *context, IotCallback<T> callback, Result<T, IotError> result)
    {
        QMetaObject::invokeMethod(
            context,
            [callback = std::move(callback), result = std::move(result)] { callback(result); },
            Qt::QueuedConnection);
    }

    /// Sends `request` and reports what `parse` (a `Result<T, QString>(const AwsResponse &)`)
    /// makes of the answer; a parse failure becomes an invalid-response error.
    template<typename T, typename Parse>
    static AwsClient::CallId send(AwsClient *client, const AwsRequest &request, QObject *context,
                                  IotCallback<T> callback, Parse parse)
    {
        const QString operation = request.describe();
        return client->send(request, context,
                            [callback = std::move(callback), parse = std::move(parse),
                             operation](const AwsClient::CallResult &result) {
                                if (!result.ok()) {
                                    callback(fail(IotError::fromAws(result.error())));
                                    return;
                                }
                                const Result<T, QString> parsed = parse(result.value());
                                if (!parsed.ok()) {
                                    callback(fail(IotError::invalidResponse(
                                        operation, result.value(), parsed.error())));
                                    return;
                                }
                                callback(parsed.value());
                            });
    }
};

} // namespace thingdeck
