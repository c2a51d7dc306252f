#pragma once

// Catch2 prints Qt strings and byte arrays readably in a failed assertion (bytes as hex), not
// as "{?}" per element.
#include <catch2/catch.hpp>
#include <QByteArray>
#include <QString>

namespace Catch {

template <> struct StringMaker<QString>
{
    static std::string convert(const QString& text) { return '"' + text.toStdString() + '"'; }
};

template <> struct StringMaker<QByteArray>
{
    static std::string convert(const QByteArray& bytes) { return bytes.toHex().toStdString(); }
};

} // namespace Catch
