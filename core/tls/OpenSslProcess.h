#pragma once

namespace thingdeck {

/// Call first thing in main(). OpenSSL 3 frees every thread's state from an atexit handler;
/// a thread still running at exit (Paho's, Qt's network thread) then frees its own state
/// again when it ends: a double free, seen under ASan as a program exiting with status 1 after
/// doing its work. The operating system reclaims the memory of an exiting process anyway.
void keepOpenSslStateUntilExit();

} // namespace thingdeck
