#include "iot/IotEndpoints.h"

#include "aws/AwsClient.h"
#include "aws/AwsConfig.h"
#include "iot/IotCall.h"

#include <QJsonObject>

namespace thingdeck {

namespace {

Result<QString, QString> endpointAddressOf(const AwsResponse &response)
{
    const QString address =
        response.json.object().value(QLatin1String("endpointAddress")).toString();
    if (address.isEmpty())
        return fail(QStringLiteral("no endpointAddress"));
    if (!QUrl(QStringLiteral("https://") + address, QUrl::StrictMode).isValid())
        return fail(QStringLiteral("the endpointAddress \"%1\" is not a host name").arg(address));
    return address;
}

} // namespace

Result<IotEndpoints::Target, ConfigError> IotEndpoints::Target::fromConfig(const AwsConfig &config)
{
    const auto control = config.endpointUrl(QStringLiteral("iot"));
    if (!control.ok())
        return fail(control.error());
    const auto data = config.endpointUrl(QStringLiteral("iot-data-plane"));
    if (!data.ok())
        return fail(data.error());
    return Target{config.profileName(), config.region(), control.value(), data.value()};
}

IotEndpoints::IotEndpoints(AwsClient *client, Target target, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_target(std::move(target))
{}

void IotEndpoints::setTarget(AwsClient *client, Target target)
{
    m_client = client;
    m_target = std::move(target);
}

Result<QUrl, IotError> IotEndpoints::controlPlaneUrl() const
{
    if (!m_target.controlPlane.isEmpty())
        return m_target.controlPlane;
    if (m_target.region.isEmpty())
        return fail(IotError::invalidArgument(
            QStringLiteral("No AWS region is set for profile \"%1\"; set AWS_REGION or the "
                           "profile's region.")
                .arg(m_target.profile)));
    // China's partition has its own domain (aws-iot.md §3).
    const QLatin1String domain(m_target.region.startsWith(QLatin1String("cn-")) ? "amazonaws.com.cn"
                                                                                : "amazonaws.com");
    return QUrl(QStringLiteral("https://iot.%1.%2").arg(m_target.region, domain));
}

void IotEndpoints::describeDataEndpoint(QObject *context, IotCallback<QString> callback)
{
    const Key current = key();
    if (const auto cached = m_addresses.find(current); cached != m_addresses.end()) {
        IotCall::post<QString>(context, std::move(callback), cached->second);
        return;
    }
    auto [waiting, isFirst] = m_waiting.try_emplace(current);
    waiting->second.push_back(Waiter{context, std::move(callback)});
    if (isFirst)
        askDescribeEndpoint(current);
}

void IotEndpoints::resolveDataPlane(QObject *context, IotCallback<QUrl> callback)
{
    if (!m_target.dataPlane.isEmpty()) {
        IotCall::post<QUrl>(context, std::move(callback), m_target.dataPlane);
        return;
    }
    describeDataEndpoint(context, [callback](const Result<QString, IotError> &address) {
        if (!address.ok())
            callback(fail(address.error()));
        else
            callback(QUrl(QStringLiteral("https://") + address.value()));
    });
}

void IotEndpoints::askDescribeEndpoint(const Key &key)
{
    const auto base = controlPlaneUrl();
    if (!base.ok()) {
        // Reported from the event loop, like every other outcome.
        QMetaObject::invokeMethod(
            this, [this, key, error = base.error()] { onDescribed(key, fail(error)); },
            Qt::QueuedConnection);
        return;
    }
    AwsRequest request;
    request.endpoint = base.value();
    request.signingService = QStringLiteral("iot");
    request.pathSegments = {QStringLiteral("endpoint")};
    request.query = {{QStringLiteral("endpointType"), QLatin1String(kDataEndpointType)}};
    IotCall::send<QString>(
        m_client, request, this,
        [this, key](const Result<QString, IotError> &result) { onDescribed(key, result); },
        endpointAddressOf);
}

void IotEndpoints::onDescribed(const Key &key, const Result<QString, IotError> &result)
{
    if (result.ok())
        m_addresses[key] = result.value();
    const auto it = m_waiting.find(key);
    if (it == m_waiting.end())
        return;
    // Taken out first: a callback may ask again, or switch the target.
    const std::vector<Waiter> waiters = std::move(it->second);
    m_waiting.erase(it);
    for (const Waiter &waiter : waiters) {
        if (waiter.context)
            waiter.callback(result);
    }
}

} // namespace thingdeck
