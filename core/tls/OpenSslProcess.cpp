#include "tls/OpenSslProcess.h"

#include <openssl/crypto.h>

namespace thingdeck {

void keepOpenSslStateUntilExit()
{
    OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
}

} // namespace thingdeck
