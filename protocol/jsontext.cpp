#include "protocol/jsontext.h"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <limits>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringEncoder>
#include <QVarLengthArray>
#include <string_view>

#if defined(__SSE2__) || defined(_M_X64)
#include <emmintrin.h>
#endif

namespace crm::json {

namespace {

void writeString(QStringView text, QString& out)
{
    static constexpr char16_t hex[] = u"0123456789abcdef";
    out.append(u'"');
    qsizetype runStart = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char16_t c = text[i].unicode();
        if (c >= 0x20 && c != u'"' && c != u'\\')
            continue;
        out.append(text.mid(runStart, i - runStart));
        runStart = i + 1;
        switch (c) {
        case u'"':
            out.append(u"\\\"");
            break;
        case u'\\':
            out.append(u"\\\\");
            break;
        case u'\b':
            out.append(u"\\b");
            break;
        case u'\f':
            out.append(u"\\f");
            break;
        case u'\n':
            out.append(u"\\n");
            break;
        case u'\r':
            out.append(u"\\r");
            break;
        case u'\t':
            out.append(u"\\t");
            break;
        default: {
            const char16_t escape[] = {u'\\', u'u', u'0', u'0', hex[(c >> 4) & 0xF], hex[c & 0xF]};
            out.append(QStringView(escape, 6));
        }
        }
    }
    out.append(text.mid(runStart));
    out.append(u'"');
}

void writeNumber(double value, QString& out)
{
    if (!std::isfinite(value)) {
        out.append(u"null"); // JSON has no NaN or infinity; QJsonDocument writes null too
        return;
    }
    // Integers that fit a qint64 never get here (write() prints them exactly); the rest take the
    // shortest form that reads back as the same double.
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
    out.append(QLatin1StringView(buffer, result.ptr - buffer));
}

// RFC 8259, exactly, before Qt builds anything: Qt's parser takes any character after a
// backslash as itself ("\]" reads as "]"), raw control characters, lone surrogate escapes and
// duplicate keys (keeping the last, but only where its mixed UTF-8 / UTF-16 key order lets it
// see them). Such text decodes, yet its re-encoding decodes to something else (issue 12).
// One linear pass, no recursion, no allocation unless an object has more than 32 keys in scope.
constexpr int kMaxDepth = 64; // nested arrays and objects; our payloads need fewer than 10

int hexValue(char16_t c)
{
    if (c >= u'0' && c <= u'9')
        return c - u'0';
    if (c >= u'a' && c <= u'f')
        return c - u'a' + 10;
    if (c >= u'A' && c <= u'F')
        return c - u'A' + 10;
    return -1;
}

// What a one-letter escape stands for, or 0 when RFC 8259 has no such escape.
char16_t shortEscape(char16_t letter)
{
    constexpr std::u16string_view letters = u"\"\\/bfnrt", meanings = u"\"\\/\b\f\n\r\t";
    const auto i = letters.find(letter);
    return i == letters.npos ? 0 : meanings[i];
}

// Skips plain string content (U+0020 and up but '"', '\\' and surrogates), eight characters a
// step where SSE2 is there (every x86-64): most of a payload is string content, and this keeps
// the strict check a small part of reading it.
const char16_t* skipPlain(const char16_t* p, const char16_t* end)
{
#if defined(__SSE2__) || defined(_M_X64)
    const __m128i quote = _mm_set1_epi16(u'"'), backslash = _mm_set1_epi16(u'\\');
    const __m128i lastControl = _mm_set1_epi16(0x1f);
    const __m128i surrogateBits = _mm_set1_epi16(static_cast<short>(0xf800));
    const __m128i surrogate = _mm_set1_epi16(static_cast<short>(0xd800));
    for (; end - p >= 8; p += 8) {
        const __m128i units = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const __m128i control = _mm_cmpeq_epi16(_mm_subs_epu16(units, lastControl),
                                                _mm_setzero_si128()); // units <= 0x1f
        const __m128i special = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi16(units, quote), _mm_cmpeq_epi16(units, backslash)),
            _mm_or_si128(control, _mm_cmpeq_epi16(_mm_and_si128(units, surrogateBits), surrogate)));
        if (const int mask = _mm_movemask_epi8(special))
            return p + std::countr_zero(static_cast<unsigned>(mask)) / 2;
    }
#endif
    while (p != end && *p >= 0x20 && *p != u'"' && *p != u'\\' && !QChar::isSurrogate(*p))
        ++p;
    return p;
}

// An object key as written between its quotes, and whether it holds escapes.
struct KeySpan
{
    const char16_t* begin;
    const char16_t* end;
    bool escaped;
};

// The next UTF-16 unit of a validated key, escapes decoded, so that "a" and "\u0061" compare
// equal, as the strings Qt builds from them do.
char16_t nextKeyUnit(const char16_t*& p)
{
    const char16_t c = *p++;
    if (c != u'\\')
        return c;
    if (*p != u'u')
        return shortEscape(*p++);
    char16_t unit = 0;
    for (const char16_t* const hex = ++p; p != hex + 4; ++p)
        unit = static_cast<char16_t>(unit << 4 | hexValue(*p));
    return unit;
}

int compareKeys(const KeySpan& a, const KeySpan& b)
{
    if (!a.escaped && !b.escaped)
        return std::u16string_view(a.begin, a.end - a.begin)
            .compare(std::u16string_view(b.begin, b.end - b.begin));
    const char16_t *x = a.begin, *y = b.begin;
    while (x != a.end && y != b.end) {
        const char16_t cx = nextKeyUnit(x), cy = nextKeyUnit(y);
        if (cx != cy)
            return cx < cy ? -1 : 1;
    }
    return x == a.end ? (y == b.end ? 0 : -1) : 1;
}

bool sameKey(const KeySpan& a, const KeySpan& b)
{
    if (!a.escaped && !b.escaped)
        return a.end - a.begin == b.end - b.begin &&
               std::equal(a.begin, a.end, b.begin); // the common case: unequal lengths
    return compareKeys(a, b) == 0;
}

class Validator
{
public:
    explicit Validator(QStringView text)
        : m_begin(text.utf16()), m_p(m_begin), m_end(m_begin + text.size())
    {}

    bool run();
    QString describe() const
    {
        return QStringLiteral("%1 at offset %2")
            .arg(QLatin1StringView(m_reason))
            .arg(m_at - m_begin);
    }
    const auto& leadingBoms() const { return m_leadingBoms; }

private:
    static bool isSpace(char16_t c) { return c == u' ' || c == u'\t' || c == u'\n' || c == u'\r'; }
    static bool isDigit(char16_t c) { return c >= u'0' && c <= u'9'; }
    bool fail(const char* reason, const char16_t* at)
    {
        m_reason = reason;
        m_at = at;
        return false;
    }
    void skipSpace()
    {
        while (m_p != m_end && isSpace(*m_p))
            ++m_p;
    }
    bool inObject() const { return (m_objects >> (m_depth - 1)) & 1; }
    int hex4(const char16_t* p) const;
    bool scanEscape(const char16_t*& p);
    bool scanString(bool* escaped);
    bool scanKey();
    bool scanNumber();
    bool scanLiteral();
    bool closeObject();

    const char16_t* const m_begin;
    const char16_t* m_p;
    const char16_t* const m_end;
    const char* m_reason = nullptr;
    const char16_t* m_at = nullptr;
    int m_depth = 0;
    quint64 m_objects = 0;             // bit d: the container at depth d is an object
    qsizetype m_keyStart[kMaxDepth]{}; // where each open object's keys start in m_keys
    QVarLengthArray<KeySpan, 32> m_keys;
    QVarLengthArray<const char16_t*, 4> m_leadingBoms; // strings that start with a raw U+FEFF
};

int Validator::hex4(const char16_t* p) const
{
    if (m_end - p < 4)
        return -1;
    int unit = 0;
    for (int i = 0; i < 4; ++i) {
        const int digit = hexValue(p[i]);
        if (digit < 0)
            return -1;
        unit = unit << 4 | digit;
    }
    return unit;
}

// `p` is at a backslash; on success it is past the escape (and past a low surrogate escape that
// completes a high one).
bool Validator::scanEscape(const char16_t*& p)
{
    const char16_t* const start = p;
    if (m_end - p < 2)
        return fail("escape sequence cut off by the end of the text", start);
    if (p[1] != u'u') {
        if (!shortEscape(p[1]))
            return fail("invalid escape sequence (RFC 8259 has only \\\" \\\\ \\/ \\b \\f \\n "
                        "\\r \\t and \\uXXXX)",
                        start);
        p += 2;
        return true;
    }
    const int unit = hex4(p + 2);
    if (unit < 0)
        return fail("invalid \\u escape: it needs four hex digits", start);
    p += 6;
    if (!QChar::isSurrogate(static_cast<char32_t>(unit)))
        return true;
    // A surrogate escape must be half of a pair: alone it is no character, and it could not
    // go back out as UTF-8.
    if (QChar::isHighSurrogate(static_cast<char32_t>(unit)) && m_end - p >= 6 && p[0] == u'\\' &&
        p[1] == u'u') {
        const int low = hex4(p + 2);
        if (low < 0)
            return fail("invalid \\u escape: it needs four hex digits", p);
        if (QChar::isLowSurrogate(static_cast<char32_t>(low))) {
            p += 6;
            return true;
        }
    }
    return fail("unpaired surrogate escape (a \\uD800-\\uDFFF escape must be half of a pair)",
                start);
}

// m_p is at the opening quote; on success it is past the closing one.
bool Validator::scanString(bool* escaped)
{
    const char16_t* p = m_p + 1;
    if (p != m_end && *p == 0xfeff)
        m_leadingBoms.append(p);
    for (;;) {
        p = skipPlain(p, m_end);
        if (p == m_end)
            return fail("string not closed before the end of the text", p);
        const char16_t c = *p;
        if (c == u'"')
            break;
        if (c < 0x20)
            return fail("control character in a string (U+0000 to U+001F must be escaped)", p);
        if (c == u'\\') {
            if (!scanEscape(p))
                return false;
            if (escaped)
                *escaped = true;
        } else { // a surrogate: it must be the high half of a pair
            if (!QChar::isHighSurrogate(c) || p + 1 == m_end || !QChar::isLowSurrogate(p[1]))
                return fail("unpaired UTF-16 surrogate in a string", p);
            p += 2;
        }
    }
    m_p = p + 1;
    return true;
}

// After '{' or ',' in an object: the key, then ':'.
bool Validator::scanKey()
{
    skipSpace();
    if (m_p == m_end)
        return fail("unexpected end of text where an object key belongs", m_p);
    if (*m_p != u'"')
        return fail("expected a string as object key", m_p);
    const char16_t* const open = m_p;
    bool escaped = false;
    if (!scanString(&escaped))
        return false;
    m_keys.append(KeySpan{open + 1, m_p - 1, escaped});
    skipSpace();
    if (m_p == m_end)
        return fail("unexpected end of text where ':' belongs", m_p);
    if (*m_p != u':')
        return fail("expected ':' after an object key", m_p);
    ++m_p;
    return true;
}

bool Validator::scanNumber()
{
    // number = [ "-" ] ( "0" / digit1-9 *DIGIT ) [ "." 1*DIGIT ] [ ( "e" / "E" ) [ "+" / "-" ]
    // 1*DIGIT ]. Its range is Qt's to check: it refuses what a double cannot hold.
    const char16_t* p = m_p;
    if (*p == u'-')
        ++p;
    if (p == m_end || !isDigit(*p))
        return fail("a number needs a digit after '-'", p);
    if (*p == u'0') {
        ++p;
        if (p != m_end && isDigit(*p))
            return fail("leading zero in a number", p);
    } else {
        while (p != m_end && isDigit(*p))
            ++p;
    }
    if (p != m_end && *p == u'.') {
        ++p;
        if (p == m_end || !isDigit(*p))
            return fail("a number needs a digit after '.'", p);
        while (p != m_end && isDigit(*p))
            ++p;
    }
    if (p != m_end && (*p == u'e' || *p == u'E')) {
        ++p;
        if (p != m_end && (*p == u'+' || *p == u'-'))
            ++p;
        if (p == m_end || !isDigit(*p))
            return fail("a number needs a digit in its exponent", p);
        while (p != m_end && isDigit(*p))
            ++p;
    }
    m_p = p;
    return true;
}

bool Validator::scanLiteral()
{
    for (const std::u16string_view literal : {u"true", u"false", u"null"}) {
        if (static_cast<size_t>(m_end - m_p) >= literal.size() &&
            std::equal(literal.begin(), literal.end(), m_p)) {
            m_p += literal.size();
            return true;
        }
    }
    return fail("expected a value (object, array, string, number, true, false or null)", m_p);
}

// The object at m_depth - 1 just ended: refuse duplicate keys, then forget its keys. Sibling
// objects may use the same keys, so only keys of one object are compared.
bool Validator::closeObject()
{
    const qsizetype start = m_keyStart[m_depth - 1];
    KeySpan* const first = m_keys.data() + start;
    KeySpan* const last = m_keys.data() + m_keys.size();
    const KeySpan* duplicate = nullptr;
    if (last - first <= 16) {
        for (const KeySpan* k = first + 1; k < last && !duplicate; ++k) {
            for (const KeySpan* j = first; j < k; ++j) {
                if (sameKey(*j, *k)) {
                    duplicate = k;
                    break;
                }
            }
        }
    } else {
        // Large objects: sort, then compare neighbours (n log n, however hostile the keys).
        std::sort(first, last, [](const KeySpan& a, const KeySpan& b) {
            const int order = compareKeys(a, b);
            return order < 0 || (order == 0 && a.begin < b.begin);
        });
        for (const KeySpan* k = first + 1; k < last; ++k) {
            if (compareKeys(k[-1], *k) == 0 && (!duplicate || k->begin < duplicate->begin))
                duplicate = k; // the later of the two; the earliest such one
        }
    }
    if (duplicate)
        return fail("duplicate key in an object", duplicate->begin - 1);
    m_keys.resize(start);
    --m_depth;
    return true;
}

bool Validator::run()
{
    skipSpace();
    if (m_p == m_end || (*m_p != u'[' && *m_p != u'{'))
        return fail("the payload must be a JSON array or object", m_p);
    for (;;) {
        // A value starts here.
        skipSpace();
        if (m_p == m_end)
            return fail("unexpected end of text where a value belongs", m_p);
        const char16_t c = *m_p;
        bool closed = true; // a complete value was scanned
        if (c == u'[' || c == u'{') {
            if (m_depth == kMaxDepth)
                return fail("nesting deeper than 64 arrays and objects", m_p);
            const bool object = c == u'{';
            m_objects = (m_objects & ~(quint64(1) << m_depth)) | (quint64(object) << m_depth);
            m_keyStart[m_depth] = m_keys.size();
            ++m_depth;
            ++m_p;
            skipSpace();
            if (m_p != m_end && *m_p == (object ? u'}' : u']')) {
                ++m_p;
                --m_depth; // empty: no keys to check
            } else {
                if (object && !scanKey())
                    return false;
                closed = false; // its first element or member value comes next
            }
        } else if (c == u'"') {
            if (!scanString(nullptr))
                return false;
        } else if (c == u'-' || isDigit(c)) {
            if (!scanNumber())
                return false;
        } else if (!scanLiteral()) {
            return false;
        }
        // After a value: close containers until a ',' asks for the next value.
        while (closed) {
            skipSpace();
            if (m_depth == 0) {
                if (m_p != m_end)
                    return fail("unexpected text after the JSON value", m_p);
                return true;
            }
            const bool object = inObject();
            if (m_p == m_end)
                return fail(object ? "unexpected end of text in an object"
                                   : "unexpected end of text in an array",
                            m_p);
            if (*m_p == u',') {
                ++m_p;
                if (object && !scanKey())
                    return false;
                closed = false;
            } else if (*m_p == (object ? u'}' : u']')) {
                ++m_p;
                if (object) {
                    if (!closeObject())
                        return false;
                } else {
                    --m_depth;
                }
            } else {
                return fail(object ? "expected ',' or '}' after an object member"
                                   : "expected ',' or ']' after an array element",
                            m_p);
            }
        }
    }
}

} // namespace

void write(const QJsonValue& value, QString& out)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        out.append(u"null");
        break;
    case QJsonValue::Bool:
        out.append(value.toBool() ? u"true" : u"false");
        break;
    case QJsonValue::Double: {
        // QJsonValue keeps integers as qint64 internally; use it so large ids stay exact.
        const qint64 integer = value.toInteger(std::numeric_limits<qint64>::min());
        if (integer != std::numeric_limits<qint64>::min())
            out.append(QString::number(integer));
        else
            writeNumber(value.toDouble(), out);
        break;
    }
    case QJsonValue::String:
        writeString(value.toString(), out);
        break;
    case QJsonValue::Array: {
        out.append(u'[');
        bool first = true;
        for (const auto& element : value.toArray()) {
            if (!first)
                out.append(u',');
            first = false;
            write(element, out);
        }
        out.append(u']');
        break;
    }
    case QJsonValue::Object: {
        const QJsonObject object = value.toObject();
        out.append(u'{');
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (it != object.begin())
                out.append(u',');
            writeString(it.key(), out);
            out.append(u':');
            write(it.value(), out);
        }
        out.append(u'}');
        break;
    }
    }
}

QString write(const QJsonValue& value)
{
    QString out;
    out.reserve(128);
    write(value, out);
    return out;
}

QString syntaxError(QStringView text)
{
    Validator validator(text);
    return validator.run() ? QString() : validator.describe();
}

CodecResult<QJsonValue> read(QStringView text)
{
    Validator validator(text);
    if (!validator.run())
        return {CodecError::BadJson, validator.describe()};
    // Qt's parser builds its containers through private API and beats anything built on the
    // public QJsonObject::insert by ~3x, so it builds what the validator let through. It keeps a
    // string without escapes as UTF-8 and reads it back with QString::fromUtf8, which drops a
    // leading U+FEFF as a byte order mark ("\uFEFFk" would become "k", even a duplicate key).
    // Written as an escape, that U+FEFF is kept.
    const auto& boms = validator.leadingBoms();
    QString escaped;
    if (!boms.isEmpty()) {
        const char16_t* from = text.utf16();
        for (const char16_t* bom : boms) {
            escaped.append(QStringView(from, bom)).append(u"\\ufeff");
            from = bom + 1;
        }
        escaped.append(QStringView(from, text.utf16() + text.size()));
    }
    // Qt's parser reads UTF-8. Encoding into a buffer on the stack spares toUtf8() its heap
    // block and shrinking realloc, which cost about as much as the whole RFC 8259 check.
    const QStringView source = boms.isEmpty() ? text : QStringView(escaped);
    QStringEncoder encoder(QStringEncoder::Utf8);
    QVarLengthArray<char, 2048> buffer(encoder.requiredSpace(source.size()));
    const char* const end = encoder.appendToBuffer(buffer.data(), source);
    const QByteArray utf8 = QByteArray::fromRawData(buffer.constData(), end - buffer.constData());
    QJsonParseError qtError{};
    const QJsonDocument doc = QJsonDocument::fromJson(utf8, &qtError);
    if (qtError.error != QJsonParseError::NoError) {
        // All Qt can still refuse is a number a double cannot hold (1e400, 1e-400: "illegal
        // number"). Qt counts UTF-8 bytes; report UTF-16 units like every other reason does.
        qsizetype offset = QString::fromUtf8(utf8.constData(), qtError.offset).size();
        for (const char16_t* bom : boms) {
            if (offset < bom - text.utf16() + 6)
                break;
            offset -= 5; // past this "\ufeff", which stands for one character of `text`
        }
        return {CodecError::BadJson,
                QStringLiteral("%1 at offset %2").arg(qtError.errorString()).arg(offset)};
    }
    return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
}

} // namespace crm::json
