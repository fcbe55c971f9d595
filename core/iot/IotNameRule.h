#pragma once

#include <QChar>
#include <QString>

#include <optional>

namespace thingdeck {

/// How a text breaks an IotNameRule, without words: each caller states it in its own voice
/// (the console in sentences, the sandbox in AWS's validation wording).
struct IotNameViolation
{
    enum class Kind { TooShort, TooLong, BadCharacter };
    Kind kind{};
    QChar character; ///< the first character not allowed, for BadCharacter
};

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

    /// How `text` breaks the rule (the length first, then the first bad character), or
    /// nullopt when it does not.
    std::optional<IotNameViolation> violation(const QString &text) const;
    /// Why `text` breaks the rule, or an empty string when it does not.
    QString check(const QString &text) const;
};

/// thingName and thingTypeName: 1–128 of `[a-zA-Z0-9:_-]`.
inline constexpr IotNameRule kThingNameRule{"thing name", 1, 128, ":_-", "[a-zA-Z0-9:_-]+"};
inline constexpr IotNameRule kThingTypeNameRule{"thing type name", 1, 128, ":_-",
                                                "[a-zA-Z0-9:_-]+"};
/// thingGroupName (also a group's parent): 1–128 of `[a-zA-Z0-9:_-]`.
inline constexpr IotNameRule kThingGroupNameRule{"thing group name", 1, 128, ":_-",
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
