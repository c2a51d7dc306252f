// RestClient against a real QHttpServer on 127.0.0.1:0.
#include "realtime/restclient.h"
#include "support/eventloop.h"

#include <catch2/catch.hpp>
#include <optional>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>

using namespace crm;
using namespace std::chrono_literals;

namespace {

QByteArray jsonBytes(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// Routes that answer the way crm-server does, plus a few broken ones.
struct RestFixture
{
    RestFixture()
    {
        http.route(QStringLiteral("/api/echo"), [](const QHttpServerRequest& request) {
            QJsonObject headers;
            for (const auto& [name, value] : request.headers())
                headers.insert(QString::fromLatin1(name).toLower(), QString::fromUtf8(value));
            return QJsonObject{
                {QStringLiteral("method"), request.method() == QHttpServerRequest::Method::Get
                                               ? QStringLiteral("GET")
                                               : QStringLiteral("other")},
                {QStringLiteral("query"), request.query().toString()},
                {QStringLiteral("headers"), headers},
                {QStringLiteral("body"), QString::fromUtf8(request.body())}};
        });
        http.route(QStringLiteral("/api/missing"), [](QHttpServerResponder&& responder) {
            responder.write(
                jsonBytes(
                    {{QStringLiteral("error"),
                      QJsonObject{{QStringLiteral("code"), QStringLiteral("not_found")},
                                  {QStringLiteral("message"), QStringLiteral("No such escrow")}}}}),
                "application/json", QHttpServerResponder::StatusCode::NotFound);
        });
        http.route(QStringLiteral("/api/invalid"), [](QHttpServerResponder&& responder) {
            responder.write(
                jsonBytes(
                    {{QStringLiteral("error"),
                      QJsonObject{
                          {QStringLiteral("code"), QStringLiteral("validation_failed")},
                          {QStringLiteral("message"), QStringLiteral("price must be a number")},
                          {QStringLiteral("details"),
                           QJsonObject{{QStringLiteral("field"), QStringLiteral("price")}}}}}}),
                "application/json", QHttpServerResponder::StatusCode::UnprocessableEntity);
        });
        http.route(QStringLiteral("/api/overloaded"), [](QHttpServerResponder&& responder) {
            responder.write(QByteArrayLiteral("<html>busy</html>"), "text/html",
                            QHttpServerResponder::StatusCode::ServiceUnavailable);
        });
        http.route(QStringLiteral("/api/broken-json"), [](QHttpServerResponder&& responder) {
            responder.write(QByteArrayLiteral("{\"items\": [1, 2"), "application/json",
                            QHttpServerResponder::StatusCode::Ok);
        });
        // Never answers: the responder is parked until the fixture dies.
        http.route(QStringLiteral("/api/hang"), [this](QHttpServerResponder&& responder) {
            parked.push_back(std::make_shared<QHttpServerResponder>(std::move(responder)));
        });
        port = http.listen(QHostAddress::LocalHost, 0);
        client.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1/api/").arg(port)));
    }

    RestReply call(const std::function<void(RestClient::Callback)>& request)
    {
        std::optional<RestReply> reply;
        request([&](const RestReply& r) { reply = r; });
        REQUIRE(test::waitUntil([&] { return reply.has_value(); }));
        return *reply;
    }

    QHttpServer http;
    quint16 port = 0;
    RestClient client;
    std::vector<std::shared_ptr<QHttpServerResponder>> parked;
};

} // namespace

TEST_CASE("REST: a JSON answer arrives parsed, with our headers sent", "[rest]")
{
    RestFixture f;
    REQUIRE(f.port != 0);
    f.client.setBearerToken(QStringLiteral("tok-123"));
    RestClient::RequestOptions options;
    options.idempotencyKey = QStringLiteral("client-1:17");
    options.ifMatch = QStringLiteral("\"v4\"");
    options.query.addQueryItem(QStringLiteral("page"), QStringLiteral("2"));
    const auto reply = f.call([&](auto cb) { f.client.get(QStringLiteral("/echo"), cb, options); });
    REQUIRE(reply.ok());
    CHECK(reply.httpStatus == 200);
    const auto body = reply.body.toObject();
    const auto headers = body.value(QStringLiteral("headers")).toObject();
    CHECK(headers.value(QStringLiteral("authorization")) == QStringLiteral("Bearer tok-123"));
    CHECK(headers.value(QStringLiteral("idempotency-key")) == QStringLiteral("client-1:17"));
    CHECK(headers.value(QStringLiteral("if-match")) == QStringLiteral("\"v4\""));
    CHECK(body.value(QStringLiteral("query")) == QStringLiteral("page=2"));
}

TEST_CASE("REST: a body is sent as JSON", "[rest]")
{
    RestFixture f;
    const QJsonObject payload{{QStringLiteral("price"), 525000},
                              {QStringLiteral("city"), QStringLiteral("Zürich")}};
    const auto reply =
        f.call([&](auto cb) { f.client.post(QStringLiteral("/echo"), payload, cb); });
    REQUIRE(reply.ok());
    const auto body = reply.body.toObject();
    CHECK(
        QJsonDocument::fromJson(body.value(QStringLiteral("body")).toString().toUtf8()).object() ==
        payload);
    CHECK(body.value(QStringLiteral("headers")).toObject().value(QStringLiteral("content-type")) ==
          QStringLiteral("application/json"));
}

TEST_CASE("REST: error bodies become typed errors", "[rest]")
{
    RestFixture f;
    SECTION("404 with the server's code and message")
    {
        const auto reply = f.call([&](auto cb) { f.client.get(QStringLiteral("/missing"), cb); });
        REQUIRE_FALSE(reply.ok());
        CHECK(reply.error.kind == RestError::Kind::Http);
        CHECK(reply.error.httpStatus == 404);
        CHECK(reply.error.code == QStringLiteral("not_found"));
        CHECK(reply.error.message == QStringLiteral("No such escrow"));
        CHECK_FALSE(reply.error.isTransient());
    }
    SECTION("422 with details")
    {
        const auto reply =
            f.call([&](auto cb) { f.client.patch(QStringLiteral("/invalid"), QJsonObject{}, cb); });
        CHECK(reply.error.code == QStringLiteral("validation_failed"));
        CHECK(reply.error.details.value(QStringLiteral("field")) == QStringLiteral("price"));
        CHECK(reply.error.describe().contains(QStringLiteral("price must be a number")));
    }
    SECTION("503 with a non-JSON body is transient")
    {
        const auto reply =
            f.call([&](auto cb) { f.client.remove(QStringLiteral("/overloaded"), cb); });
        CHECK(reply.error.kind == RestError::Kind::Http);
        CHECK(reply.error.httpStatus == 503);
        CHECK(reply.error.isTransient());
        CHECK_FALSE(reply.error.message.isEmpty());
    }
    SECTION("200 with broken JSON")
    {
        const auto reply =
            f.call([&](auto cb) { f.client.get(QStringLiteral("/broken-json"), cb); });
        CHECK(reply.error.kind == RestError::Kind::BadResponse);
        CHECK_FALSE(reply.error.isTransient());
    }
}

TEST_CASE("REST: a server that never answers times out", "[rest]")
{
    RestFixture f;
    f.client.setTimeout(300ms);
    const auto reply = f.call([&](auto cb) { f.client.get(QStringLiteral("/hang"), cb); });
    CHECK(reply.error.kind == RestError::Kind::Timeout);
    CHECK(reply.error.isTransient());
}

TEST_CASE("REST: a closed port is a network error", "[rest]")
{
    quint16 closedPort = 0;
    {
        QTcpServer probe;
        REQUIRE(probe.listen(QHostAddress::LocalHost));
        closedPort = probe.serverPort();
    }
    RestClient client;
    client.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(closedPort)));
    std::optional<RestReply> reply;
    client.get(QStringLiteral("/health"), [&](const RestReply& r) { reply = r; });
    REQUIRE(test::waitUntil([&] { return reply.has_value(); }));
    CHECK(reply->error.kind == RestError::Kind::Network);
    CHECK(reply->error.isTransient());
    CHECK_FALSE(reply->error.message.isEmpty());
}
