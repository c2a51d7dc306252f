// Idle sockets one crm-server process holds: N Socket.IO clients of U agents of one brokerage
// (round robin, so each agent has N/U windows and devices) connect (WebSocket
// upgrade, Engine.IO open, Socket.IO CONNECT with a token), then stay idle through a ping cycle,
// answering the server's pings as any client does. Prints the server's resident memory before
// and after, the memory per socket, the server's CPU to accept them, and how many were still
// connected at the end; issue 19's target is at least 20,000.
// The clients are plain non-blocking sockets on one epoll here (a Qt client per socket would
// measure this process, not the server). Root raises the open-file limit for both processes.
// Usage: bench_idle_sockets [--sockets N] [--users U] [--hold SECONDS]
#include "processfigures.h"
#include "support/serverprocess.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <string>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

using namespace crm;

namespace {

enum class Stage
{
    Upgrading,  // HTTP 101 awaited
    Opening,    // Engine.IO OPEN awaited
    Connecting, // Socket.IO CONNECT answer awaited
    Connected,
    Closed
};

struct Client
{
    int fd = -1;
    Stage stage = Stage::Upgrading;
    std::string in;
};

// A client frame: text, final, masked (RFC 6455 requires clients to mask).
std::string maskedText(const std::string& payload)
{
    std::string frame;
    frame.push_back(static_cast<char>(0x81));
    const size_t n = payload.size();
    if (n < 126) {
        frame.push_back(static_cast<char>(0x80 | n));
    } else {
        frame.push_back(static_cast<char>(0x80 | 126));
        frame.push_back(static_cast<char>((n >> 8) & 0xff));
        frame.push_back(static_cast<char>(n & 0xff));
    }
    const unsigned char mask[4] = {0x37, 0xfa, 0x21, 0x3d};
    frame.append(reinterpret_cast<const char*>(mask), 4);
    for (size_t i = 0; i < n; ++i)
        frame.push_back(static_cast<char>(static_cast<unsigned char>(payload[i]) ^ mask[i % 4]));
    return frame;
}

bool sendAll(int fd, const std::string& bytes)
{
    size_t sent = 0;
    while (sent < bytes.size()) {
        const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n <= 0)
            return false; // these writes are a few bytes: a full buffer means a dead socket
        sent += static_cast<size_t>(n);
    }
    return true;
}

// Takes whole server frames (unmasked) off the front of `in`; false when none is complete.
bool nextFrame(std::string& in, std::string& payload)
{
    if (in.size() < 2)
        return false;
    size_t length = static_cast<unsigned char>(in[1]) & 0x7f;
    size_t header = 2;
    if (length == 126) {
        if (in.size() < 4)
            return false;
        length = (static_cast<size_t>(static_cast<unsigned char>(in[2])) << 8) |
                 static_cast<unsigned char>(in[3]);
        header = 4;
    } else if (length == 127) {
        if (in.size() < 10)
            return false;
        length = 0;
        for (int i = 2; i < 10; ++i)
            length = (length << 8) | static_cast<unsigned char>(in[static_cast<size_t>(i)]);
        header = 10;
    }
    if (in.size() < header + length)
        return false;
    payload = in.substr(header, length);
    in.erase(0, header + length);
    return true;
}

class IdleClients
{
public:
    IdleClients(quint16 port, std::vector<std::string> tokens)
        : m_port(port), m_tokens(std::move(tokens))
    {
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
    }
    ~IdleClients()
    {
        for (auto& c : m_clients) {
            if (c.fd >= 0)
                ::close(c.fd);
        }
        ::close(m_epoll);
    }

    // Opens `count` more clients, at most `inFlight` handshaking at once; returns how many are
    // connected in all (when it gives up after `timeoutMs`, those that made it).
    int open(int count, int inFlight, int timeoutMs = 900000)
    {
        QElapsedTimer timer;
        timer.start();
        const int before = static_cast<int>(m_clients.size());
        count += before;
        m_clients.reserve(static_cast<size_t>(count));
        int started = before;
        while (connected() + closed() < count && timer.elapsed() < timeoutMs) {
            while (started < count && started - connected() - closed() < inFlight) {
                if (!start())
                    return connected();
                ++started;
            }
            poll(100);
        }
        return connected();
    }

    // Keeps every client answering pings for `ms`.
    void hold(int ms)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < ms)
            poll(200);
    }

    int connected() const { return m_connected; }
    int closed() const { return m_closed; }

private:
    bool start()
    {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            std::fprintf(stderr, "bench_idle_sockets: socket(): %s\n", std::strerror(errno));
            return false;
        }
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_port = htons(m_port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0 &&
            errno != EINPROGRESS) {
            std::fprintf(stderr, "bench_idle_sockets: connect(): %s\n", std::strerror(errno));
            ::close(fd);
            return false;
        }
        m_clients.push_back({fd, Stage::Upgrading, {}});
        epoll_event event{};
        event.events = EPOLLIN | EPOLLOUT;
        event.data.u64 = m_clients.size() - 1;
        epoll_ctl(m_epoll, EPOLL_CTL_ADD, fd, &event);
        return true;
    }

    void poll(int timeoutMs)
    {
        epoll_event events[256];
        const int n = epoll_wait(m_epoll, events, 256, timeoutMs);
        for (int i = 0; i < n; ++i) {
            Client& c = m_clients[events[i].data.u64];
            if (c.stage == Stage::Closed)
                continue;
            if (events[i].events & EPOLLOUT) {
                // Connected: the upgrade request goes once, then only reading is watched.
                epoll_event readOnly{};
                readOnly.events = EPOLLIN;
                readOnly.data.u64 = events[i].data.u64;
                epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &readOnly);
                const std::string request =
                    "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1:" +
                    std::to_string(m_port) +
                    "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    "Sec-WebSocket-Version: 13\r\n\r\n";
                if (!sendAll(c.fd, request))
                    close(c);
            }
            if (c.stage != Stage::Closed && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                read(c, static_cast<int>(events[i].data.u64));
        }
    }

    void read(Client& c, int index)
    {
        char buffer[4096];
        for (;;) {
            const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
            if (n > 0) {
                c.in.append(buffer, static_cast<size_t>(n));
                continue;
            }
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
                close(c);
                return;
            }
            break;
        }
        if (c.stage == Stage::Upgrading) {
            const size_t end = c.in.find("\r\n\r\n");
            if (end == std::string::npos)
                return;
            if (c.in.compare(0, 12, "HTTP/1.1 101") != 0) {
                close(c);
                return;
            }
            c.in.erase(0, end + 4);
            c.stage = Stage::Opening;
        }
        std::string payload;
        while (c.stage != Stage::Closed && nextFrame(c.in, payload)) {
            if (payload == "2") { // Engine.IO PING
                if (!sendAll(c.fd, maskedText("3")))
                    close(c);
            } else if (c.stage == Stage::Opening && payload.rfind('0', 0) == 0) {
                const std::string& token = m_tokens[static_cast<size_t>(index) % m_tokens.size()];
                const std::string connect = "40{\"token\":\"" + token + "\",\"clientId\":\"idle-" +
                                            std::to_string(index) + "\"}";
                if (sendAll(c.fd, maskedText(connect)))
                    c.stage = Stage::Connecting;
                else
                    close(c);
            } else if (c.stage == Stage::Connecting && payload.rfind("40", 0) == 0) {
                c.stage = Stage::Connected;
                ++m_connected;
            } else if (payload.rfind("44", 0) == 0 || payload.rfind("41", 0) == 0) {
                std::fprintf(stderr, "bench_idle_sockets: refused: %s\n", payload.c_str());
                close(c);
            }
        }
    }

    void close(Client& c)
    {
        if (c.stage == Stage::Connected)
            --m_connected;
        c.stage = Stage::Closed;
        ::close(c.fd);
        c.fd = -1;
        ++m_closed;
    }

    quint16 m_port;
    std::vector<std::string> m_tokens; // client i signs in as agent i % size
    int m_epoll = -1;
    std::vector<Client> m_clients;
    int m_connected = 0;
    int m_closed = 0;
};

// Open files for both ends; root may raise the hard limit too.
void raiseFileLimit(rlim_t wanted)
{
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_max < wanted) {
        rlimit raised{wanted, wanted};
        if (setrlimit(RLIMIT_NOFILE, &raised) == 0)
            return;
    }
    limit.rlim_cur = std::min(wanted, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
}

} // namespace

int main(int argc, char* argv[])
{
    QCoreApplication app(argc, argv);
    QLoggingCategory::setFilterRules(QStringLiteral("crm.*.info=false"));
    int sockets = 20000;
    int holdSeconds = 30;
    int users = 50;
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QStringLiteral("--sockets"))
            sockets = std::max(1, args[i + 1].toInt());
        else if (args[i] == QStringLiteral("--users"))
            users = std::max(1, args[i + 1].toInt());
        else if (args[i] == QStringLiteral("--hold"))
            holdSeconds = std::max(0, args[i + 1].toInt());
    }
    raiseFileLimit(static_cast<rlim_t>(sockets) + 1024);
    rlimit limit{};
    getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < static_cast<rlim_t>(sockets) + 100) {
        // Both processes hold one file per socket, and the server a few dozen more of its own.
        const int fits = static_cast<int>(limit.rlim_cur) - 100;
        std::printf("idle sockets: a process may open %llu files here (the most it could raise "
                    "its limit to), so %d "
                    "sockets instead of %d\n",
                    static_cast<unsigned long long>(limit.rlim_cur), fits, sockets);
        sockets = fits;
        if (sockets < 1)
            return 1;
    }

    QTemporaryDir data;
    test::ServerProcess crm(data.path());
    std::vector<std::string> tokens;
    for (int user = 0; user < users; ++user) {
        const auto token =
            crm.addUserWithToken(QStringLiteral("idle%1@bench.test").arg(user),
                                 user % 2 ? QStringLiteral("South") : QStringLiteral("North"));
        if (!token) {
            std::fprintf(stderr, "bench_idle_sockets: cannot add agent %d\n", user);
            return 1;
        }
        tokens.push_back(token->toStdString());
    }
    if (!crm.start(
            {QStringLiteral("--max-sockets-per-user"), QString::number(sockets / users + 10)})) {
        std::fprintf(stderr, "bench_idle_sockets: cannot start crm-server at %s\n",
                     CRM_SERVER_PATH);
        return 1;
    }
    const qint64 pid = crm.process().processId();
    IdleClients clients(crm.port(), std::move(tokens));
    clients.open(1, 1); // the first socket warms up the server's one-time setup
    const double rssBefore = bench::residentMegabytesOf(pid);
    const double cpuBefore = bench::cpuSeconds(pid);
    QElapsedTimer timer;
    timer.start();
    const int connected = clients.open(sockets - 1, 200) - 1;
    const double openSeconds = static_cast<double>(timer.nsecsElapsed()) / 1e9;
    const double cpu = bench::cpuSeconds(pid) - cpuBefore;
    clients.hold(2000);
    const double rssAfter = bench::residentMegabytesOf(pid);
    std::printf("idle sockets: %d of %d (of %d agents) connected to one crm-server in %.1f s "
                "(%.0f/s; server CPU "
                "%.2f s = %.0f us per connection)\n",
                connected, sockets - 1, users, openSeconds, connected / openSeconds, cpu,
                cpu * 1e6 / std::max(connected, 1));
    std::printf("idle sockets: server resident memory %.0f MB before, %.0f MB holding them: "
                "%.1f KB per socket (target: at least 20,000 sockets, memory printed)\n",
                rssBefore, rssAfter, (rssAfter - rssBefore) * 1024.0 / std::max(connected, 1));
    if (holdSeconds > 0) {
        clients.hold(holdSeconds * 1000);
        std::printf("idle sockets: %d still connected after %d s idle (pings answered), server "
                    "resident memory %.0f MB\n",
                    clients.connected() - 1, holdSeconds, bench::residentMegabytesOf(pid));
    }
    crm.stop();
    return connected == sockets - 1 ? 0 : 1;
}
