#include "tls/OpenSslChecks.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace thingdeck {
namespace {

struct OpenSslFree
{
    void operator()(X509 *p) const { X509_free(p); }
    void operator()(EVP_PKEY *p) const { EVP_PKEY_free(p); }
    void operator()(BIO *p) const { BIO_free(p); }
    void operator()(X509_STORE *p) const { X509_STORE_free(p); }
    void operator()(X509_STORE_CTX *p) const { X509_STORE_CTX_free(p); }
    void operator()(STACK_OF(X509) * p) const { sk_X509_pop_free(p, X509_free); }
};
template<typename T> using Owned = std::unique_ptr<T, OpenSslFree>;

using Outcome = OpenSslChecks::ChainVerdict::Outcome;

Owned<X509> toX509(const QSslCertificate &certificate)
{
    const QByteArray der = certificate.toDer();
    const auto *data = reinterpret_cast<const unsigned char *>(der.constData());
    return Owned<X509>(d2i_X509(nullptr, &data, long(der.size())));
}

// Hands the passphrase to OpenSSL. Passing our own callback (instead of none) also keeps OpenSSL
// from prompting on the terminal when an encrypted key comes without a passphrase.
int passphraseCallback(char *buffer, int size, int /*rwflag*/, void *userData)
{
    const auto *passphrase = static_cast<const QByteArray *>(userData);
    const int length = int(std::min<qsizetype>(passphrase->size(), size));
    std::memcpy(buffer, passphrase->constData(), size_t(length));
    return length;
}

Owned<EVP_PKEY> readPrivateKey(const QByteArray &pem, const QByteArray &passphrase)
{
    Owned<BIO> bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    QByteArray secret = passphrase; // shares the bytes; OpenSSL wants a non-const pointer
    Owned<EVP_PKEY> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, &passphraseCallback, &secret));
    ERR_clear_error();
    return key;
}

Owned<X509_STORE> storeOf(const QList<QSslCertificate> &cas)
{
    Owned<X509_STORE> store(X509_STORE_new());
    for (const QSslCertificate &ca : cas) {
        const Owned<X509> x509 = toX509(ca);
        if (x509)
            X509_STORE_add_cert(store.get(), x509.get()); // takes its own reference
    }
    return store;
}

Owned<STACK_OF(X509)> intermediatesOf(const QList<QSslCertificate> &chain)
{
    Owned<STACK_OF(X509)> stack(reinterpret_cast<STACK_OF(X509) *>(OPENSSL_sk_new_null()));
    for (qsizetype i = 1; i < chain.size(); ++i) {
        Owned<X509> x509 = toX509(chain.at(i));
        if (x509 && sk_X509_push(stack.get(), x509.get()) > 0)
            static_cast<void>(x509.release()); // the stack owns it now
    }
    return stack;
}

Outcome outcomeOf(int error)
{
    switch (error) {
    case X509_V_OK:
        return Outcome::Trusted;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        return Outcome::UnknownIssuer;
    default:
        return Outcome::Invalid;
    }
}

// Lets verification go on past validity-period errors, so that the chain is still built (and a
// currently valid issuer preferred, which X509_V_FLAG_NO_CHECK_TIME would not do).
int ignoreValidityPeriod(int ok, X509_STORE_CTX *context)
{
    const int error = X509_STORE_CTX_get_error(context);
    if (error == X509_V_ERR_CERT_HAS_EXPIRED || error == X509_V_ERR_CERT_NOT_YET_VALID)
        return 1;
    return ok;
}

QList<QSslCertificate> builtChain(X509_STORE_CTX *context)
{
    QList<QSslCertificate> chain;
    // sk_X509_value() is a macro with a C cast; the untyped stack functions avoid it.
    const auto *stack = reinterpret_cast<const OPENSSL_STACK *>(X509_STORE_CTX_get0_chain(context));
    for (int i = 0; stack && i < OPENSSL_sk_num(stack); ++i) {
        unsigned char *der = nullptr;
        const int length = i2d_X509(static_cast<X509 *>(OPENSSL_sk_value(stack, i)), &der);
        if (length <= 0)
            continue;
        chain.append(
            QSslCertificate(QByteArray(reinterpret_cast<const char *>(der), length), QSsl::Der));
        OPENSSL_free(der);
    }
    return chain;
}

} // namespace

OpenSslChecks::KeyMatch OpenSslChecks::compareKey(const QByteArray &keyPem,
                                                  const QByteArray &passphrase,
                                                  const QSslCertificate &certificate)
{
    const Owned<X509> x509 = toX509(certificate);
    const Owned<EVP_PKEY> key = readPrivateKey(keyPem, passphrase);
    if (!x509 || !key)
        return KeyMatch::Unknown;
    // EVP_PKEY_eq compares the public components; a key of another type gives -1.
    const bool same = EVP_PKEY_eq(X509_get0_pubkey(x509.get()), key.get()) == 1;
    ERR_clear_error();
    return same ? KeyMatch::Matches : KeyMatch::Differs;
}

QString OpenSslChecks::privateKeyType(const QByteArray &keyPem, const QByteArray &passphrase)
{
    const Owned<EVP_PKEY> key = readPrivateKey(keyPem, passphrase);
    const char *name = key ? EVP_PKEY_get0_type_name(key.get()) : nullptr;
    return name ? QString::fromLatin1(name) : QString();
}

OpenSslChecks::ChainVerdict OpenSslChecks::verifyChain(const QList<QSslCertificate> &chain,
                                                       const QList<QSslCertificate> &trustedCas)
{
    const Owned<X509> leaf = chain.isEmpty() ? Owned<X509>() : toX509(chain.first());
    if (!leaf)
        return {Outcome::Invalid, QStringLiteral("the certificate cannot be parsed"), {}};
    const Owned<X509_STORE> store = storeOf(trustedCas);
    const Owned<STACK_OF(X509)> intermediates = intermediatesOf(chain);
    const Owned<X509_STORE_CTX> context(X509_STORE_CTX_new());
    X509_STORE_CTX_init(context.get(), store.get(), leaf.get(), intermediates.get());
    X509_STORE_CTX_set_verify_cb(context.get(), &ignoreValidityPeriod);
    // The question is whether a CA of the file issued the certificate, so a chain may end at
    // any certificate of the file, an intermediate CA included.
    X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(context.get()),
                                X509_V_FLAG_PARTIAL_CHAIN);
    const bool verified = X509_verify_cert(context.get()) == 1;
    const int error = verified ? X509_V_OK : X509_STORE_CTX_get_error(context.get());
    ERR_clear_error();
    const Outcome outcome = outcomeOf(error);
    if (outcome == Outcome::Trusted)
        return {outcome, QString(), builtChain(context.get())};
    return {outcome, QString::fromLatin1(X509_verify_cert_error_string(error)), {}};
}

bool OpenSslChecks::allowsClientAuthentication(const QSslCertificate &certificate)
{
    const Owned<X509> x509 = toX509(certificate);
    const bool allowed = x509 && X509_check_purpose(x509.get(), X509_PURPOSE_SSL_CLIENT, 0) == 1;
    ERR_clear_error();
    return allowed;
}

} // namespace thingdeck
