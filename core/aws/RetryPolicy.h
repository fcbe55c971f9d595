#pragma once

#include "aws/AwsError.h"

#include <chrono>

namespace thingdeck {

/// The AWS SDKs' "standard" retry mode: at most `maxAttempts` attempts, retrying throttling,
/// 5xx and dropped connections (never other 4xx), after a full-jitter exponential backoff
/// capped at `maxBackoff`.
class RetryPolicy
{
public:
    int maxAttempts = 3;
    std::chrono::milliseconds baseDelay{1000};
    std::chrono::milliseconds maxBackoff{20000};

    /// Whether to try again after attempt number `attempt` (1-based) failed with `error`.
    bool shouldRetry(const AwsError &error, int attempt) const;

    /// Delay before the next attempt after attempt `attempt` failed; `random01` in [0, 1)
    /// is the jitter, passed in so that callers own the random source.
    std::chrono::milliseconds backoff(int attempt, double random01) const;
};

} // namespace thingdeck
