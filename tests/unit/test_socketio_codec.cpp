#include "protocol/socketiocodec.h"

#include <catch2/catch.hpp>
#include <QJsonDocument>

using namespace crm;
using namespace crm::socketio;

namespace {

QJsonValue json(const char* text)
{
    const auto doc = QJsonDocument::fromJson(text);
    return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
}

CodecError errorOf(QStringView text)
{
    const auto r = decode(text);
    INFO(text.toString().toStdString());
    REQUIRE_FALSE(r.ok());
    return r.error();
}

} // namespace

TEST_CASE("Socket.IO encodes each packet kind as the reference parser does", "[codec][socketio]")
{
    CHECK(encode(Packet::connect({})) == QStringLiteral("0"));
    CHECK(encode(Packet::connect(QJsonObject{{QStringLiteral("token"), QStringLiteral("t")}})) ==
          QStringLiteral("0{\"token\":\"t\"}"));
    CHECK(encode(Packet::connect({}, QStringLiteral("/admin"))) == QStringLiteral("0/admin,"));
    CHECK(encode({PacketType::Disconnect, QStringLiteral("/")}) == QStringLiteral("1"));
    CHECK(encode({PacketType::Disconnect, QStringLiteral("/admin")}) == QStringLiteral("1/admin,"));
    CHECK(encode(Packet::event(QStringLiteral("hello"), {1})) == QStringLiteral("2[\"hello\",1]"));
    CHECK(
        encode(Packet::event(QStringLiteral("x"), {QJsonObject{}}, 12, QStringLiteral("/admin"))) ==
        QStringLiteral("2/admin,12[\"x\",{}]"));
    CHECK(encode(Packet::ack(12, {QStringLiteral("ok")})) == QStringLiteral("312[\"ok\"]"));
    CHECK(encode({PacketType::ConnectError, QStringLiteral("/"), -1,
                  json(R"({"message":"Not authorized"})")}) ==
          QStringLiteral("4{\"message\":\"Not authorized\"}"));
    CHECK(encodeFrame(Packet::event(QStringLiteral("a"), {})) == QStringLiteral("42[\"a\"]"));
}

TEST_CASE("Socket.IO decodes every packet kind", "[codec][socketio]")
{
    SECTION("CONNECT with and without auth, default and custom namespace")
    {
        auto r = decode(u"0");
        REQUIRE(r.ok());
        CHECK(r.value().type == PacketType::Connect);
        CHECK(r.value().nsp == QStringLiteral("/"));
        CHECK(r.value().data.isUndefined());

        r = decode(u"0/admin,{\"token\":\"abc\",\"since\":42}");
        REQUIRE(r.ok());
        CHECK(r.value().nsp == QStringLiteral("/admin"));
        CHECK(r.value().data.toObject().value(QStringLiteral("since")).toInt() == 42);

        r = decode(u"0{\"sid\":\"oSO0OpakMV_3jnilAAAA\"}");
        REQUIRE(r.ok());
        CHECK(r.value().data.toObject().value(QStringLiteral("sid")).toString() ==
              QStringLiteral("oSO0OpakMV_3jnilAAAA"));
    }
    SECTION("DISCONNECT")
    {
        auto r = decode(u"1");
        REQUIRE(r.ok());
        CHECK(r.value().type == PacketType::Disconnect);
        r = decode(u"1/admin,");
        REQUIRE(r.ok());
        CHECK(r.value().nsp == QStringLiteral("/admin"));
        r = decode(u"1/admin"); // the reference parser lets the namespace run to the end
        REQUIRE(r.ok());
        CHECK(r.value().nsp == QStringLiteral("/admin"));
    }
    SECTION("EVENT with namespace and ack id")
    {
        const auto r = decode(u"2/admin,12[\"x\",{}]");
        REQUIRE(r.ok());
        CHECK(r.value().type == PacketType::Event);
        CHECK(r.value().nsp == QStringLiteral("/admin"));
        CHECK(r.value().id == 12);
        CHECK(r.value().eventName() == QStringLiteral("x"));
        CHECK(r.value().eventArgs() == QJsonArray{QJsonObject{}});
    }
    SECTION("EVENT with unicode arguments")
    {
        const auto r = decode(u"2[\"listing:updated\",{\"city\":\"São Paulo ✓\"}]");
        REQUIRE(r.ok());
        CHECK(r.value().eventArgs().first().toObject().value(QStringLiteral("city")).toString() ==
              QStringLiteral("São Paulo ✓"));
    }
    SECTION("ACK")
    {
        const auto r = decode(u"3123[\"ok\",1]");
        REQUIRE(r.ok());
        CHECK(r.value().type == PacketType::Ack);
        CHECK(r.value().id == 123);
        CHECK(r.value().data.toArray().size() == 2);
    }
    SECTION("CONNECT_ERROR with data")
    {
        const auto r =
            decode(u"4{\"message\":\"token expired\",\"data\":{\"code\":\"auth_expired\"}}");
        REQUIRE(r.ok());
        CHECK(r.value().type == PacketType::ConnectError);
        CHECK(r.value()
                  .data.toObject()
                  .value(QStringLiteral("data"))
                  .toObject()
                  .value(QStringLiteral("code")) == QStringLiteral("auth_expired"));
    }
    SECTION("the largest ack id JavaScript can represent")
    {
        const auto r = decode(u"39007199254740991[]");
        REQUIRE(r.ok());
        CHECK(r.value().id == kMaxAckId);
    }
}

TEST_CASE("Socket.IO round-trips what it encodes", "[codec][socketio]")
{
    const QList<Packet> packets{
        Packet::connect(QJsonObject{{QStringLiteral("token"), QStringLiteral("t")}}),
        Packet::connect({}, QStringLiteral("/team")),
        {PacketType::Disconnect, QStringLiteral("/"), -1, QJsonValue::Undefined},
        Packet::event(QStringLiteral("escrow:updated"),
                      {QJsonObject{{QStringLiteral("id"), QStringLiteral("e1")}}}, 7),
        Packet::ack(0, {}),
        Packet::ack(99, {1, 2, QStringLiteral("three")}, QStringLiteral("/team")),
        {PacketType::ConnectError, QStringLiteral("/"), -1,
         QJsonObject{{QStringLiteral("message"), QStringLiteral("no")}}},
    };
    for (const auto& packet : packets) {
        const auto text = encode(packet);
        INFO(text.toStdString());
        const auto decoded = decode(text);
        REQUIRE(decoded.ok());
        CHECK(decoded.value() == packet);
    }
}

TEST_CASE("Socket.IO rejects every malformed packet with a typed error", "[codec][socketio]")
{
    CHECK(errorOf(u"") == CodecError::Empty);
    CHECK(errorOf(u"7") == CodecError::UnknownType);
    CHECK(errorOf(u"a[]") == CodecError::UnknownType);
    CHECK(errorOf(u"51-[\"x\",{\"_placeholder\":true,\"num\":0}]") ==
          CodecError::UnsupportedBinary);
    CHECK(errorOf(u"61-0[{\"_placeholder\":true,\"num\":0}]") == CodecError::UnsupportedBinary);
    CHECK(errorOf(u"2/ad min,[\"x\"]") == CodecError::BadNamespace);
    CHECK(errorOf(u"2/a\u0001,[\"x\"]") == CodecError::BadNamespace);
    CHECK(errorOf(u"39007199254740992[]") == CodecError::BadAckId);
    CHECK(errorOf(u"299999999999999999999999[\"x\"]") == CodecError::BadAckId);
    CHECK(errorOf(u"2[\"x\",") == CodecError::BadJson);           // truncated
    CHECK(errorOf(u"2[\"x\"]garbage") == CodecError::BadJson);    // trailing bytes
    CHECK(errorOf(u"2\"just a string\"") == CodecError::BadJson); // not an array or object
    CHECK(errorOf(u"2[\"x\",01]") == CodecError::BadJson);        // leading zero
    CHECK(errorOf(u"2") == CodecError::MissingPayload);
    CHECK(errorOf(u"2{\"a\":1}") == CodecError::WrongPayloadType); // non-array event
    CHECK(errorOf(u"2[]") == CodecError::EmptyEvent);
    CHECK(errorOf(u"2[1,2]") == CodecError::EventNameNotString);
    CHECK(errorOf(u"2[null]") == CodecError::EventNameNotString);
    CHECK(errorOf(u"2[\"connect\"]") == CodecError::ReservedEventName);
    CHECK(errorOf(u"2[\"disconnect\",1]") == CodecError::ReservedEventName);
    CHECK(errorOf(u"2[\"newListener\"]") == CodecError::ReservedEventName);
    CHECK(errorOf(u"1{}") == CodecError::UnexpectedPayload);
    CHECK(errorOf(u"0[1]") == CodecError::WrongPayloadType);
    CHECK(errorOf(u"3[\"ok\"]") == CodecError::MissingAckId);
    CHECK(errorOf(u"31") == CodecError::MissingPayload);
    CHECK(errorOf(u"31{}") == CodecError::WrongPayloadType);
    CHECK(errorOf(u"4") == CodecError::MissingPayload);
    CHECK(errorOf(u"4[\"x\"]") == CodecError::WrongPayloadType);
}

TEST_CASE("Socket.IO refuses payloads that are not strict RFC 8259 JSON", "[codec][socketio]")
{
    // Issue 12 item 10: this fuzz frame decoded, and its re-encoding decoded to something else.
    const QString frame = QString::fromUtf8(QByteArray::fromHex(
        "34325b22222c7b22f48787875c5c223a312c22f4875d223a352c22f4875c5d223a307d5d"));
    REQUIRE(frame.front() == u'4'); // the Engine.IO message digit; the rest is Socket.IO
    CHECK(errorOf(QStringView(frame).mid(1)) == CodecError::BadJson);

    CHECK(errorOf(u"2[\"x\",\"\\]\"]") == CodecError::BadJson);           // invalid escape
    CHECK(errorOf(u"2[\"x\",\"\\ud800\"]") == CodecError::BadJson);       // unpaired surrogate
    CHECK(errorOf(u"2[\"x\",\"a\u0001\"]") == CodecError::BadJson);       // raw control char
    CHECK(errorOf(u"2[\"x\",{\"a\":1,\"a\":2}]") == CodecError::BadJson); // duplicate key
    CHECK(errorOf(u"2[\"x\",1e400]") == CodecError::BadJson);             // beyond a double
    CHECK(errorOf(u"2[\"x\",1.]") == CodecError::BadJson);
    CHECK(errorOf(u"2[\"x\",NaN]") == CodecError::BadJson);
    CHECK(errorOf(u"0{\"token\":\"t\",}") == CodecError::BadJson); // trailing comma
    CHECK(errorOf(QStringLiteral("2") + QString(65, u'[') + QString(65, u']')) ==
          CodecError::BadJson);

    // What is accepted re-encodes to text that decodes to the same packet.
    for (const auto text :
         {u"2[\"x\",\"\\\"\\\\\\n\\u0001\"]", u"212[\"x\",{\"a\":[1,2.5,-3e-7,null]}]",
          u"2[\"x\",\"\\ud83c\\udfe0 é\"]"}) {
        const auto r = decode(text);
        INFO(QStringView(text).toString().toStdString());
        REQUIRE(r.ok());
        const auto again = decode(encode(r.value()));
        REQUIRE(again.ok());
        CHECK(again.value() == r.value());
    }
}

TEST_CASE("Reserved event names are exactly Socket.IO's own", "[codec][socketio]")
{
    for (const auto name : {u"connect", u"connect_error", u"disconnect", u"disconnecting",
                            u"newListener", u"removeListener"})
        CHECK(isReservedEventName(name));
    for (const auto name : {u"escrow:updated", u"Connect", u"connected", u""})
        CHECK_FALSE(isReservedEventName(name));
}
