#pragma once

#include <QString>

namespace thingdeck {

/// One of AWS IoT's rules for a name or a value (aws-iot.md §3, §4): a length range and a
/// character set of ASCII letters, digits and a few punctuation characters. Checking here,
/// with a sentence that names the offending character, saves a round trip that would end in
/// AWS's terse "failed to satisfy constraint".
struct IotNameRule
{
    const char *what;       ///< "thing name", for messages
    int minLength;          ///< in characters; all allowed characters are ASCII
    int maxLength;          ///< in characters
    const char *extraChars; ///< allowed besides [a-zA-Z0-9]
    const char *pattern;    ///< AWS's pattern, for messages

    /// Why `text` breaks the rule, or an empty string when it does not.
    QString check(const QString &text) const;
};

/// thingName and thingTypeName: 1–128 of `[a-zA-Z0-9:_-]`.
inline constexpr IotNameRule kThingNameRule{"thing name", 1, 128, ":_-", "[a-zA-Z0-9:_-]+"};
inline constexpr IotNameRule kThingTypeNameRule{"thing type name", 1, 128, ":_-",
                                                "[a-zA-Z0-9:_-]+"};
/// A named shadow's name: 1–64 of `[$a-zA-Z0-9:_-]`.
inline constexpr IotNameRule kShadowNameRule{"shadow name", 1, 64, "$:_-", "[$a-zA-Z0-9:_-]+"};
/// A thing attribute's name: 1–128 of `[a-zA-Z0-9_.,@/:#-]`.
inline constexpr IotNameRule kAttributeNameRule{"attribute name", 1, 128, "_.,@/:#-",
                                                "[a-zA-Z0-9_.,@/:#-]+"};
/// A thing attribute's value: 0–800 of `[a-zA-Z0-9_.,@/:#=\[\]-]`.
inline constexpr IotNameRule kAttributeValueRule{"attribute value", 0, 800, "_.,@/:#=[]-",
                                                 "[a-zA-Z0-9_.,@/:#=\\[\\]-]*"};

} // namespace thingdeck
