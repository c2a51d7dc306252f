// RedisConnection against a real redis-server on a free loopback port: ready only once Redis
// answered, lost when it dies or stops answering, back on its own when Redis returns, and a
// wrong password never taken for a connection.
#include "server/cluster/redisconnection.h"
#include "support/eventloop.h"

#include <catch2/catch.hpp>
#include <csignal>
#include <hiredis/hiredis.h>
#include <QProcess>
#include <QTcpServer>

using namespace crm;
using namespace std::chrono_literals;
using test::waitUntil;

namespace {

struct RedisServer
{
    RedisServer()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        port = probe.serverPort();
    }
    ~RedisServer() { kill(); }
    bool start(const QStringList& extra = {})
    {
        process.start(QStringLiteral("redis-server"),
                      QStringList{QStringLiteral("--port"), QString::number(port),
                                  QStringLiteral("--bind"), QStringLiteral("127.0.0.1"),
                                  QStringLiteral("--save"), QString()} +
                          extra);
        QByteArray out;
        return process.waitForStarted() && waitUntil([&] {
                   out += process.readAllStandardOutput();
                   return out.contains("Ready to accept connections");
               });
    }
    void kill()
    {
        process.kill();
        process.waitForFinished(5000);
    }
    RedisAddress address(const QString& password = {}) const
    {
        return RedisAddress{QStringLiteral("127.0.0.1"), port, 0, password};
    }

    QProcess process;
    quint16 port = 0;
};

struct Watched
{
    explicit Watched(RedisAddress address)
        : connection(std::move(address), RedisConnection::Options{200ms, 1000ms})
    {
        QObject::connect(&connection, &RedisConnection::ready, [this] { ++readies; });
        QObject::connect(&connection, &RedisConnection::lost, [this](const QString& why) {
            ++losses;
            lastWhy = why;
        });
        QObject::connect(
            &connection, &RedisConnection::message,
            [this](const QByteArray&, const QByteArray& payload) { messages.append(payload); });
    }
    RedisConnection connection;
    int readies = 0;
    int losses = 0;
    QString lastWhy;
    QList<QByteArray> messages;
};

} // namespace

TEST_CASE("RedisConnection: ready once Redis answers, lost when it dies, back when it returns",
          "[cluster]")
{
    RedisServer redis;
    REQUIRE(redis.start());
    Watched commands(redis.address());
    Watched subscriber(redis.address());
    commands.connection.open();
    subscriber.connection.subscribe("crm-cluster/0");
    REQUIRE(waitUntil([&] { return commands.readies == 1 && subscriber.readies == 1; }));

    QByteArray answer;
    REQUIRE(commands.connection.command({"PING"}, [&](const redisReply* reply) {
        if (reply)
            answer = QByteArray(reply->str, int(reply->len));
    }));
    REQUIRE(waitUntil([&] { return !answer.isEmpty(); }));
    CHECK(answer == "PONG");
    REQUIRE(commands.connection.command({"PUBLISH", "crm-cluster/0", "hello"}));
    REQUIRE(waitUntil([&] { return subscriber.messages.size() == 1; }));
    CHECK(subscriber.messages.first() == "hello");

    redis.kill();
    REQUIRE(waitUntil([&] { return commands.losses == 1 && subscriber.losses == 1; }));
    CHECK_FALSE(commands.connection.isReady());
    CHECK_FALSE(commands.connection.command({"PING"})); // refused at once, not queued forever
    test::spin(1500ms);
    CHECK(commands.losses == 1); // failed retries do not repeat the news

    REQUIRE(redis.start());
    REQUIRE(waitUntil([&] { return commands.readies == 2 && subscriber.readies == 2; }, 10s));
    REQUIRE(commands.connection.command({"PUBLISH", "crm-cluster/0", "again"}));
    REQUIRE(waitUntil([&] { return subscriber.messages.size() == 2; }));
}

TEST_CASE("RedisConnection: a wrong password is never taken for a connection", "[cluster]")
{
    RedisServer redis;
    REQUIRE(redis.start({QStringLiteral("--requirepass"), QStringLiteral("right")}));
    Watched wrong(redis.address(QStringLiteral("wrong")));
    wrong.connection.open();
    REQUIRE(waitUntil([&] { return wrong.losses == 1; }));
    CHECK((wrong.lastWhy.contains(QStringLiteral("WRONGPASS")) ||
           wrong.lastWhy.contains(QStringLiteral("invalid password"))));
    test::spin(1500ms);
    CHECK(wrong.readies == 0);
    CHECK(wrong.losses == 1);

    Watched right(redis.address(QStringLiteral("right")));
    right.connection.open();
    CHECK(waitUntil([&] { return right.readies == 1; }));
}

TEST_CASE("RedisConnection: a Redis that stops answering counts as lost within the silence",
          "[cluster]")
{
    RedisServer redis;
    REQUIRE(redis.start());
    Watched commands(redis.address());
    commands.connection.open();
    REQUIRE(waitUntil([&] { return commands.readies == 1; }));
    ::kill(static_cast<pid_t>(redis.process.processId()), SIGSTOP);
    // Its socket stays open; only the unanswered PING tells.
    CHECK(waitUntil([&] { return commands.losses == 1; }, 5s));
    CHECK(commands.lastWhy.contains(QStringLiteral("no answer")));
    ::kill(static_cast<pid_t>(redis.process.processId()), SIGCONT);
    CHECK(waitUntil([&] { return commands.readies == 2; }, 10s));
}
