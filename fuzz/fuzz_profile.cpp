// The ~/.aws `config` and `credentials` parser, and AwsConfig on top of it. Fields: config
// text, credentials text. Properties: a parse error names the file and a line inside it;
// property names are lower case; sub-property blocks read without crashing; splitShellWords()
// gives back the same words for its words re-quoted; AwsConfig::load() of both files (through
// AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE) succeeds for every profile it lists.

#include "FuzzSupport.h"

#include "aws/AwsConfig.h"
#include "aws/ProfileFile.h"

#include <QFile>
#include <QTemporaryDir>

using namespace thingdeck;

namespace {

QTemporaryDir *scratch = nullptr;

void checkSections(const ProfileFile::Sections &sections)
{
    for (const ProfileFile::Properties &properties : sections) {
        for (auto it = properties.begin(); it != properties.end(); ++it) {
            FUZZ_CHECK(it.key() == it.key().toLower());
            if (ProfileFile::isSubPropertyBlock(it.value()))
                ProfileFile::subProperties(it.value());
        }
    }
}

// Lines as Python's universal newlines count them (\r\n, \r and \n each end one), which is
// how the AWS CLI, and so the parser, numbers them.
qsizetype lineCount(QString text)
{
    text.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    return text.count(u'\n') + text.count(u'\r') + 1;
}

std::optional<ProfileFile> parsed(const QString &text, ProfileFile::Kind kind)
{
    const auto result = ProfileFile::parse(text, kind, QStringLiteral("fuzzfile"));
    if (!result.ok()) {
        FUZZ_CHECK(result.error().file == QStringLiteral("fuzzfile"));
        FUZZ_CHECK(result.error().line >= 0 && result.error().line <= lineCount(text));
        FUZZ_CHECK(!result.error().message.isEmpty());
        return std::nullopt;
    }
    checkSections(result.value().profiles());
    checkSections(result.value().ssoSessions());
    checkSections(result.value().services());
    return result.value();
}

QString singleQuoted(QString word)
{
    return QLatin1Char('\'') + word.replace(QLatin1String("'"), QLatin1String("'\\''")) +
           QLatin1Char('\'');
}

void checkShellWords(const QString &text)
{
    const auto words = ProfileFile::splitShellWords(text);
    if (!words)
        return;
    QStringList quoted;
    for (const QString &word : *words)
        quoted.append(singleQuoted(word));
    FUZZ_CHECK(ProfileFile::splitShellWords(quoted.join(QLatin1Char(' '))) == words);
}

void write(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    FUZZ_CHECK(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(bytes);
}

void checkConfig(const QByteArray &config, const QByteArray &credentials)
{
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("HOME"), scratch->path());
    environment.insert(QStringLiteral("AWS_CONFIG_FILE"), scratch->filePath(QStringLiteral("c")));
    environment.insert(QStringLiteral("AWS_SHARED_CREDENTIALS_FILE"),
                       scratch->filePath(QStringLiteral("k")));
    write(scratch->filePath(QStringLiteral("c")), config);
    write(scratch->filePath(QStringLiteral("k")), credentials);
    const auto loaded = AwsConfig::load(environment);
    if (!loaded.ok())
        return;
    const AwsConfig &aws = loaded.value();
    aws.region();
    aws.caBundle();
    aws.ignoresConfiguredEndpointUrls();
    aws.endpointUrl(QStringLiteral("iot"));
    aws.endpointUrl(QStringLiteral("iot-data-plane"));
    const QStringList names = aws.profileNames();
    for (qsizetype i = 0; i < names.size() && i < 3; ++i)
        FUZZ_CHECK(AwsConfig::load(environment, names.at(i)).ok());
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    scratch = new QTemporaryDir();
    FUZZ_CHECK(scratch->isValid());
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> field = fuzz::fields(fuzz::input(data, size), 2);
    const QString configText = QString::fromUtf8(field.at(0));
    const auto config = parsed(configText, ProfileFile::Kind::Config);
    const auto credentials = parsed(QString::fromUtf8(field.at(1)), ProfileFile::Kind::Credentials);
    parsed(configText, ProfileFile::Kind::Credentials);
    if (config && credentials)
        ProfileFile::merge(*config, *credentials);
    checkShellWords(configText);
    checkConfig(field.at(0), field.at(1));
    return 0;
}
