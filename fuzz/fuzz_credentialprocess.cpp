// The stdout of a credential_process command. Properties: success means usable keys; a
// failure is ProcessOutputInvalid with a message that never quotes the secret parts of the
// output (stdout holds the secret).

#include "FuzzSupport.h"

#include "aws/CredentialProcess.h"

#include <QJsonDocument>
#include <QJsonObject>

using namespace thingdeck;

namespace {

constexpr qsizetype kRecognizable = 8; // shorter values may occur in a message by chance

// A secret value can also occur in the message's own fixed text (the fuzzer once set
// SessionToken to the example date the message gives), so a value found in the message is
// replaced by a marker and the output parsed again: the marker must not be quoted.
void checkNoSecretIn(const QString &message, const QByteArray &output)
{
    const QJsonObject object = QJsonDocument::fromJson(output).object();
    for (const char *key : {"SecretAccessKey", "SessionToken"}) {
        const QString secret = object.value(QLatin1String(key)).toString();
        if (secret.size() < kRecognizable || !message.contains(secret))
            continue;
        const QString marker = QStringLiteral("fuzz-marker-%1").arg(QLatin1String(key));
        QJsonObject changed = object;
        changed.insert(QLatin1String(key), marker);
        const auto again =
            CredentialProcess::parseOutput(QJsonDocument(changed).toJson(), QStringLiteral("fuzz"));
        FUZZ_CHECK(again.ok() || !again.error().message.contains(marker));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray output = fuzz::input(data, size);
    const auto outcome = CredentialProcess::parseOutput(output, QStringLiteral("fuzz"));
    if (outcome.ok()) {
        FUZZ_CHECK(outcome.value().isValid());
        return 0;
    }
    FUZZ_CHECK(outcome.error().kind == ConfigError::Kind::ProcessOutputInvalid);
    FUZZ_CHECK(!outcome.error().message.isEmpty());
    checkNoSecretIn(outcome.error().message, output);
    return 0;
}
