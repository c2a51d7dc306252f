#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QStringView>

namespace crm::crdt {

// The largest integer a JavaScript peer reads exactly (lib0 refuses anything above it).
inline constexpr quint64 kMaxSafeInteger = (quint64(1) << 53) - 1;

// The text with each unpaired surrogate replaced by U+FFFD: what a JavaScript peer reads back
// from the UTF-8 of a string that held one.
QString withoutLoneSurrogates(QStringView text);

// Writes lib0's binary encoding, the one Yjs updates are made of: unsigned LEB128 integers,
// strings as their UTF-8 byte length followed by the bytes.
class BinaryWriter
{
public:
    void writeUint8(quint8 value) { m_bytes.append(char(value)); }
    void writeVarUint(quint64 value);
    // A lone surrogate is written as U+FFFD, as JavaScript's TextEncoder does, so both ends
    // agree on the bytes and on the length read back.
    void writeVarString(QStringView text);
    void writeBytes(QByteArrayView bytes) { m_bytes.append(bytes); }

    const QByteArray& bytes() const { return m_bytes; }
    QByteArray take() { return std::move(m_bytes); }

private:
    QByteArray m_bytes;
};

// Reads lib0's encoding without trusting it: every read checks the bytes left, integers stop at
// 2^53 - 1, strings must be valid UTF-8. The first failure sticks; later reads return zero
// values, so a caller reads a whole structure and checks failed() once.
class BinaryReader
{
public:
    explicit BinaryReader(QByteArrayView bytes) : m_bytes(bytes) {}
    // The reader only views its bytes: a temporary array would be gone before the first read.
    explicit BinaryReader(QByteArray&&) = delete;

    quint8 readUint8();
    quint64 readVarUint();
    QString readVarString();

    bool atEnd() const { return m_pos >= m_bytes.size(); }
    qsizetype position() const { return m_pos; }
    bool failed() const { return !m_error.isEmpty(); }
    const QString& error() const { return m_error; }
    // Marks the input bad for a reason the caller found (a length out of range, ...).
    void fail(const QString& why);

private:
    QByteArrayView m_bytes;
    qsizetype m_pos = 0;
    QString m_error;
};

} // namespace crm::crdt
