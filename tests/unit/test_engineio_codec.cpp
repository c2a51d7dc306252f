#include "protocol/engineiocodec.h"

#include <catch2/catch.hpp>

using namespace crm;
using namespace crm::engineio;

TEST_CASE("Engine.IO encodes every packet type as one digit and its data", "[codec][engineio]")
{
    CHECK(encode({PacketType::Open, QStringLiteral("{}")}) == QStringLiteral("0{}"));
    CHECK(encode({PacketType::Close, {}}) == QStringLiteral("1"));
    CHECK(encode({PacketType::Ping, {}}) == QStringLiteral("2"));
    CHECK(encode({PacketType::Pong, {}}) == QStringLiteral("3"));
    CHECK(encode({PacketType::Ping, QStringLiteral("probe")}) == QStringLiteral("2probe"));
    CHECK(encode({PacketType::Message, QStringLiteral("hello")}) == QStringLiteral("4hello"));
    CHECK(encode({PacketType::Upgrade, {}}) == QStringLiteral("5"));
    CHECK(encode({PacketType::Noop, {}}) == QStringLiteral("6"));
}

TEST_CASE("Engine.IO decodes what it encodes", "[codec][engineio]")
{
    for (int type = 0; type <= 6; ++type) {
        const Packet packet{static_cast<PacketType>(type), QStringLiteral("data é ✓")};
        const auto decoded = decode(encode(packet));
        REQUIRE(decoded.ok());
        CHECK(decoded.value() == packet);
    }
}

TEST_CASE("Engine.IO rejects malformed frames with typed errors", "[codec][engineio]")
{
    SECTION("empty frame")
    {
        const auto r = decode(u"");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error() == CodecError::Empty);
    }
    SECTION("type outside 0-6")
    {
        for (const auto frame : {u"7", u"9abc", u"x", u"-1", u" 4"}) {
            const auto r = decode(frame);
            REQUIRE_FALSE(r.ok());
            CHECK(r.error() == CodecError::UnknownType);
        }
    }
    SECTION("oversized by characters")
    {
        const auto r = decode(QString(101, u'4'), 100);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error() == CodecError::Oversized);
    }
    SECTION("oversized only once encoded as UTF-8")
    {
        // 40 characters of 3 UTF-8 bytes each: 121 bytes on the wire against a 100-byte limit.
        const auto r = decode(QStringLiteral("4") + QString(40, QChar(0x20AC)), 100);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error() == CodecError::Oversized);
        CHECK(decode(QStringLiteral("4") + QString(33, QChar(0x20AC)), 100).ok());
    }
    SECTION("the error describes itself")
    {
        CHECK(decode(u"8").describe().startsWith(QStringLiteral("unknown packet type")));
    }
}

TEST_CASE("Engine.IO handshake round-trips and is validated", "[codec][engineio]")
{
    Handshake handshake;
    handshake.sid = QStringLiteral("abc123");
    handshake.pingIntervalMs = 300;
    handshake.pingTimeoutMs = 200;
    handshake.maxPayload = 4096;
    const auto decoded = decodeHandshake(encodeHandshake(handshake));
    REQUIRE(decoded.ok());
    CHECK(decoded.value().sid == QStringLiteral("abc123"));
    CHECK(decoded.value().pingIntervalMs == 300);
    CHECK(decoded.value().pingTimeoutMs == 200);
    CHECK(decoded.value().maxPayload == 4096);

    SECTION("the stock server's handshake is understood")
    {
        const auto stock = decodeHandshake(
            u"{\"sid\":\"lv_VI97HAXpY6yYWAAAC\",\"upgrades\":[],\"pingInterval\":25000,"
            u"\"pingTimeout\":20000,\"maxPayload\":1000000}");
        REQUIRE(stock.ok());
        CHECK(stock.value().pingIntervalMs == 25000);
    }
    SECTION("odd but valid numbers are made safe")
    {
        const auto odd = decodeHandshake(
            u"{\"sid\":\"a\",\"pingInterval\":0.5,\"pingTimeout\":1.2,\"maxPayload\":1e300}");
        REQUIRE(odd.ok());
        CHECK(odd.value().pingIntervalMs == 1);
        CHECK(odd.value().pingTimeoutMs == 2);
        CHECK(odd.value().maxPayload == qint64(1) << 40);
    }
    SECTION("bad handshakes are refused")
    {
        for (const auto json : {u"", u"[]", u"{", u"{\"pingInterval\":1,\"pingTimeout\":1}",
                                u"{\"sid\":\"\",\"pingInterval\":1,\"pingTimeout\":1}",
                                u"{\"sid\":\"a\",\"pingInterval\":0,\"pingTimeout\":1}",
                                u"{\"sid\":\"a\",\"pingInterval\":\"25\",\"pingTimeout\":1}",
                                u"{\"sid\":\"a\",\"pingInterval\":-5,\"pingTimeout\":1}",
                                u"{\"sid\":\"a\",\"pingInterval\":1e300,\"pingTimeout\":1}",
                                u"{\"sid\":7,\"pingInterval\":1,\"pingTimeout\":1}"}) {
            const auto r = decodeHandshake(json);
            INFO(QStringView(json).toString().toStdString());
            REQUIRE_FALSE(r.ok());
            CHECK(r.error() == CodecError::BadOpenPacket);
        }
    }
}
