#pragma once

#include <type_traits>
#include <utility>
#include <variant>

namespace thingdeck {

/// Wraps an error so that a Result can be built from it even when T and E are the same type.
template<typename E> struct Failure
{
    E error;
};

template<typename E> Failure<std::decay_t<E>> fail(E &&error)
{
    return Failure<std::decay_t<E>>{std::forward<E>(error)};
}

/// A value or an error: the house replacement for exceptions (std::expected is C++23).
template<typename T, typename E> class Result
{
public:
    Result(T value)
        : m_state(std::in_place_index<0>, std::move(value))
    {}
    /// Accepts any failure whose error converts to E (e.g. a QStringBuilder expression).
    template<typename U, typename = std::enable_if_t<std::is_convertible_v<U, E>>>
    Result(Failure<U> failure)
        : m_state(std::in_place_index<1>, E(std::move(failure.error)))
    {}

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    const T &value() const & { return std::get<0>(m_state); }
    T &value() & { return std::get<0>(m_state); }
    T &&value() && { return std::get<0>(std::move(m_state)); }
    const E &error() const { return std::get<1>(m_state); }

private:
    std::variant<T, E> m_state;
};

} // namespace thingdeck
