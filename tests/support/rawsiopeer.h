#pragma once

// A Socket.IO client spoken by hand over a QWebSocket, for what no well-behaved client does:
// a second CONNECT, floods, odd `since` values, unknown namespaces. It answers the server's
// pings (so short test ping timings do not end it) and records every other frame.
#include "support/eventloop.h"

#include <algorithm>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>
#include <QWebSocket>

namespace crm::test {

struct RawSioPeer
{
    explicit RawSioPeer(const QUrl& serverUrl)
    {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket,
                         [this](const QString& frame) {
                             if (frame == QStringLiteral("2")) {
                                 socket.sendTextMessage(QStringLiteral("3"));
                                 return;
                             }
                             frames.append(frame);
                         });
        QObject::connect(&socket, &QWebSocket::disconnected, &socket, [this] { closed = true; });
        QUrl url = serverUrl;
        url.setScheme(serverUrl.scheme() == QStringLiteral("https") ? QStringLiteral("wss")
                                                                    : QStringLiteral("ws"));
        url.setPath(QStringLiteral("/socket.io/"));
        url.setQuery(QStringLiteral("EIO=4&transport=websocket"));
        socket.open(url);
    }

    int count(const QString& prefix) const
    {
        return static_cast<int>(std::count_if(
            frames.begin(), frames.end(), [&](const QString& f) { return f.startsWith(prefix); }));
    }
    bool waitForFrame(const QString& prefix, int times = 1)
    {
        return waitUntil([&] { return count(prefix) >= times; });
    }
    // Sends CONNECT with this auth payload (as JSON text, so tests can send what QJsonObject
    // cannot hold) and waits for the server's answer to it.
    void sendConnect(const QByteArray& authJson)
    {
        socket.sendTextMessage(QStringLiteral("40") + QString::fromUtf8(authJson));
    }
    bool connectWith(const QJsonObject& auth)
    {
        if (!waitForFrame(QStringLiteral("0{")))
            return false;
        sendConnect(QJsonDocument(auth).toJson(QJsonDocument::Compact));
        return waitForFrame(QStringLiteral("40{\"sid\""));
    }

    // An EVENT with one payload that asks for acknowledgement `ackId`.
    void emitWithAck(int ackId, const QString& event, const QJsonValue& payload)
    {
        socket.sendTextMessage(
            QStringLiteral("42%1").arg(ackId) +
            QString::fromUtf8(
                QJsonDocument(QJsonArray{event, payload}).toJson(QJsonDocument::Compact)));
    }
    // The first argument of the answer to `ackId`, once it came (null when it did not).
    QJsonValue ack(int ackId)
    {
        const QString prefix = QStringLiteral("43%1[").arg(ackId);
        if (!waitForFrame(prefix))
            return {};
        for (const auto& frame : std::as_const(frames)) {
            if (frame.startsWith(prefix))
                return QJsonDocument::fromJson(frame.mid(prefix.size() - 1).toUtf8()).array().at(0);
        }
        return {};
    }

    QWebSocket socket;
    QStringList frames;
    bool closed = false;
};

} // namespace crm::test
