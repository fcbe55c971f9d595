#pragma once

#include <QString>

namespace thingdeck {

/// One thing wrong (or worth knowing) about the files of a CertificateSet. `message` is a
/// complete sentence for a person that names the file and, where there is one, the fix. It is
/// the only explanation users get: Paho's own TLS errors say nothing useful. Never contains the
/// passphrase or key material.
struct CertificateFinding
{
    enum class Severity {
        Error,   ///< connecting with these files cannot work
        Warning, ///< connecting may work, but something should be fixed
    };

    /// Which of the three files the finding is about (for highlighting the right field).
    enum class Role { CaFile, CertificateFile, PrivateKeyFile };

    enum class Problem {
        NotSet,             ///< no path given for a required file
        Missing,            ///< the path does not exist
        Unreadable,         ///< exists but cannot be read (permissions, a folder, too large)
        Empty,              ///< the file has no content
        NotPem,             ///< not PEM text (binary DER, or something else entirely)
        WrongContent,       ///< PEM, but not what belongs in this field (swapped files, ...)
        Damaged,            ///< a PEM block that cannot be parsed
        PassphraseRequired, ///< an encrypted key and no passphrase
        WrongPassphrase,    ///< an encrypted key the passphrase does not decrypt
        UnsupportedKey,     ///< neither an RSA nor an EC key
        KeyMismatch,        ///< the key does not belong to the certificate
        Expired,            ///< the certificate's validity has ended
        NotYetValid,        ///< the certificate's validity has not started
        ExpiresSoon,        ///< valid now, but not for long
        NotSignedByCa,      ///< the certificate is not issued by a CA of the CA file
        ChainInvalid,       ///< a chain exists but OpenSSL rejects it for another reason
        NotForClientAuth,   ///< the extended key usage excludes TLS client authentication
        KeyFileTooOpen,     ///< other users may read the private key
    };

    Severity severity = Severity::Error;
    Problem problem = Problem::NotSet;
    Role role = Role::CertificateFile;
    QString file; ///< the path concerned, as given
    QString message;

    bool isError() const { return severity == Severity::Error; }

    static CertificateFinding error(Problem problem, Role role, const QString &file,
                                    const QString &message)
    {
        return {Severity::Error, problem, role, file, message};
    }

    static CertificateFinding warning(Problem problem, Role role, const QString &file,
                                      const QString &message)
    {
        return {Severity::Warning, problem, role, file, message};
    }

    /// "CA file", "certificate file" or "private key file", for building sentences.
    static QString roleName(Role role)
    {
        switch (role) {
        case Role::CaFile:
            return QStringLiteral("CA file");
        case Role::CertificateFile:
            return QStringLiteral("certificate file");
        case Role::PrivateKeyFile:
            return QStringLiteral("private key file");
        }
        return {};
    }
};

} // namespace thingdeck
