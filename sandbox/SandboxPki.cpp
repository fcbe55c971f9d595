#include "SandboxPki.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSaveFile>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <memory>
#include <span>
#include <utility>

namespace thingdeck {
namespace {

Q_LOGGING_CATEGORY(lcSandboxPki, "thingdeck.sandbox", QtInfoMsg)

constexpr int validityDays = 3650;
// Certificates start an hour in the past so that a clock running slightly behind accepts them.
constexpr long backdateSeconds = 3600;
constexpr QFileDevice::Permissions privateFile = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions publicFile =
    privateFile | QFileDevice::ReadGroup | QFileDevice::ReadOther;

struct Extension
{
    int nid;
    const char *value;
};

constexpr std::array caExtensions{
    Extension{NID_basic_constraints, "critical,CA:TRUE"},
    Extension{NID_key_usage, "critical,keyCertSign,cRLSign"},
    Extension{NID_subject_key_identifier, "hash"},
};

constexpr std::array serverExtensions{
    Extension{NID_basic_constraints, "CA:FALSE"},
    Extension{NID_key_usage, "critical,digitalSignature"},
    Extension{NID_ext_key_usage, "serverAuth"},
    Extension{NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"},
    Extension{NID_subject_key_identifier, "hash"},
    Extension{NID_authority_key_identifier, "keyid:always"},
};

constexpr std::array clientExtensions{
    Extension{NID_basic_constraints, "CA:FALSE"},
    Extension{NID_key_usage, "critical,digitalSignature"},
    Extension{NID_ext_key_usage, "clientAuth"},
    Extension{NID_subject_key_identifier, "hash"},
    Extension{NID_authority_key_identifier, "keyid:always"},
};

struct OpenSslFree
{
    void operator()(EVP_PKEY *key) const { EVP_PKEY_free(key); }
    void operator()(EVP_PKEY_CTX *context) const { EVP_PKEY_CTX_free(context); }
    void operator()(X509 *certificate) const { X509_free(certificate); }
    void operator()(X509_EXTENSION *extension) const { X509_EXTENSION_free(extension); }
    void operator()(BIO *bio) const { BIO_free(bio); }
    void operator()(BIGNUM *number) const { BN_free(number); }
};

template<typename T> using Owned = std::unique_ptr<T, OpenSslFree>;

struct MadeLeaf
{
    QByteArray certificatePem;
    QByteArray keyPem;
    QString fingerprint;
};

// The newest OpenSSL error as text; the queue is emptied so that the next call starts clean.
QString opensslError()
{
    const unsigned long code = ERR_peek_last_error();
    const char *reason = code ? ERR_reason_error_string(code) : nullptr;
    ERR_clear_error();
    return reason ? QString::fromLatin1(reason) : QStringLiteral("unknown OpenSSL error");
}

QString writeProblem(const QString &fileName, const QString &reason)
{
    return QStringLiteral("cannot write %1: %2; choose a --state-dir you can write to")
        .arg(QDir::toNativeSeparators(fileName), reason);
}

// QDir::mkpath() gives no reason; the usual one is a file where a folder should be.
QString whyNoDirectory(const QString &directory)
{
    for (QFileInfo info(directory); !info.isRoot(); info = QFileInfo(info.path())) {
        if (info.isDir())
            return QStringLiteral("cannot create a folder in %1").arg(info.filePath());
        if (info.exists())
            return QStringLiteral("%1 is not a directory").arg(info.filePath());
    }
    return QStringLiteral("cannot create the folder");
}

// Atomic (QSaveFile): a crash never leaves half a key behind. The permissions are set on the
// temporary file, so a private key is never readable by others, not even for a moment.
std::optional<QString> writeFile(const QString &fileName, const QByteArray &bytes,
                                 QFileDevice::Permissions permissions, QStringList &written)
{
    QSaveFile file(fileName);
    if (!file.open(QIODevice::WriteOnly) || !file.setPermissions(permissions) ||
        file.write(bytes) != bytes.size() || !file.commit())
        return writeProblem(fileName, file.errorString());
    written.append(fileName);
    return std::nullopt;
}

// The key first: a crash between the two writes leaves a pair that does not match, which the
// next start detects and replaces.
std::optional<QString> writePair(const QString &certificateFile, const QString &keyFile,
                                 const MadeLeaf &leaf, QStringList &written)
{
    if (auto problem = writeFile(keyFile, leaf.keyPem, privateFile, written))
        return problem;
    return writeFile(certificateFile, leaf.certificatePem, publicFile, written);
}

Result<QByteArray, QString> readFile(const QString &fileName)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QStringLiteral("cannot read %1: %2").arg(fileName, file.errorString()));
    return file.readAll();
}

Owned<EVP_PKEY> generateKey()
{
    Owned<EVP_PKEY_CTX> context(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
    EVP_PKEY *key = nullptr;
    if (!context || EVP_PKEY_keygen_init(context.get()) <= 0 ||
        EVP_PKEY_CTX_set_group_name(context.get(), "P-256") <= 0 ||
        EVP_PKEY_generate(context.get(), &key) <= 0)
        return nullptr;
    return Owned<EVP_PKEY>(key);
}

bool setRandomSerial(X509 *certificate)
{
    Owned<BIGNUM> serial(BN_new());
    return serial && BN_rand(serial.get(), 128, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
           BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(certificate)) != nullptr;
}

bool setValidity(X509 *certificate)
{
    return X509_gmtime_adj(X509_getm_notBefore(certificate), -backdateSeconds) != nullptr &&
           X509_time_adj_ex(X509_getm_notAfter(certificate), validityDays, 0, nullptr) != nullptr;
}

// A null issuer makes the certificate self-signed (the CA).
bool setNames(X509 *certificate, const QString &commonName, X509 *issuer)
{
    X509_NAME *subject = X509_get_subject_name(certificate);
    const QByteArray name = commonName.toUtf8();
    const auto *bytes = reinterpret_cast<const unsigned char *>(name.constData());
    if (X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, bytes, -1, -1, 0) != 1)
        return false;
    return X509_set_issuer_name(certificate, issuer ? X509_get_subject_name(issuer) : subject) == 1;
}

bool addExtension(X509 *certificate, X509 *issuer, const Extension &extension)
{
    X509V3_CTX context{};
    X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
    Owned<X509_EXTENSION> made(
        X509V3_EXT_conf_nid(nullptr, &context, extension.nid, extension.value));
    return made && X509_add_ext(certificate, made.get(), -1) == 1;
}

bool addExtensions(X509 *certificate, X509 *issuer, std::span<const Extension> extensions)
{
    return std::all_of(extensions.begin(), extensions.end(), [&](const Extension &extension) {
        return addExtension(certificate, issuer, extension);
    });
}

// Null issuer and issuerKey: self-signed with `key`.
Owned<X509> makeCertificate(EVP_PKEY *key, const QString &commonName, X509 *issuer,
                            EVP_PKEY *issuerKey, std::span<const Extension> extensions)
{
    Owned<X509> certificate(X509_new());
    if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1 ||
        !setRandomSerial(certificate.get()) || !setValidity(certificate.get()) ||
        X509_set_pubkey(certificate.get(), key) != 1 ||
        !setNames(certificate.get(), commonName, issuer))
        return nullptr;
    if (!addExtensions(certificate.get(), issuer ? issuer : certificate.get(), extensions))
        return nullptr;
    if (X509_sign(certificate.get(), issuerKey ? issuerKey : key, EVP_sha256()) <= 0)
        return nullptr;
    return certificate;
}

QByteArray drain(BIO *bio)
{
    QByteArray bytes(qsizetype(BIO_ctrl_pending(bio)), Qt::Uninitialized);
    const int read = BIO_read(bio, bytes.data(), int(bytes.size()));
    bytes.resize(std::max(read, 0));
    return bytes;
}

QByteArray certificatePem(X509 *certificate)
{
    Owned<BIO> bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), certificate) != 1)
        return {};
    return drain(bio.get());
}

// PKCS#8, unencrypted: AWS hands out device keys the same way.
QByteArray keyPem(EVP_PKEY *key)
{
    Owned<BIO> bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return {};
    return drain(bio.get());
}

Owned<X509> parseCertificate(const QByteArray &pem)
{
    Owned<BIO> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    Owned<X509> certificate(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)
                                : nullptr);
    ERR_clear_error();
    return certificate;
}

// Without a callback OpenSSL would ask for a passphrase on the terminal and block the sandbox
// when someone replaced a key with an encrypted one; this callback declines instead.
int noPassphrase(char *, int, int, void *)
{
    return 0;
}

Owned<EVP_PKEY> parseKey(const QByteArray &pem)
{
    Owned<BIO> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    Owned<EVP_PKEY> key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassphrase, nullptr)
                            : nullptr);
    ERR_clear_error();
    return key;
}

// AWS IoT's certificate id: the SHA-256 of the DER certificate, in lowercase hex.
QString fingerprint(X509 *certificate)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (X509_digest(certificate, EVP_sha256(), digest.data(), &length) != 1)
        return {};
    const QByteArray bytes(reinterpret_cast<const char *>(digest.data()), qsizetype(length));
    return QString::fromLatin1(bytes.toHex());
}

bool isCertificateId(const QString &text)
{
    return text.size() == 64 && std::all_of(text.begin(), text.end(), [](QChar c) {
               return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f');
           });
}

bool notExpired(const X509 *certificate)
{
    return X509_cmp_current_time(X509_get0_notAfter(certificate)) > 0;
}

bool leafMatches(X509 *ca, EVP_PKEY *caKey, X509 *certificate, EVP_PKEY *key)
{
    const bool matches = X509_check_private_key(certificate, key) == 1 &&
                         X509_check_issued(ca, certificate) == X509_V_OK &&
                         X509_verify(certificate, caKey) == 1 && notExpired(certificate);
    ERR_clear_error();
    return matches;
}

// The certificate when both files exist and still fit the CA; null otherwise (made again).
Owned<X509> loadFittingLeaf(X509 *ca, EVP_PKEY *caKey, const QString &certificateFile,
                            const QString &keyFile)
{
    if (!QFile::exists(certificateFile) || !QFile::exists(keyFile))
        return nullptr;
    const auto certificateBytes = readFile(certificateFile);
    const auto keyBytes = readFile(keyFile);
    Owned<X509> certificate(certificateBytes ? parseCertificate(certificateBytes.value())
                                             : nullptr);
    Owned<EVP_PKEY> key(keyBytes ? parseKey(keyBytes.value()) : nullptr);
    if (certificate && key && leafMatches(ca, caKey, certificate.get(), key.get()))
        return certificate;
    qCInfo(lcSandboxPki) << certificateFile
                         << "does not match its key or the CA (or has expired); making it again";
    return nullptr;
}

Result<MadeLeaf, QString> makeLeaf(X509 *ca, EVP_PKEY *caKey, const QString &commonName,
                                   std::span<const Extension> extensions)
{
    Owned<EVP_PKEY> key = generateKey();
    Owned<X509> certificate =
        key ? makeCertificate(key.get(), commonName, ca, caKey, extensions) : nullptr;
    if (!certificate)
        return fail(
            QStringLiteral("cannot make a certificate for %1: %2").arg(commonName, opensslError()));
    return MadeLeaf{certificatePem(certificate.get()), keyPem(key.get()),
                    fingerprint(certificate.get())};
}

} // namespace

struct SandboxPki::Authority
{
    Owned<X509> certificate;
    Owned<EVP_PKEY> key;
};

struct SandboxPki::LeafSpec
{
    QString commonName;
    std::span<const Extension> extensions;
    QString certificateFile;
    QString keyFile;
};

SandboxPki::SandboxPki(QString directory)
    : m_directory(QDir::cleanPath(std::move(directory)))
{}

QString SandboxPki::serviceCertificateFile() const
{
    return path(serviceCommonName() + QStringLiteral("-certificate.pem.crt"));
}

QString SandboxPki::serviceKeyFile() const
{
    return path(serviceCommonName() + QStringLiteral("-private.pem.key"));
}

std::optional<QString> SandboxPki::certificateId(const QString &thingName) const
{
    const auto found = m_certificateIds.constFind(thingName);
    if (found == m_certificateIds.cend())
        return std::nullopt;
    return *found;
}

QString SandboxPki::deviceCertificateFile(const QString &thingName) const
{
    const auto id = certificateId(thingName);
    return id ? deviceCertificatePath(*id) : QString();
}

QString SandboxPki::deviceKeyFile(const QString &thingName) const
{
    const auto id = certificateId(thingName);
    return id ? deviceKeyPath(*id) : QString();
}

std::optional<QString> SandboxPki::certificateArn(const QString &thingName, const QString &region,
                                                  const QString &account) const
{
    const auto id = certificateId(thingName);
    if (!id)
        return std::nullopt;
    return QStringLiteral("arn:aws:iot:%1:%2:cert/%3").arg(region, account, *id);
}

std::optional<QString> SandboxPki::thingNameProblem(const QString &thingName)
{
    const auto allowed = [](QChar c) {
        return (c.unicode() < 128 && c.isLetterOrNumber()) || c == u':' || c == u'_' || c == u'-';
    };
    if (!thingName.isEmpty() && thingName.size() <= 128 &&
        std::all_of(thingName.begin(), thingName.end(), allowed))
        return std::nullopt;
    return QStringLiteral("'%1' is not a valid thing name: use 1 to 128 letters, digits, ':', "
                          "'_' or '-'")
        .arg(thingName);
}

Result<QStringList, QString> SandboxPki::ensure(const QStringList &thingNames)
{
    QElapsedTimer timer;
    timer.start();
    if (auto problem = validate(thingNames))
        return fail(*problem);
    if (auto problem = makeDirectory())
        return fail(*problem);
    if (auto problem = loadIndex())
        return fail(*problem);
    QStringList written;
    const auto ca = ensureAuthority(written);
    if (!ca)
        return fail(ca.error());
    for (const LeafSpec &spec : {serverSpec(), serviceSpec()}) {
        if (auto problem = ensureLeaf(ca.value(), spec, written))
            return fail(*problem);
    }
    if (auto problem = ensureDevices(ca.value(), thingNames, written))
        return fail(*problem);
    qCInfo(lcSandboxPki).nospace()
        << "certificates in " << m_directory << " ready in " << timer.elapsed() << " ms ("
        << written.size() << " files written)";
    return written;
}

QString SandboxPki::path(const QString &fileName) const
{
    return m_directory + u'/' + fileName;
}

QString SandboxPki::deviceCertificatePath(const QString &certificateId) const
{
    return path(certificateId + QStringLiteral("-certificate.pem.crt"));
}

QString SandboxPki::deviceKeyPath(const QString &certificateId) const
{
    return path(certificateId + QStringLiteral("-private.pem.key"));
}

SandboxPki::LeafSpec SandboxPki::serverSpec() const
{
    return {QStringLiteral("localhost"), serverExtensions, serverCertificateFile(),
            serverKeyFile()};
}

SandboxPki::LeafSpec SandboxPki::serviceSpec() const
{
    return {serviceCommonName(), clientExtensions, serviceCertificateFile(), serviceKeyFile()};
}

std::optional<QString> SandboxPki::validate(const QStringList &thingNames) const
{
    for (const QString &thingName : thingNames) {
        if (auto problem = thingNameProblem(thingName))
            return problem;
        if (thingName == serviceCommonName())
            return QStringLiteral("the thing name %1 is reserved for the sandbox's own MQTT "
                                  "connection; choose another name")
                .arg(thingName);
    }
    return std::nullopt;
}

std::optional<QString> SandboxPki::makeDirectory() const
{
    if (QDir().mkpath(m_directory))
        return std::nullopt;
    return writeProblem(caCertificateFile(), whyNoDirectory(m_directory));
}

// devices.json: {"version": 1, "things": {"<thing>": {"certificateId": "<64 hex>"}}}
std::optional<QString> SandboxPki::loadIndex()
{
    m_certificateIds.clear();
    if (!QFile::exists(indexFile()))
        return std::nullopt;
    const auto bytes = readFile(indexFile());
    if (!bytes)
        return bytes.error();
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(bytes.value(), &error);
    if (!document.isObject())
        return QStringLiteral("cannot read %1: it is not a JSON object (%2); delete it to make "
                              "new device certificates")
            .arg(indexFile(), error.errorString());
    const QJsonObject things = document.object().value(QLatin1String("things")).toObject();
    for (auto thing = things.begin(); thing != things.end(); ++thing) {
        const QString id =
            thing.value().toObject().value(QLatin1String("certificateId")).toString();
        if (isCertificateId(id) && !thingNameProblem(thing.key()))
            m_certificateIds.insert(thing.key(), id);
    }
    return std::nullopt;
}

std::optional<QString> SandboxPki::saveIndex(const QMap<QString, QString> &ids,
                                             QStringList &written) const
{
    QJsonObject things;
    for (auto id = ids.cbegin(); id != ids.cend(); ++id)
        things.insert(id.key(), QJsonObject{{QStringLiteral("certificateId"), id.value()}});
    const QJsonObject root{{QStringLiteral("version"), 1}, {QStringLiteral("things"), things}};
    return writeFile(indexFile(), QJsonDocument(root).toJson(), publicFile, written);
}

// A CA with only one of its two files cannot be repaired: making a new one silently would
// invalidate every certificate a user may have copied elsewhere, so the user decides.
Result<SandboxPki::Authority, QString> SandboxPki::ensureAuthority(QStringList &written) const
{
    const bool haveCertificate = QFile::exists(caCertificateFile());
    const bool haveKey = QFile::exists(caKeyFile());
    if (haveCertificate && haveKey)
        return loadAuthority();
    if (!haveCertificate && !haveKey)
        return createAuthority(written);
    return fail(QStringLiteral("%1 is missing, so the sandbox CA cannot be used; delete %2 to "
                               "make a new CA (all certificates will be made again)")
                    .arg(haveKey ? caCertificateFile() : caKeyFile(),
                         haveKey ? caKeyFile() : caCertificateFile()));
}

Result<SandboxPki::Authority, QString> SandboxPki::loadAuthority() const
{
    const auto certificateBytes = readFile(caCertificateFile());
    if (!certificateBytes)
        return fail(certificateBytes.error());
    const auto keyBytes = readFile(caKeyFile());
    if (!keyBytes)
        return fail(keyBytes.error());
    Authority ca{parseCertificate(certificateBytes.value()), parseKey(keyBytes.value())};
    const bool usable = ca.certificate && ca.key &&
                        X509_check_private_key(ca.certificate.get(), ca.key.get()) == 1 &&
                        X509_check_ca(ca.certificate.get()) != 0 &&
                        notExpired(ca.certificate.get());
    ERR_clear_error();
    if (!usable)
        return fail(QStringLiteral("%1 and %2 are not a usable CA (unreadable, mismatched or "
                                   "expired); delete both to make a new CA (all certificates "
                                   "will be made again)")
                        .arg(caCertificateFile(), caKeyFile()));
    return ca;
}

Result<SandboxPki::Authority, QString> SandboxPki::createAuthority(QStringList &written) const
{
    Authority ca{nullptr, generateKey()};
    if (ca.key)
        ca.certificate = makeCertificate(ca.key.get(), QStringLiteral("Thingdeck Sandbox CA"),
                                         nullptr, nullptr, caExtensions);
    if (!ca.certificate)
        return fail(QStringLiteral("cannot make the sandbox CA: %1").arg(opensslError()));
    const MadeLeaf files{certificatePem(ca.certificate.get()), keyPem(ca.key.get()), QString()};
    if (auto problem = writePair(caCertificateFile(), caKeyFile(), files, written))
        return fail(*problem);
    return ca;
}

std::optional<QString> SandboxPki::ensureLeaf(const Authority &ca, const LeafSpec &spec,
                                              QStringList &written) const
{
    if (loadFittingLeaf(ca.certificate.get(), ca.key.get(), spec.certificateFile, spec.keyFile))
        return std::nullopt;
    const auto made =
        makeLeaf(ca.certificate.get(), ca.key.get(), spec.commonName, spec.extensions);
    if (!made)
        return made.error();
    return writePair(spec.certificateFile, spec.keyFile, made.value(), written);
}

// The index is rewritten only when it changed, so a restart that reuses everything writes
// nothing at all.
std::optional<QString> SandboxPki::ensureDevices(const Authority &ca, const QStringList &thingNames,
                                                 QStringList &written)
{
    QMap<QString, QString> ids = m_certificateIds;
    for (const QString &thingName : thingNames) {
        const auto id = ensureDevice(ca, thingName, written);
        if (!id)
            return id.error();
        ids.insert(thingName, id.value());
    }
    if (ids == m_certificateIds && QFile::exists(indexFile()))
        return std::nullopt;
    if (auto problem = saveIndex(ids, written))
        return problem;
    m_certificateIds = ids;
    return std::nullopt;
}

Result<QString, QString> SandboxPki::ensureDevice(const Authority &ca, const QString &thingName,
                                                  QStringList &written) const
{
    const std::optional<QString> previousId = certificateId(thingName);
    if (previousId && deviceFits(ca, *previousId))
        return *previousId;
    const auto made = makeLeaf(ca.certificate.get(), ca.key.get(), thingName, clientExtensions);
    if (!made)
        return fail(made.error());
    const QString id = made.value().fingerprint;
    if (auto problem =
            writePair(deviceCertificatePath(id), deviceKeyPath(id), made.value(), written))
        return fail(*problem);
    if (previousId)
        removeDeviceFiles(*previousId);
    return id;
}

bool SandboxPki::deviceFits(const Authority &ca, const QString &certificateId) const
{
    const Owned<X509> certificate =
        loadFittingLeaf(ca.certificate.get(), ca.key.get(), deviceCertificatePath(certificateId),
                        deviceKeyPath(certificateId));
    return certificate && fingerprint(certificate.get()) == certificateId;
}

// The replaced pair is ours and useless now; failing to remove it is harmless.
void SandboxPki::removeDeviceFiles(const QString &certificateId) const
{
    QFile::remove(deviceCertificatePath(certificateId));
    QFile::remove(deviceKeyPath(certificateId));
}

} // namespace thingdeck
