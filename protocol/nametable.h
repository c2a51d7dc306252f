#pragma once

#include <array>
#include <optional>
#include <QLatin1StringView>
#include <QString>
#include <QStringView>
#include <utility>

namespace crm {

// An enum's wire names, written once as a table that both directions read.
template <typename Enum, std::size_t N>
using NameTable = std::array<std::pair<Enum, QLatin1StringView>, N>;

template <typename Enum, std::size_t N> QString nameIn(const NameTable<Enum, N>& table, Enum value)
{
    for (const auto& [known, name] : table) {
        if (known == value)
            return name;
    }
    return {};
}

template <typename Enum, std::size_t N>
std::optional<Enum> valueIn(const NameTable<Enum, N>& table, QStringView name)
{
    for (const auto& [value, known] : table) {
        if (name == known)
            return value;
    }
    return std::nullopt;
}

} // namespace crm
