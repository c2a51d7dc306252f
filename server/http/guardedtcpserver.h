#pragma once

#include "server/http/httprequestguard.h"

#include <memory>
#include <QTcpServer>
#include <QTcpSocket>

namespace crm {

// The TCP (or, with Server = QSslServer, TLS) server crm-server binds its QHttpServer to.
// QAbstractHttpServer connects its request reader to a socket right after taking it from
// nextPendingConnection(); taking it from here first gives the socket an HttpRequestGuard
// whose handler runs before that reader on every readyRead.
template <typename Server> class GuardedTcpServer : public Server
{
public:
    explicit GuardedTcpServer(std::shared_ptr<const HttpRequestGuard::Limits> limits,
                              QObject* parent = nullptr)
        : Server(parent), m_limits(std::move(limits))
    {}

    QTcpSocket* nextPendingConnection() override
    {
        QTcpSocket* socket = Server::nextPendingConnection();
        if (socket)
            HttpRequestGuard::watch(socket, m_limits);
        return socket;
    }

private:
    std::shared_ptr<const HttpRequestGuard::Limits> m_limits;
};

} // namespace crm
