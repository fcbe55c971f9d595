#pragma once

#include <QList>
#include <QStringView>

namespace thingdeck {

/// One lexical token of JSON text, found without parsing: what the highlighter colours, what
/// bracket matching pairs and what error messages quote. Positions are character offsets into
/// the text that was tokenized.
struct JsonToken
{
    enum class Kind {
        BeginObject,    ///< {
        EndObject,      ///< }
        BeginArray,     ///< [
        EndArray,       ///< ]
        NameSeparator,  ///< :
        ValueSeparator, ///< ,
        String,         ///< "…", escapes included; see `closed`
        Number,         ///< a number as JSON writes it (-1, 2.5e3)
        Literal,        ///< true, false or null
        Invalid,        ///< any other run of characters (metric, True, 01, 'x', 1.2.3)
    };

    Kind kind = Kind::Invalid;
    int start = 0;
    int length = 0;
    /// For strings: whether the closing quote was found. JSON strings cannot span lines, so an
    /// unclosed string ends at the end of its line (or of the text).
    bool closed = true;

    /// The offset just after the token.
    int end() const { return start + length; }
    bool operator==(const JsonToken &) const = default;

    /// The tokens of `text` in order; whitespace (space, tab, CR, LF) separates them.
    static QList<JsonToken> tokenize(QStringView text);
};

} // namespace thingdeck
