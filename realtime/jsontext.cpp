#include "realtime/jsontext.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

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

CodecResult<QJsonValue> read(QStringView text)
{
    // Qt's parser builds its containers through private API and beats anything built on the
    // public QJsonObject::insert by ~3x, so reading stays with it (nesting is capped at 1024).
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        return {CodecError::BadJson,
                QStringLiteral("%1 at offset %2").arg(error.errorString()).arg(error.offset)};
    return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
}

} // namespace crm::json
