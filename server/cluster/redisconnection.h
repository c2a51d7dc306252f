#pragma once

#include "server/cluster/redisaddress.h"

#include <chrono>
#include <functional>
#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>

struct redisAsyncContext;
struct redisReply;
class QHostAddress;
class QSocketNotifier;

namespace crm {

// One connection to Redis through hiredis's asynchronous API, driven by Qt's event loop (a
// QSocketNotifier per direction): nothing here ever blocks the thread. It connects, sends AUTH
// when the address has a password, and is ready once Redis has answered (its PING, or the
// SUBSCRIBE), not merely once TCP connected: a wrong password never looks like a connection.
// It reconnects with a growing pause (100 ms to 2 s) when the connection drops, when the
// handshake takes longer than `Options::silence`, or when a PING stays unanswered that long (a
// stopped Redis never closes the socket): `lost` says so once, `ready` again when it is back.
//
// A connection either sends commands or subscribes, as Redis requires: subscribe() turns it into
// a subscriber for good (it subscribes again after each reconnect).
class RedisConnection : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        std::chrono::milliseconds pingEvery{1000};
        std::chrono::milliseconds silence{3000};
    };
    // The reply, or null when the connection went away before it came.
    using ReplyHandler = std::function<void(const redisReply* reply)>;

    RedisConnection(RedisAddress address, Options options, QObject* parent = nullptr);
    ~RedisConnection() override;

    void open();
    bool isReady() const { return m_ready; }
    // Queues a command (one argument per element, binary-safe). False when not connected: the
    // caller decides what a lost command means.
    bool command(const QList<QByteArray>& arguments, ReplyHandler done = {});
    void subscribe(const QByteArray& channel);
    // Drops the connection and connects again (a subscriber that no longer hears anything:
    // its owner notices, since Redis does not answer PING on a subscribed connection).
    void restart(const QString& why);

signals:
    void ready();
    void lost(const QString& why);
    void message(const QByteArray& channel, const QByteArray& payload);

private:
    static void onConnect(const redisAsyncContext* context, int status);
    static void onDisconnect(const redisAsyncContext* context, int status);
    static void onReply(redisAsyncContext* context, void* reply, void* handler);
    static void onMessage(redisAsyncContext* context, void* reply, void* self);
    void attach(const QHostAddress& ip);
    void connected();
    // Redis answered the handshake: usable from now on.
    void becameReady();
    // Redis answered the handshake with an error (a wrong password): drop, retry later.
    void refused(const QByteArray& why);
    // Frees the context from outside hiredis's callbacks, then as dropped().
    void abandon(const QString& why);
    // The context is gone (hiredis freed it, or we did): forget it, say so, try again later.
    void dropped(const QString& why);
    void retryLater();
    void checkPulse();

    RedisAddress m_address;
    Options m_options;
    redisAsyncContext* m_context = nullptr;
    QSocketNotifier* m_reader = nullptr;
    QSocketNotifier* m_writer = nullptr;
    QByteArray m_channel; // subscribed to, once subscribe() ran
    bool m_ready = false;
    bool m_closing = false;
    bool m_pingOut = false;
    QElapsedTimer m_pingSent;
    QElapsedTimer m_attached; // since the connection attempt began
    QString m_refusal;        // what Redis said when it refused the handshake
    QTimer m_retry;
    QTimer m_pulse;
    int m_failures = 0;
};

} // namespace crm
