#pragma once

#include <QByteArray>
#include <QList>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

// Shared by every fuzz target: a property check that aborts even with NDEBUG (so libFuzzer
// and the standalone runner both see the violation as a crash), and the splitting of one input
// into the several fields a target needs.

namespace thingdeck::fuzz {

[[noreturn]] inline void propertyViolated(const char *expression, const char *file, int line)
{
    std::fprintf(stderr, "%s:%d: fuzz property violated: %s\n", file, line, expression);
    std::abort();
}

/// The bytes libFuzzer hands over, as a QByteArray.
inline QByteArray input(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
}

/// The input cut at NUL bytes into at most `count` fields (the last keeps any further NULs);
/// missing fields are empty. NUL was chosen because seeds stay readable text and one byte is
/// easy for the mutator to insert or remove.
inline QList<QByteArray> fields(const QByteArray &bytes, qsizetype count)
{
    QList<QByteArray> out;
    qsizetype start = 0;
    while (out.size() + 1 < count) {
        const qsizetype nul = bytes.indexOf('\0', start);
        if (nul < 0)
            break;
        out.append(bytes.mid(start, nul - start));
        start = nul + 1;
    }
    out.append(bytes.mid(start));
    while (out.size() < count)
        out.append(QByteArray());
    return out;
}

} // namespace thingdeck::fuzz

#define FUZZ_CHECK(condition)                                                                      \
    ((condition) ? static_cast<void>(0)                                                            \
                 : ::thingdeck::fuzz::propertyViolated(#condition, __FILE__, __LINE__))
