#include "aws/RetryPolicy.h"

#include <algorithm>
#include <cmath>

namespace thingdeck {

bool RetryPolicy::shouldRetry(const AwsError &error, int attempt) const
{
    return attempt < maxAttempts && error.isRetryable();
}

std::chrono::milliseconds RetryPolicy::backoff(int attempt, double random01) const
{
    // botocore: min(random * base * 2^(attempt-1), max_backoff)
    const double exponent = std::ldexp(1.0, std::clamp(attempt - 1, 0, 30));
    const double ceiling =
        std::min(double(baseDelay.count()) * exponent, double(maxBackoff.count()));
    const double jitter = std::clamp(random01, 0.0, 1.0);
    return std::chrono::milliseconds(qint64(ceiling * jitter));
}

} // namespace thingdeck
