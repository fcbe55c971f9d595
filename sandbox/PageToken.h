#pragma once

#include <QString>

#include <optional>

namespace thingdeck {

/// The opaque `nextToken` of the sandbox's list operations. It carries the name of the last
/// item of the previous page, so that the next page starts after that name: every item is
/// listed exactly once even when items are added or removed between pages (an index would
/// skip or repeat items then). Clients must treat it as opaque, as they do AWS's.
class PageToken
{
public:
    PageToken() = delete;

    static QString encode(const QString &lastName);
    /// The last name of the previous page; nullopt for a token the sandbox did not make.
    static std::optional<QString> decode(const QString &token);
};

} // namespace thingdeck
