#include "protocol/jsontext.h"

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

// Strictness (issue 12 item 10): the reader accepts exactly RFC 8259 JSON, plus four limits of
// ours (no duplicate keys, no unpaired surrogates, nesting depth, finite doubles), so whatever
// it accepts re-encodes to text that reads back as the same value.
namespace {

// The fuzz frame from the issue: after UTF-8 replacement one key holds the invalid escape `\]`,
// and two keys then decode to the same string.
const QByteArray issueFrame = QByteArray::fromHex("34325b22222c7b22f48787875c5c223a312c22f4875d2"
                                                  "23a352c22f4875c5d223a307d5d");

// Checks that `text` is refused as BadJson and that the reason names what is wrong and where.
void checkRefused(const QString& text, const QString& reason)
{
    INFO(text.toStdString());
    const auto result = json::read(text);
    REQUIRE_FALSE(result.ok());
    INFO(result.detail().toStdString());
    CHECK(result.error() == CodecError::BadJson);
    CHECK(result.detail().contains(reason));
    CHECK(result.detail().contains(QStringLiteral("offset")));
}

QString wrapped(const QString& inner)
{
    return QStringLiteral("[\"") + inner + QStringLiteral("\"]");
}

// Reads `text`, which must be accepted, and checks that its re-encoding reads back equal.
QJsonValue accepted(const QString& text)
{
    INFO(text.toStdString());
    const auto result = json::read(text);
    INFO(result.detail().toStdString());
    REQUIRE(result.ok());
    const QString again = json::write(result.value());
    INFO(again.toStdString());
    const auto back = json::read(again);
    REQUIRE(back.ok());
    CHECK(back.value() == result.value());
    return result.value();
}

} // namespace

TEST_CASE("JSON reader refuses the issue 12 fuzz frame", "[json][strict]")
{
    REQUIRE(issueFrame.size() == 36);
    const QString frame = QString::fromUtf8(issueFrame);
    REQUIRE(frame.startsWith(QStringLiteral("42[")));
    checkRefused(frame.mid(2), QStringLiteral("escape"));
    // The same frame with the escape fixed still has two keys "\uFFFD]": a duplicate.
    QString fixed = frame.mid(2);
    fixed.replace(QStringLiteral("\\]"), QStringLiteral("]"));
    checkRefused(fixed, QStringLiteral("duplicate key"));
    // ...and with distinct keys it is accepted and round-trips.
    fixed.replace(QStringLiteral("]\":0"), QStringLiteral("]]\":0"));
    const auto value = accepted(fixed);
    CHECK(value.toArray().at(1).toObject().size() == 3);
}

TEST_CASE("JSON reader accepts exactly the RFC 8259 escapes", "[json][strict]")
{
    const auto value =
        accepted(QStringLiteral(R"(["\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\ud83c\udfe0\u0000"])"));
    const QString expected = QStringLiteral("\"\\/\b\f\n\r\tAé€🏠") + QChar(0);
    CHECK(value.toArray().at(0).toString() == expected);

    for (const auto escape :
         {u"\\]", u"\\x41", u"\\'", u"\\a", u"\\0", u"\\ ", u"\\U0041", u"\\u", u"\\u12",
          u"\\u12G4", u"\\u-123", u"\\u 123", u"\\u{41}", u"\\\u00e9"})
        checkRefused(wrapped(QStringView(escape).toString()), QStringLiteral("escape"));
    // An escape cut off by the end of the text.
    checkRefused(QStringLiteral("[\"\\"), QStringLiteral("escape"));
    checkRefused(QStringLiteral("[\"\\u00"), QStringLiteral("escape"));
    // Escapes in keys are held to the same rule.
    checkRefused(QStringLiteral(R"({"a\]":1})"), QStringLiteral("escape"));
}

TEST_CASE("JSON reader refuses raw control characters in strings", "[json][strict]")
{
    for (char16_t c = 0; c < 0x20; ++c) {
        checkRefused(wrapped(QStringLiteral("a") + QChar(c) + QStringLiteral("b")),
                     QStringLiteral("control character"));
        checkRefused(QStringLiteral("{\"") + QChar(c) + QStringLiteral("\":1}"),
                     QStringLiteral("control character"));
    }
    // DEL, C1 controls, U+FFFD and noncharacters are plain characters to RFC 8259.
    const QString plain = QString(QChar(0x7f)) + QChar(0x85) + QChar(0x9f) + QChar(0xfffd) +
                          QChar(0xfffe) + QChar(0xffff) + QChar(0xfdd0) + QChar(0x2028);
    CHECK(accepted(wrapped(plain)).toArray().at(0).toString() == plain);
}

TEST_CASE("JSON reader refuses unpaired surrogates, escaped or raw", "[json][strict]")
{
    for (const auto text : {u"\\ud800", u"\\udc00", u"\\udbff\\u0041", u"\\ud800x", u"\\ud800\\n",
                            u"\\udc00\\ud800", u"\\ud800\\ud800", u"\\uDFFF"})
        checkRefused(wrapped(QStringView(text).toString()), QStringLiteral("surrogate"));
    checkRefused(QStringLiteral("[\"\\ud800"), QStringLiteral("surrogate"));
    const QChar high(0xd83c), low(0xdfe0);
    checkRefused(wrapped(QString(high)), QStringLiteral("surrogate"));
    checkRefused(wrapped(QString(low)), QStringLiteral("surrogate"));
    checkRefused(wrapped(QString(low) + high), QStringLiteral("surrogate"));
    checkRefused(QStringLiteral("[\"") + high, QStringLiteral("surrogate"));
    // Pairs are fine, escaped (either case) or raw.
    CHECK(accepted(wrapped(QStringLiteral("\\uD83C\\uDFE0"))).toArray().at(0) ==
          QStringLiteral("🏠"));
    CHECK(accepted(wrapped(QString(high) + low)).toArray().at(0) == QStringLiteral("🏠"));
    CHECK(accepted(wrapped(QStringLiteral("\\udbff\\udfff"))).toArray().at(0).toString().size() ==
          2);
}

TEST_CASE("JSON reader keeps a U+FEFF that starts a string", "[json][strict]")
{
    // Qt 6.4 alone drops it (it reads such strings back with QString::fromUtf8, which takes it
    // for a byte order mark), turning "\uFEFFk" into "k", even into a duplicate key.
    const QString bom(QChar(0xfeff));
    const auto value = accepted(QStringLiteral("[\"") + bom + QStringLiteral("a\",{\"") + bom +
                                QStringLiteral("k\":1,\"k\":2},\"") + bom + QStringLiteral("\"]"));
    const QJsonArray array = value.toArray();
    CHECK(array.at(0).toString() == bom + QStringLiteral("a"));
    CHECK(array.at(1).toObject().size() == 2);
    CHECK(array.at(1).toObject().value(bom + QStringLiteral("k")) == 1);
    CHECK(array.at(2).toString() == bom);
    CHECK(accepted(wrapped(QStringLiteral("a") + bom)).toArray().at(0) ==
          QStringLiteral("a") + bom);
    // Offsets stay in units of the text read, however the text was handed to Qt.
    const auto plain = json::read(QStringLiteral("[\"\",1e400]"));
    const auto withBom = json::read(QStringLiteral("[\"") + bom + QStringLiteral("\",1e400]"));
    REQUIRE_FALSE(plain.ok());
    REQUIRE_FALSE(withBom.ok());
    CHECK(withBom.detail() ==
          QString(plain.detail()).replace(QStringLiteral("offset 9"), QStringLiteral("offset 10")));
}

TEST_CASE("JSON reader takes numbers in RFC 8259 form that fit a double", "[json][strict]")
{
    const auto value = accepted(QStringLiteral(
        "[0,-0,1,-1,10,0.5,-0.25,1e5,1E+5,1e-5,2.5E-3,0e0,-0.0e-0,1.7976931348623157e308,"
        "5e-324,9223372036854775807,123456789012345678901234567890]"));
    const QJsonArray array = value.toArray();
    REQUIRE(array.size() == 17);
    CHECK(array.at(5).toDouble() == 0.5);
    CHECK(array.at(7).toDouble() == 1e5);
    CHECK(array.at(9).toDouble() == 1e-5);
    CHECK(array.at(13).toDouble() == std::numeric_limits<double>::max());
    CHECK(array.at(14).toDouble() == std::numeric_limits<double>::denorm_min());
    CHECK(array.at(15).toInteger() == std::numeric_limits<qint64>::max());

    for (const auto text :
         {u"[01]",        u"[-01]",   u"[00]",     u"[+1]",     u"[.5]",     u"[-.5]",
          u"[1.]",        u"[1.e5]",  u"[1e]",     u"[1e+]",    u"[1E-]",    u"[-]",
          u"[--1]",       u"[- 1]",   u"[0x10]",   u"[1_000]",  u"[NaN]",    u"[Infinity]",
          u"[-Infinity]", u"[1e400]", u"[-1e400]", u"[1e-400]", u"[\u0661]", u"[\uff11]"})
        checkRefused(QStringView(text).toString(), QString());
    checkRefused(QStringLiteral("[01]"), QStringLiteral("leading zero"));
    checkRefused(QStringLiteral("[1e400]"), QStringLiteral("number"));
}

TEST_CASE("JSON reader refuses what RFC 8259 leaves out", "[json][strict]")
{
    CHECK(accepted(QStringLiteral("[true,false,null]")) ==
          QJsonArray{true, false, QJsonValue::Null});
    // Whitespace is space, tab, LF and CR, anywhere between tokens.
    CHECK(
        accepted(QStringLiteral(" \t\r\n{ \"a\" : [ 1 , 2 ] , \"b\" :\n{ } }\r\n ")) ==
        QJsonObject{{QStringLiteral("a"), QJsonArray{1, 2}}, {QStringLiteral("b"), QJsonObject{}}});

    for (const auto text : {u"[True]",      u"[nul]",
                            u"[nulls]",     u"[undefined]",
                            u"[tru]",       u"[fals]",
                            u"[1,]",        u"{\"a\":1,}",
                            u"[,1]",        u"[1,,2]",
                            u"{,}",         u"[1 2]",
                            u"{\"a\" 1}",   u"{\"a\":1 \"b\":2}",
                            u"{\"a\"}",     u"{\"a\":}",
                            u"['a']",       u"{'a':1}",
                            u"{a:1}",       u"{1:1}",
                            u"[1 /* c */]", u"[1] // c",
                            u"[1]#",        u"[1]]",
                            u"{}}",         u"[}",
                            u"{]",          u"[1] [2]",
                            u"[1]x",        u"\ufeff[1]",
                            u"[1]\ufeff",   u"\u000b[1]",
                            u"[\u000c1]",   u"[\u00a01]",
                            u"[1\u2028]",   u"[\u3000]"})
        checkRefused(QStringView(text).toString(), QString());
    for (const auto text : {u"", u"  ", u"1", u"\"text\"", u"null", u"true"})
        checkRefused(QStringView(text).toString(), QStringLiteral("array or object"));
    for (const auto text : {u"[", u"[1", u"[1,", u"{", u"{\"a\"", u"{\"a\":", u"{\"a\":1", u"[\"a"})
        checkRefused(QStringView(text).toString(), QStringLiteral("end"));
}

TEST_CASE("JSON reader refuses duplicate keys in an object", "[json][strict]")
{
    checkRefused(QStringLiteral(R"({"a":1,"a":2})"), QStringLiteral("duplicate key"));
    checkRefused(QStringLiteral(R"({"a":1,"b":2,"a":1})"), QStringLiteral("duplicate key"));
    checkRefused(QStringLiteral(R"({"a":1,"\u0061":2})"), QStringLiteral("duplicate key"));
    checkRefused(QStringLiteral(R"({"\/":1,"/":2})"), QStringLiteral("duplicate key"));
    checkRefused(QStringLiteral(R"({"\ud83c\udfe0":1,"🏠":2})"), QStringLiteral("duplicate key"));
    checkRefused(QStringLiteral(R"(["x",{"k":{"k":1,"j":[{"k":1,"k":1}]}}])"),
                 QStringLiteral("duplicate key"));
    // The offset names the second occurrence.
    const auto result = json::read(QStringLiteral(R"({"a":1,"a":2})"));
    REQUIRE_FALSE(result.ok());
    CHECK(result.detail().endsWith(QStringLiteral("offset 7")));

    // Equal keys in different objects, and keys that only share a prefix, are no duplicates.
    accepted(QStringLiteral(R"([{"a":1},{"a":2},{"a":{"a":{"a":3}}}])"));
    accepted(QStringLiteral(R"({"a":1,"a\u0000":2,"ab":3,"A":4,"\u00e9":5,"e\u0301":6})"));

    // Large objects: every key distinct is accepted; one repeated key among many is found.
    QString big = QStringLiteral("{");
    for (int i = 0; i < 2000; ++i)
        big += QStringLiteral("\"k%1\":%1,").arg(i);
    accepted(big + QStringLiteral("\"last\":0}"));
    checkRefused(big + QStringLiteral("\"k1234\":0}"), QStringLiteral("duplicate key"));
    checkRefused(big + QStringLiteral("\"k\\u0031234\":0}"), QStringLiteral("duplicate key"));
}

TEST_CASE("JSON reader bounds nesting at 64 levels", "[json][strict]")
{
    accepted(QString(64, u'[') + QString(64, u']'));
    checkRefused(QString(65, u'[') + QString(65, u']'), QStringLiteral("nesting"));
    QString objects;
    for (int i = 0; i < 63; ++i)
        objects += QStringLiteral("{\"a\":");
    accepted(objects + QStringLiteral("[1]") + QString(63, u'}'));
    checkRefused(objects + QStringLiteral("[[1]]") + QString(63, u'}'), QStringLiteral("nesting"));
    // Refused quickly, whatever the depth: no recursion, no stack to blow.
    checkRefused(QString(1000000, u'['), QStringLiteral("nesting"));
}

TEST_CASE("JSON reader reports where the text went wrong", "[json][strict]")
{
    const struct
    {
        const char16_t* text;
        int offset;
    } cases[] = {{u"[\"ok\",\"\\]\"]", 7},
                 {u"[\"ok\",\"a\u0001\"]", 8},
                 {u"[1,01]", 4},
                 {u"[1] x", 4},
                 {u"{\"a\":1,\"a\":2}", 7},
                 {u"[1,]", 3},
                 {u"[\"\\ud800\"]", 2}};
    for (const auto& c : cases) {
        const auto result = json::read(QStringView(c.text));
        INFO(QStringView(c.text).toString().toStdString());
        REQUIRE_FALSE(result.ok());
        INFO(result.detail().toStdString());
        CHECK(result.detail().endsWith(QStringLiteral("at offset %1").arg(c.offset)));
    }
}
