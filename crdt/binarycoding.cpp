#include "crdt/binarycoding.h"

#include <QStringDecoder>

namespace crm::crdt {

namespace {

bool hasLoneSurrogate(QStringView text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i].isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate())
            ++i;
        else if (text[i].isSurrogate())
            return true;
    }
    return false;
}

} // namespace

QString withoutLoneSurrogates(QStringView text)
{
    QString clean = text.toString();
    for (qsizetype i = 0; i < clean.size(); ++i) {
        if (clean[i].isHighSurrogate() && i + 1 < clean.size() && clean[i + 1].isLowSurrogate())
            ++i;
        else if (clean[i].isSurrogate())
            clean[i] = QChar::ReplacementCharacter;
    }
    return clean;
}

void BinaryWriter::writeVarUint(quint64 value)
{
    while (value >= 0x80) {
        m_bytes.append(char(0x80 | (value & 0x7f)));
        value >>= 7;
    }
    m_bytes.append(char(value));
}

void BinaryWriter::writeVarString(QStringView text)
{
    // QString::toUtf8 would write a lone surrogate as '?'; JavaScript writes U+FFFD.
    const QByteArray utf8 =
        hasLoneSurrogate(text) ? withoutLoneSurrogates(text).toUtf8() : text.toUtf8();
    writeVarUint(quint64(utf8.size()));
    m_bytes.append(utf8);
}

void BinaryReader::fail(const QString& why)
{
    if (m_error.isEmpty())
        m_error = why;
    m_pos = m_bytes.size();
}

quint8 BinaryReader::readUint8()
{
    if (failed())
        return 0;
    if (atEnd()) {
        fail(QStringLiteral("truncated: a byte was expected at offset %1").arg(m_pos));
        return 0;
    }
    return quint8(m_bytes[m_pos++]);
}

quint64 BinaryReader::readVarUint()
{
    quint64 value = 0;
    for (int shift = 0; !failed(); shift += 7) {
        if (atEnd()) {
            fail(QStringLiteral("truncated: an integer runs past the end at offset %1").arg(m_pos));
            break;
        }
        const auto bits = quint64(quint8(m_bytes[m_pos]) & 0x7f);
        const bool more = quint8(m_bytes[m_pos++]) & 0x80;
        // Bits 53 and up would be lost by a JavaScript peer: refused, not rounded.
        if ((shift >= 56 && bits != 0) || (shift == 49 && bits >> 4 != 0) || shift > 63) {
            fail(QStringLiteral("an integer beyond 2^53 - 1 at offset %1").arg(m_pos - 1));
            break;
        }
        if (shift < 56)
            value |= bits << shift;
        if (!more)
            return value;
    }
    return 0;
}

QString BinaryReader::readVarString()
{
    const quint64 size = readVarUint();
    if (failed())
        return {};
    if (size > quint64(m_bytes.size() - m_pos)) {
        fail(QStringLiteral("truncated: a string of %1 bytes at offset %2 runs past the end")
                 .arg(size)
                 .arg(m_pos));
        return {};
    }
    const QByteArrayView utf8 = m_bytes.sliced(m_pos, qsizetype(size));
    m_pos += qsizetype(size);
    // Peers must agree on every string's length in UTF-16 units: invalid UTF-8 would be
    // repaired differently by each decoder, so it is refused, not repaired. A leading U+FEFF
    // is a character of the text (lib0 keeps it), not a byte-order mark to drop.
    QStringDecoder decode(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless |
                                                    QStringDecoder::Flag::ConvertInitialBom);
    QString text = decode(utf8);
    if (decode.hasError()) {
        fail(QStringLiteral("a string at offset %1 is not valid UTF-8")
                 .arg(m_pos - qsizetype(size)));
        return {};
    }
    return text;
}

} // namespace crm::crdt
