#include "server/cluster/redisconnection.h"

#include "server/cluster/clusterlogging.h"

#include <hiredis/async.h>
#include <QHostAddress>
#include <QHostInfo>
#include <QSocketNotifier>

namespace crm {

namespace {

RedisConnection* owner(const redisAsyncContext* context)
{
    return static_cast<RedisConnection*>(context->data);
}

} // namespace

RedisConnection::RedisConnection(RedisAddress address, Options options, QObject* parent)
    : QObject(parent), m_address(std::move(address)), m_options(options)
{
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &RedisConnection::open);
    connect(&m_pulse, &QTimer::timeout, this, &RedisConnection::checkPulse);
}

RedisConnection::~RedisConnection()
{
    m_closing = true;
    if (m_context)
        redisAsyncFree(m_context); // pending handlers hear null; onDisconnect is ignored
    m_context = nullptr;
}

void RedisConnection::open()
{
    if (m_context)
        return;
    // hiredis resolves names with a blocking getaddrinfo(): names are looked up by Qt first.
    const QHostAddress literal(m_address.host);
    if (literal.isNull()) {
        QHostInfo::lookupHost(m_address.host, this, [this](const QHostInfo& info) {
            if (info.addresses().isEmpty())
                return dropped(tr("cannot resolve %1: %2").arg(m_address.host, info.errorString()));
            attach(info.addresses().constFirst());
        });
        return;
    }
    attach(literal);
}

void RedisConnection::attach(const QHostAddress& ip)
{
    redisAsyncContext* context =
        redisAsyncConnect(ip.toString().toLatin1().constData(), m_address.port);
    if (!context)
        return dropped(tr("out of memory"));
    if (context->err) {
        const QString why = QString::fromLocal8Bit(context->errstr);
        redisAsyncFree(context);
        return dropped(why);
    }
    m_context = context;
    context->data = this;
    const int fd = context->c.fd;
    m_reader = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    m_writer = new QSocketNotifier(fd, QSocketNotifier::Write, this);
    m_reader->setEnabled(false);
    m_writer->setEnabled(false);
    connect(m_reader, &QSocketNotifier::activated, this, [this] {
        if (m_context)
            redisAsyncHandleRead(m_context);
    });
    connect(m_writer, &QSocketNotifier::activated, this, [this] {
        if (m_context)
            redisAsyncHandleWrite(m_context);
    });
    context->ev.data = this;
    context->ev.addRead = [](void* self) {
        static_cast<RedisConnection*>(self)->m_reader->setEnabled(true);
    };
    context->ev.delRead = [](void* self) {
        static_cast<RedisConnection*>(self)->m_reader->setEnabled(false);
    };
    context->ev.addWrite = [](void* self) {
        static_cast<RedisConnection*>(self)->m_writer->setEnabled(true);
    };
    context->ev.delWrite = [](void* self) {
        static_cast<RedisConnection*>(self)->m_writer->setEnabled(false);
    };
    // Called from inside hiredis, possibly from one of these notifiers' own signal: later.
    context->ev.cleanup = [](void* self) {
        auto* connection = static_cast<RedisConnection*>(self);
        for (QSocketNotifier** notifier : {&connection->m_reader, &connection->m_writer}) {
            if (*notifier) {
                (*notifier)->setEnabled(false);
                (*notifier)->deleteLater();
                *notifier = nullptr;
            }
        }
    };
    redisAsyncSetConnectCallback(context, &RedisConnection::onConnect);
    redisAsyncSetDisconnectCallback(context, &RedisConnection::onDisconnect);
    m_attached.start();
    m_pulse.start(m_options.pingEvery);
    // The first command arms the write notifier, which is how hiredis learns connect() ended.
    if (!m_address.password.isEmpty())
        command({"AUTH", m_address.password.toUtf8()}, [this](const redisReply* reply) {
            if (reply && reply->type == REDIS_REPLY_ERROR)
                refused(QByteArray(reply->str, int(reply->len)));
        });
    if (!m_channel.isEmpty()) {
        const char* argv[] = {"SUBSCRIBE", m_channel.constData()};
        const size_t lengths[] = {9, size_t(m_channel.size())};
        redisAsyncCommandArgv(m_context, &RedisConnection::onMessage, this, 2, argv, lengths);
    } else {
        command({"PING"}, [this](const redisReply* reply) {
            if (!reply)
                return;
            if (reply->type == REDIS_REPLY_ERROR)
                return refused(QByteArray(reply->str, int(reply->len)));
            becameReady();
        });
    }
}

void RedisConnection::onConnect(const redisAsyncContext* context, int status)
{
    RedisConnection* self = owner(context);
    if (status == REDIS_OK)
        return self->connected();
    // hiredis frees the context right after this: it must not be touched again.
    const QString why = QString::fromLocal8Bit(context->errstr);
    self->m_context = nullptr;
    if (!self->m_closing)
        self->dropped(why);
}

void RedisConnection::onDisconnect(const redisAsyncContext* context, int status)
{
    RedisConnection* self = owner(context);
    self->m_context = nullptr;
    if (self->m_closing)
        return;
    self->dropped(status == REDIS_OK ? tr("closed") : QString::fromLocal8Bit(context->errstr));
}

void RedisConnection::connected()
{
    // A peer that vanishes without a word (power, network) is noticed by TCP, not only by us.
    if (m_context)
        redisEnableKeepAlive(&m_context->c);
}

void RedisConnection::becameReady()
{
    if (m_ready)
        return;
    m_failures = 0;
    m_pingOut = false;
    m_refusal.clear();
    m_ready = true;
    qCInfo(lcCluster).noquote() << "Redis connected:" << m_address.display()
                                << (m_channel.isEmpty() ? "(commands)" : "(subscriber)");
    emit ready();
}

void RedisConnection::refused(const QByteArray& why)
{
    // The first answer says why (WRONGPASS); what follows it (NOAUTH) only repeats it.
    if (m_refusal.isEmpty()) {
        m_refusal = QString::fromUtf8(why);
        if (m_failures == 0)
            qCWarning(lcCluster).noquote()
                << "Redis" << m_address.display() << "refused:" << m_refusal;
    }
    // Inside a reply callback: hiredis closes once the callbacks are done (onDisconnect).
    if (m_context)
        redisAsyncDisconnect(m_context);
}

void RedisConnection::restart(const QString& why)
{
    if (m_context)
        abandon(why);
}

void RedisConnection::abandon(const QString& why)
{
    redisAsyncContext* context = std::exchange(m_context, nullptr);
    m_closing = true;
    redisAsyncFree(context);
    m_closing = false;
    dropped(why);
}

void RedisConnection::dropped(const QString& reason)
{
    const QString why = m_refusal.isEmpty() ? reason : m_refusal;
    m_pulse.stop();
    const bool wasReady = std::exchange(m_ready, false);
    if (wasReady || m_failures == 0)
        qCWarning(lcCluster).noquote() << "Redis" << m_address.display() << "unavailable:" << why;
    retryLater();
    if (wasReady || m_failures == 1)
        emit lost(why);
}

void RedisConnection::retryLater()
{
    ++m_failures;
    const int pause = std::min(2000, 100 << std::min(m_failures - 1, 5));
    m_retry.start(pause);
}

bool RedisConnection::command(const QList<QByteArray>& arguments, ReplyHandler done)
{
    if (!m_context)
        return false;
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    for (const auto& argument : arguments) {
        argv.push_back(argument.constData());
        lengths.push_back(size_t(argument.size()));
    }
    auto* handler = done ? new ReplyHandler(std::move(done)) : nullptr;
    if (redisAsyncCommandArgv(m_context, handler ? &RedisConnection::onReply : nullptr, handler,
                              int(argv.size()), argv.data(), lengths.data()) != REDIS_OK) {
        delete handler;
        return false;
    }
    return true;
}

void RedisConnection::onReply(redisAsyncContext*, void* reply, void* handler)
{
    auto* done = static_cast<ReplyHandler*>(handler);
    (*done)(static_cast<const redisReply*>(reply));
    delete done;
}

void RedisConnection::subscribe(const QByteArray& channel)
{
    m_channel = channel;
    open();
}

void RedisConnection::onMessage(redisAsyncContext*, void* data, void* self)
{
    const auto* reply = static_cast<const redisReply*>(data);
    if (reply && reply->type == REDIS_REPLY_ERROR) // NOAUTH, for one
        return static_cast<RedisConnection*>(self)->refused(
            QByteArray(reply->str, int(reply->len)));
    if (!reply || reply->type != REDIS_REPLY_ARRAY || reply->elements != 3)
        return;
    auto* connection = static_cast<RedisConnection*>(self);
    const QByteArray kind(reply->element[0]->str, int(reply->element[0]->len));
    if (kind == "subscribe")
        return connection->becameReady();
    if (kind != "message")
        return;
    emit connection->message(QByteArray(reply->element[1]->str, int(reply->element[1]->len)),
                             QByteArray(reply->element[2]->str, int(reply->element[2]->len)));
}

void RedisConnection::checkPulse()
{
    if (!m_context)
        return;
    if (!m_ready) {
        // Connecting to an address that drops packets takes the kernel minutes to give up.
        if (m_attached.elapsed() >= m_options.silence.count())
            abandon(tr("no answer within %1 ms").arg(m_options.silence.count()));
        return;
    }
    if (!m_channel.isEmpty())
        return; // a subscriber cannot PING in RESP2: its owner watches what it hears
    if (m_pingOut) {
        if (m_pingSent.elapsed() < m_options.silence.count())
            return;
        qCWarning(lcCluster) << "Redis did not answer PING for" << m_pingSent.elapsed() << "ms";
        return abandon(tr("no answer for %1 ms").arg(m_options.silence.count()));
    }
    m_pingOut = true;
    m_pingSent.start();
    command({"PING"}, [this](const redisReply* reply) {
        if (reply)
            m_pingOut = false;
    });
}

} // namespace crm
