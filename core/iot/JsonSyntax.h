#pragma once

#include "Result.h"

#include <QHash>
#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <optional>

namespace thingdeck {

/// Where and why a text is not a JSON object: 1-based line and column (columns counted in
/// characters of the QString, a tab counting 1), the 0-based character offset into the text, and
/// a sentence, e.g. "Line 3, column 14: a ',' or '}' is missing after the value." Also used for
/// valid JSON that is not an object ("Line 1, column 1: the desired state must be a JSON object.").
struct JsonSyntaxError
{
    int line = 0;
    int column = 0;
    int offset = 0;
    QString message;
    bool operator==(const JsonSyntaxError &) const = default;
};

/// Parses `text` as one JSON object: the object, or where it breaks. QJsonDocument decides;
/// its error becomes a plain sentence and its UTF-8 byte offset the character line/column of
/// the offending token (the key after a missing comma, the trailing comma itself, the opening
/// quote of an unclosed string, the last character when the text ends too early). Stricter
/// than Qt in one point: a string may not run over a line break (JSON forbids raw control
/// characters in strings, and AWS refuses them). Empty or whitespace-only text is an error at
/// 1:1 that names `what` ("the desired state is empty; type {} for none").
Result<QJsonObject, JsonSyntaxError>
parseJsonObject(const QString &text, const QString &what = QStringLiteral("the document"));

/// `object` as indented JSON with 2-space indentation and a final newline, keys in the order
/// QJsonObject keeps them (sorted). Empty objects and arrays are written `{}` and `[]`. Used by
/// Reformat and to show a section.
QString formatJsonObject(const QJsonObject &object);

/// The brackets of `text` that close each other, both ways: the offset of every `{`, `}`, `[`
/// and `]` outside strings mapped to the offset of its partner. A bracket closed by the wrong
/// kind, or never closed, has no entry: a mismatch is not a match.
QHash<int, int> matchJsonBrackets(const QString &text);

/// Where `path` (keys from the outermost object inward; a number indexes an array) is written
/// in `text`: the offset of the key's opening quote, or of an array element's first character.
/// When only the start of the path exists, where its deepest existing part is; nullopt when not
/// even the first key is there. Works on the tokens, so a text with errors elsewhere still
/// answers.
std::optional<int> locateJsonPath(const QString &text, const QStringList &path);

} // namespace thingdeck
