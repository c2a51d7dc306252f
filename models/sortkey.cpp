#include "models/sortkey.h"

namespace crm {

namespace {

bool isEmptyValue(const QVariant& value)
{
    return !value.isValid() || value.isNull() ||
           (value.typeId() == QMetaType::QString && value.toString().isEmpty());
}

bool isNumber(const QVariant& value)
{
    switch (value.typeId()) {
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::LongLong:
    case QMetaType::ULongLong:
    case QMetaType::Double:
    case QMetaType::Bool:
        return true;
    default:
        return false;
    }
}

template <typename T> int threeWay(const T& x, const T& y)
{
    return x < y ? -1 : (y < x ? 1 : 0);
}

} // namespace

SortKey SortKey::of(const QVariant& value)
{
    if (isEmptyValue(value))
        return {};
    if (isNumber(value))
        return {Kind::Number, value.toDouble(), {}};
    return {Kind::Text, 0, value.toString().toCaseFolded()};
}

std::optional<int> SortKey::compare(const SortKey& a, const SortKey& b)
{
    if (a.kind == Kind::Empty || b.kind == Kind::Empty)
        return a.kind == b.kind ? 0 : (a.kind == Kind::Empty ? -1 : 1);
    if (a.kind != b.kind)
        return std::nullopt;
    if (a.kind == Kind::Number)
        return threeWay(a.number, b.number);
    return threeWay(a.folded, b.folded);
}

int SortKey::compareValues(const QVariant& a, const QVariant& b)
{
    if (const auto order = compare(of(a), of(b)))
        return *order;
    return threeWay(a.toString().toCaseFolded(), b.toString().toCaseFolded());
}

} // namespace crm
