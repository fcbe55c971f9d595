#pragma once

#include "Result.h"
#include "aws/ConfigError.h"
#include "iot/IotError.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QUrl>

#include <map>
#include <utility>
#include <vector>

namespace thingdeck {

class AwsClient;
class AwsConfig;

/// Where AWS IoT's two REST planes are for the current profile and region, and the AwsClient
/// that talks to them. The control plane is an endpoint override or
/// `https://iot.<region>.amazonaws.com`; the data plane is an override or
/// `https://<address>`, with the account's `iot:Data-ATS` address from DescribeEndpoint
/// (aws-iot.md §3, §4). DescribeEndpoint is asked once per (profile, region): the answer is
/// kept in memory, and callers that ask while the request is in flight share it.
class IotEndpoints : public QObject
{
    Q_OBJECT
public:
    /// The profile and region the endpoints are for, and the configured overrides.
    struct Target
    {
        QString profile;
        QString region;
        QUrl controlPlane; ///< override for the "iot" service; empty: derived from the region
        QUrl dataPlane;    ///< override for "iot-data-plane"; empty: from DescribeEndpoint

        /// The profile, region and endpoint URLs (AWS_ENDPOINT_URL_IOT,
        /// AWS_ENDPOINT_URL_IOT_DATA_PLANE, AWS_ENDPOINT_URL, the profile's settings) of a
        /// loaded configuration.
        static Result<Target, ConfigError> fromConfig(const AwsConfig &config);
    };

    /// The endpoint type asked of DescribeEndpoint: Amazon Trust Services certificates, what
    /// AWS "strongly recommends" (aws-iot.md §3).
    static constexpr const char *kDataEndpointType = "iot:Data-ATS";

    /// `client` must sign for `target.region` and outlive this object (or be replaced first).
    IotEndpoints(AwsClient *client, Target target, QObject *parent = nullptr);

    /// Moves to another profile or region with its client. Addresses already learned for
    /// other (profile, region) pairs are kept, so switching back asks nothing again.
    void setTarget(AwsClient *client, Target target);
    const Target &target() const { return m_target; }
    AwsClient *client() const { return m_client; }

    /// The control-plane base URL; InvalidArgument when there is neither an override nor a
    /// region to derive it from.
    Result<QUrl, IotError> controlPlaneUrl() const;
    /// The account's iot:Data-ATS address (a host name), from the cache or DescribeEndpoint.
    /// Asks even when a data-plane override is configured: this is what AWS answers.
    void describeDataEndpoint(QObject *context, IotCallback<QString> callback);
    /// The data-plane base URL: the override, else `https://` + describeDataEndpoint().
    void resolveDataPlane(QObject *context, IotCallback<QUrl> callback);

private:
    using Key = std::pair<QString, QString>; ///< profile, region
    struct Waiter
    {
        QPointer<QObject> context;
        IotCallback<QString> callback;
    };

    Key key() const { return {m_target.profile, m_target.region}; }
    void askDescribeEndpoint(const Key &key);
    void onDescribed(const Key &key, const Result<QString, IotError> &result);

    AwsClient *m_client;
    Target m_target;
    std::map<Key, QString> m_addresses;
    std::map<Key, std::vector<Waiter>> m_waiting; ///< keys with a DescribeEndpoint in flight
};

} // namespace thingdeck
