#pragma once

// The base of the IoT client tests: the in-process sandbox REST endpoint of SandboxRestFixture
// with every request it receives recorded, and an IotEndpoints, RegistryClient and
// ShadowClient pointed at it.
#include "SandboxRestFixture.h"
#include "iot/IotEndpoints.h"
#include "iot/RegistryClient.h"
#include "iot/ShadowClient.h"

#include <QTest>

#include <memory>
#include <optional>

namespace thingdeck::test {

/// One request as the sandbox received it.
struct ReceivedRequest
{
    QString line;    ///< "GET /things?maxResults=50", the target as sent
    QString service; ///< the signing name of its Authorization header
    QByteArray body;
};

class IotClientFixture : public SandboxRestFixture
{
protected:
    void setUpClients()
    {
        setUp();
        m_received.clear();
        m_server->setHandler([this](const HttpRequest &request, HttpResponder responder) {
            m_received.append({QString::fromLatin1(request.method + ' ' + request.target),
                               signingService(request.header("authorization")), request.body});
            m_api->handle(request, responder);
        });
        m_endpoints = std::make_unique<IotEndpoints>(m_client.get(), sandboxTarget());
        m_registryClient = std::make_unique<RegistryClient>(m_endpoints.get());
        m_shadowClient = std::make_unique<ShadowClient>(m_endpoints.get());
    }

    void tearDownClients()
    {
        m_shadowClient.reset();
        m_registryClient.reset();
        m_endpoints.reset();
        tearDown();
    }

    /// Both planes on the sandbox's one endpoint, as AWS_ENDPOINT_URL would set them.
    IotEndpoints::Target sandboxTarget(const QString &profile = QStringLiteral("sandbox")) const
    {
        return IotEndpoints::Target{profile, region(), m_server->url(), m_server->url()};
    }

    int requestCount() const { return int(m_received.size()); }
    QStringList requestLines() const
    {
        QStringList lines;
        for (const ReceivedRequest &request : m_received)
            lines.append(request.line);
        return lines;
    }

    /// Starts a call with a callback and waits for its one answer.
    template<typename T, typename Start> Result<T, IotError> await(Start start)
    {
        std::optional<Result<T, IotError>> result;
        start(IotCallback<T>([&result](const Result<T, IotError> &r) { result = r; }));
        if (!QTest::qWaitFor([&result] { return result.has_value(); }, 20000))
            qFatal("no answer from the IoT client");
        return *result;
    }

    /// The value of a call that must succeed; marks the test failed otherwise.
    template<typename T> T valueOf(const Result<T, IotError> &result, const char *file, int line)
    {
        if (!result.ok()) {
            QTest::qFail(qPrintable(result.error().toString()), file, line);
            return T();
        }
        return result.value();
    }

    static ThingName thingName(const QString &text) { return ThingName::create(text).value(); }
    static ShadowName shadowName(const QString &text)
    {
        return text.isEmpty() ? ShadowName::classic() : ShadowName::create(text).value();
    }

    static QString signingService(const QByteArray &authorization)
    {
        const qsizetype start = authorization.indexOf("Credential=");
        const QString credential = QString::fromLatin1(authorization.mid(start));
        return credential.section(QLatin1Char(','), 0, 0).section(QLatin1Char('/'), 3, 3);
    }

    QList<ReceivedRequest> m_received;
    std::unique_ptr<IotEndpoints> m_endpoints;
    std::unique_ptr<RegistryClient> m_registryClient;
    std::unique_ptr<ShadowClient> m_shadowClient;
};

} // namespace thingdeck::test
