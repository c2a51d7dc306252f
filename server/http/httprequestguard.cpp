#include "server/http/httprequestguard.h"

#include "server/http/httplogging.h"

#include <algorithm>
#include <optional>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslSocket>
#include <QTcpSocket>
#include <QUrl>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace crm {

namespace {

constexpr qint64 kDefaultMaxBody = 1 << 20;

// Where a request head ends (one past its empty line), read the way QtHttpServer 6.4 reads it:
// whitespace before the request line is skipped, the request line ends at '\n', and the
// headers end at the first empty line ("\r\n" or "\n"), which may follow the request line.
std::optional<qsizetype> headEnd(const QByteArray& bytes, qsizetype* start)
{
    qsizetype i = 0;
    while (i < bytes.size() && QByteArrayView("\v\n\r \t").contains(bytes.at(i)))
        ++i;
    *start = i;
    const qsizetype lineEnd = bytes.indexOf('\n', i);
    if (lineEnd < 0)
        return std::nullopt;
    const qsizetype headers = lineEnd + 1;
    const QByteArrayView rest = QByteArrayView(bytes).sliced(headers);
    if (rest.startsWith("\r\n"))
        return headers + 2;
    if (rest.startsWith("\n"))
        return headers + 1;
    const qsizetype crlf = bytes.indexOf("\n\r\n", headers);
    const qsizetype lf = bytes.indexOf("\n\n", headers);
    if (crlf < 0 && lf < 0)
        return std::nullopt;
    if (lf < 0 || (crlf >= 0 && crlf < lf))
        return crlf + 3;
    return lf + 2;
}

// Every value of a header, with folded lines (a line starting with a space or tab continues the
// value above) joined as QtHttpServer's header parser joins them. All values, not just the first
// that QtHttpServer reads: checking all can only refuse more, never let more through.
QList<QByteArray> headerValues(const QList<QByteArray>& lines, QByteArrayView name)
{
    QList<QByteArray> values;
    bool inField = false;
    for (qsizetype i = 1; i < lines.size(); ++i) { // lines[0] is the request line
        const QByteArray& line = lines.at(i);
        if (line.startsWith(' ') || line.startsWith('\t')) {
            const QByteArray more = line.trimmed();
            if (inField && !more.isEmpty())
                values.last() += (values.last().isEmpty() ? "" : " ") + more;
            continue;
        }
        const qsizetype colon = line.indexOf(':');
        inField = colon > 0 && line.first(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0;
        if (inField)
            values.append(line.sliced(colon + 1).trimmed());
    }
    return values;
}

} // namespace

void HttpRequestGuard::watch(QTcpSocket* socket, std::shared_ptr<const Limits> limits)
{
    new HttpRequestGuard(socket, std::move(limits));
}

HttpRequestGuard::HttpRequestGuard(QTcpSocket* socket, std::shared_ptr<const Limits> limits)
    : QObject(socket), m_socket(socket), m_limits(std::move(limits))
{
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpRequestGuard::onReadyRead);
    m_linger.setSingleShot(true);
    connect(&m_linger, &QTimer::timeout, this, [this] {
        qCDebug(lcHttp) << "refused client kept sending; cutting it off";
        m_socket->abort();
    });
}

namespace {
QElapsedTimer g_lastRead;
} // namespace

double HttpRequestGuard::secondsSinceLastRead()
{
    return g_lastRead.isValid() ? static_cast<double>(g_lastRead.nsecsElapsed()) / 1e9 : 0.0;
}

void HttpRequestGuard::onReadyRead()
{
    g_lastRead.start();
    if (m_state == State::Refused) {
        drain();
        return;
    }
    if (!m_socket->isTransactionStarted()) {
        m_state = State::Head;
        m_head.clear();
        m_requestBytes = 0;
    }
    switch (m_state) {
    case State::Head: {
        // QtHttpServer reads a partial head whole, so what is unread now arrived since. Only
        // what can still be head is copied: the rest is body or an over-long head.
        const qint64 available = m_socket->bytesAvailable();
        m_requestBytes += available;
        const qint64 room = std::max<qint64>(0, m_limits->maxHead + 8 - m_head.size());
        m_head += m_socket->peek(std::min(available, room));
        inspectHead();
        break;
    }
    case State::ChunkedBody:
        countChunked(m_socket->bytesAvailable());
        break;
    case State::Body:
    case State::Refused:
        break;
    }
}

void HttpRequestGuard::inspectHead()
{
    qsizetype start = 0;
    const auto end = headEnd(m_head, &start);
    // Counted from the request's first byte, blank lines before it included: a head must end
    // within the bytes kept in m_head, or a run of blank lines would push it out of sight.
    if (!end || *end > m_limits->maxHead) {
        if (m_requestBytes > m_limits->maxHead)
            refuse(431, "Request Header Fields Too Large",
                   QStringLiteral("Request heads are limited to %1 bytes").arg(m_limits->maxHead));
        return;
    }
    const QList<QByteArray> lines = m_head.sliced(start, *end - start).split('\n');
    const QList<QByteArray> requestLine = lines.first().simplified().split(' ');
    const QByteArray method = requestLine.value(0);
    const QString path = QUrl::fromEncoded(requestLine.value(1)).path();
    const qint64 limit = m_limits->maxBody ? m_limits->maxBody(method, path) : kDefaultMaxBody;
    const QString tooLarge =
        QStringLiteral("Request bodies to %1 are limited to %2 bytes").arg(path).arg(limit);
    const QList<QByteArray> encodings = headerValues(lines, "transfer-encoding");
    if (std::any_of(encodings.begin(), encodings.end(),
                    [](const QByteArray& value) { return value.toLower().contains("chunked"); })) {
        m_state = State::ChunkedBody;
        m_bodyLimit = limit;
        m_chunkedBytes = 0;
        countChunked(m_requestBytes - *end);
        return;
    }
    for (const QByteArray& value : headerValues(lines, "content-length")) {
        bool ok = false;
        const qulonglong length = value.toULongLong(&ok);
        if (ok && length > static_cast<qulonglong>(limit)) {
            refuse(413, "Payload Too Large", tooLarge);
            return;
        }
    }
    m_state = State::Body;
    m_head.clear();
}

void HttpRequestGuard::countChunked(qint64 bytes)
{
    // Counted with the chunk framing, which a body in chunks of a few hundred bytes or more
    // keeps well within the allowance.
    m_chunkedBytes += bytes;
    if (m_chunkedBytes > m_bodyLimit + m_bodyLimit / 8 + 64 * 1024)
        refuse(413, "Payload Too Large",
               QStringLiteral("Request bodies are limited to %1 bytes").arg(m_bodyLimit));
}

void HttpRequestGuard::refuse(int status, const QByteArray& reasonPhrase, const QString& message)
{
    m_state = State::Refused;
    m_head.clear();
    qCInfo(lcHttp) << "refused a request from" << m_socket->peerAddress().toString() << ":"
                   << message;
    // The error body of docs/protocol.md section 6.
    const QByteArray body =
        QJsonDocument(
            QJsonObject{{QStringLiteral("error"),
                         QJsonObject{{QStringLiteral("code"), QStringLiteral("too_large")},
                                     {QStringLiteral("message"), message}}}})
            .toJson(QJsonDocument::Compact);
    m_socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase +
                    "\r\nContent-Type: application/json\r\nContent-Length: " +
                    QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    drain();
    connect(m_socket, &QTcpSocket::bytesWritten, this, &HttpRequestGuard::halfCloseWhenWritten);
    halfCloseWhenWritten();
    m_linger.start(m_limits->linger);
}

void HttpRequestGuard::drain()
{
    // Neither buffered nor parsed: QtHttpServer's read transaction would keep every byte read
    // inside it, so it is committed (its parser, left mid-request, never sees another byte).
    if (m_socket->isTransactionStarted())
        m_socket->commitTransaction();
    m_socket->skip(m_socket->bytesAvailable());
}

void HttpRequestGuard::halfCloseWhenWritten()
{
    if (m_halfClosed || m_socket->bytesToWrite() > 0)
        return;
    m_halfClosed = true;
#ifdef Q_OS_UNIX
    // A FIN after the answer tells the client to stop sending; reading goes on (draining).
    // Over TLS the client closes after reading the answer ("Connection: close") instead.
    if (!qobject_cast<QSslSocket*>(m_socket))
        ::shutdown(static_cast<int>(m_socket->socketDescriptor()), SHUT_WR);
#endif
}

} // namespace crm
