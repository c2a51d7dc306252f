#pragma once

// An in-process crm-server on 127.0.0.1:0 with a data folder of its own, options adjusted by the
// test first: for tests of the server as an operator sees it (settings, TLS, login, metrics).
#include "server/crmserver.h"

#include <catch2/catch.hpp>
#include <functional>
#include <QFile>
#include <QTemporaryDir>
#include <QUrl>

namespace crm::test {

struct ListeningServer
{
    explicit ListeningServer(const std::function<void(CrmServerOptions&)>& adjust = {})
    {
        CrmServerOptions options;
        options.dataDir = dir.filePath(QStringLiteral("data"));
        options.port = 0;
        if (adjust)
            adjust(options);
        QString error;
        REQUIRE(server.open(options, &error));
        INFO(error.toStdString());
        REQUIRE(server.listen(&error));
        url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port()));
    }

    QTemporaryDir dir;
    CrmServer server;
    QUrl url;
};

// A small file a setting points at (a password, a token), written whole.
inline QString writeFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    REQUIRE(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    REQUIRE(file.write(content) == content.size());
    return path;
}

} // namespace crm::test
