#include "realtime/jsontext.h"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace crm;

namespace {

QString qtCompact(const QJsonValue& value)
{
    return QString::fromUtf8(value.isArray()
                                 ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                                 : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
}

} // namespace

TEST_CASE("JSON writer produces what QJsonDocument::Compact produces", "[json]")
{
    const QJsonObject record{
        {QStringLiteral("id"), QStringLiteral("6f1c2a9e-3b7d-4c1e-9a55-0d2f8e4b7c31")},
        {QStringLiteral("price"), 1249000},
        {QStringLiteral("negative"), -42},
        {QStringLiteral("rate"), 2.75},
        {QStringLiteral("tiny"), 1e-7},
        {QStringLiteral("big"), 9007199254740991.0},
        {QStringLiteral("huge"), 1.5e300},
        {QStringLiteral("flag"), true},
        {QStringLiteral("none"), QJsonValue::Null},
        {QStringLiteral("quote \" and \\ slash /"), QStringLiteral("line\nbreak\ttab\r\b\f")},
        {QStringLiteral("control"), QString(QChar(0x01)) + QChar(0x1f)},
        {QStringLiteral("unicode"), QStringLiteral("São Paulo – 東京 – 🏠")},
        {QStringLiteral("nested"),
         QJsonArray{QJsonArray{}, QJsonObject{}, QJsonArray{1, QJsonArray{2}}}},
    };
    const QJsonValue samples[] = {record, QJsonArray{QStringLiteral("escrow:updated"), record},
                                  QJsonArray{}, QJsonObject{}};
    for (const auto& sample : samples) {
        const QString ours = json::write(sample);
        INFO(ours.toStdString());
        CHECK(ours == qtCompact(sample));
        const auto back = json::read(ours);
        REQUIRE(back.ok());
        CHECK(back.value() == sample);
    }
}

TEST_CASE("JSON writer turns non-finite numbers into null, as JSON requires", "[json]")
{
    const QJsonArray values{std::numeric_limits<double>::quiet_NaN(),
                            std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<double>::infinity()};
    CHECK(json::write(values) == QStringLiteral("[null,null,null]"));
}

TEST_CASE("JSON writer keeps 64-bit integers exact", "[json]")
{
    const QJsonArray values{qint64(9007199254740993), std::numeric_limits<qint64>::max(),
                            std::numeric_limits<qint64>::min() + 1};
    CHECK(json::write(values) ==
          QStringLiteral("[9007199254740993,9223372036854775807,-9223372036854775807]"));
}

TEST_CASE("JSON reader refuses what is not a JSON array or object", "[json]")
{
    for (const auto text : {u"", u"   ", u"42", u"\"text\"", u"[1,]", u"{\"a\":}", u"[1] [2]",
                            u"{'a':1}", u"[NaN]", u"[\"unterminated]", u"{\"a\" 1}"}) {
        const auto result = json::read(text);
        INFO(QStringView(text).toString().toStdString());
        REQUIRE_FALSE(result.ok());
        CHECK(result.error() == CodecError::BadJson);
        CHECK(result.detail().contains(QStringLiteral("offset")));
    }
    QString deep = QString(2000, u'[') + QString(2000, u']');
    CHECK_FALSE(json::read(deep).ok()); // refused, not a stack overflow
}
