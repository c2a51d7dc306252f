#pragma once

// A bare TCP connection to a server, for input no client library would send: HTTP heads that
// announce huge bodies (then sending none of it), endless chunked bodies, and WebSocket frames
// written by hand (a header announcing 32 MiB followed by a few bytes). Records everything the
// server sends back and parses HTTP answers and (unmasked, server-side) WebSocket frames.
#include "support/eventloop.h"

#include <optional>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QtEndian>

namespace crm::test {

struct RawTcpPeer
{
    struct HttpAnswer
    {
        int status = 0;
        QByteArray head;
        QByteArray body;
        QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
        QString errorCode() const
        {
            return json()
                .value(QStringLiteral("error"))
                .toObject()
                .value(QStringLiteral("code"))
                .toString();
        }
    };
    struct Frame
    {
        int opcode = 0;
        bool fin = true;
        QByteArray payload;
        // Close frames: the status code (0 when the frame had none).
        quint16 closeCode() const
        {
            return payload.size() >= 2 ? qFromBigEndian<quint16>(payload.constData()) : 0;
        }
    };

    explicit RawTcpPeer(quint16 port)
    {
        QObject::connect(&socket, &QTcpSocket::readyRead, &socket,
                         [this] { received += socket.readAll(); });
        QObject::connect(&socket, &QTcpSocket::disconnected, &socket, [this] { closed = true; });
        socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    }

    bool waitConnected()
    {
        return waitUntil([&] { return socket.state() == QAbstractSocket::ConnectedState; });
    }
    void send(const QByteArray& bytes) { socket.write(bytes); }

    // The next complete HTTP answer (head and Content-Length body), taken from what arrived.
    std::optional<HttpAnswer> takeHttpAnswer()
    {
        const qsizetype end = received.indexOf("\r\n\r\n");
        if (end < 0)
            return std::nullopt;
        HttpAnswer answer;
        answer.head = received.left(end);
        answer.status = answer.head.mid(9, 3).toInt();
        qsizetype length = 0;
        for (const QByteArray& line : answer.head.split('\n')) {
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        }
        if (received.size() < end + 4 + length)
            return std::nullopt;
        answer.body = received.mid(end + 4, length);
        received.remove(0, end + 4 + length);
        return answer;
    }
    std::optional<HttpAnswer> waitForHttpAnswer()
    {
        std::optional<HttpAnswer> answer;
        waitUntil([&] { return (answer = takeHttpAnswer()).has_value(); });
        return answer;
    }

    // WebSocket: the upgrade request for the Engine.IO endpoint; true once the 101 is there.
    bool upgrade()
    {
        send("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
             "Upgrade: websocket\r\nConnection: Upgrade\r\n"
             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        if (!waitUntil([&] { return received.contains("\r\n\r\n"); }))
            return false;
        const bool switched = received.startsWith("HTTP/1.1 101");
        received.remove(0, received.indexOf("\r\n\r\n") + 4);
        return switched;
    }
    // A client frame (masked, as RFC 6455 requires; the all-zero mask keeps the payload as
    // it is). `announced` is the length the header claims, which may exceed what follows.
    static QByteArray clientFrame(int opcode, const QByteArray& payload, bool fin = true,
                                  qint64 announced = -1)
    {
        const quint64 length = announced >= 0 ? quint64(announced) : quint64(payload.size());
        QByteArray frame;
        frame.append(char((fin ? 0x80 : 0x00) | opcode));
        if (length < 126) {
            frame.append(char(0x80 | length));
        } else if (length <= 0xFFFF) {
            frame.append(char(0x80 | 126));
            frame.append(char(length >> 8)).append(char(length & 0xFF));
        } else {
            frame.append(char(0x80 | 127));
            for (int shift = 56; shift >= 0; shift -= 8)
                frame.append(char((length >> shift) & 0xFF));
        }
        frame.append(QByteArray(4, '\0'));
        return frame + payload;
    }
    // The next complete server frame from what arrived.
    std::optional<Frame> takeFrame()
    {
        if (received.size() < 2)
            return std::nullopt;
        const auto* bytes = reinterpret_cast<const uchar*>(received.constData());
        quint64 length = bytes[1] & 0x7F;
        qsizetype offset = 2;
        if (length == 126) {
            if (received.size() < 4)
                return std::nullopt;
            length = qFromBigEndian<quint16>(bytes + 2);
            offset = 4;
        } else if (length == 127) {
            if (received.size() < 10)
                return std::nullopt;
            length = qFromBigEndian<quint64>(bytes + 2);
            offset = 10;
        }
        if (quint64(received.size() - offset) < length)
            return std::nullopt;
        Frame frame{bytes[0] & 0x0F, (bytes[0] & 0x80) != 0,
                    received.mid(offset, qsizetype(length))};
        received.remove(0, offset + qsizetype(length));
        return frame;
    }
    // Reads frames (answering Engine.IO pings) until the server's close frame or the end of
    // the connection; the close frame when one came.
    std::optional<Frame> waitForCloseFrame()
    {
        std::optional<Frame> close;
        waitUntil([&] {
            while (auto frame = takeFrame()) {
                if (frame->opcode == 0x1 && frame->payload == "2")
                    send(clientFrame(0x1, "3"));
                if (frame->opcode == 0x8)
                    close = frame;
            }
            return close.has_value() || closed;
        });
        return close;
    }

    QTcpSocket socket;
    QByteArray received;
    bool closed = false;
};

} // namespace crm::test
