#pragma once

#include "realtime/resterror.h"

#include <chrono>
#include <functional>
#include <optional>
#include <QJsonValue>
#include <QObject>
#include <QSslConfiguration>
#include <QUrl>
#include <QUrlQuery>

class QNetworkAccessManager;
class QNetworkReply;

namespace crm {

// JSON over HTTP for the REST half of the protocol: login, paged lists, mutations with
// Idempotency-Key / If-Match, changes since a seq. Every answer, good or bad, reaches the
// callback exactly once as a RestReply; nothing here retries (the caller knows what is safe).
class RestClient : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const RestReply&)>;
    using Millis = std::chrono::milliseconds;

    struct RequestOptions
    {
        QString idempotencyKey;
        QString ifMatch;
        QUrlQuery query;
    };

    explicit RestClient(QObject* parent = nullptr);

    void setBaseUrl(const QUrl& url) { m_baseUrl = url; }
    QUrl baseUrl() const { return m_baseUrl; }
    void setBearerToken(const QString& token) { m_token = token; }
    void setTimeout(Millis timeout) { m_timeout = timeout; }
    // For https:// servers with their own CA; unset: the system's defaults.
    void setTlsConfiguration(const QSslConfiguration& tls) { m_tls = tls; }

    void get(const QString& path, Callback callback, const RequestOptions& options = {});
    void post(const QString& path, const QJsonValue& body, Callback callback,
              const RequestOptions& options = {});
    void patch(const QString& path, const QJsonValue& body, Callback callback,
               const RequestOptions& options = {});
    void put(const QString& path, const QJsonValue& body, Callback callback,
             const RequestOptions& options = {});
    void remove(const QString& path, Callback callback, const RequestOptions& options = {});

private:
    void send(const QByteArray& verb, const QString& path, const QJsonValue& body,
              Callback callback, const RequestOptions& options);
    static RestReply toReply(QNetworkReply* reply, bool timedOut);

    QNetworkAccessManager* m_network;
    QUrl m_baseUrl;
    QString m_token;
    Millis m_timeout{15000};
    std::optional<QSslConfiguration> m_tls;
};

} // namespace crm
