#include "realtime/restclient.h"

#include "realtime/logging.h"

#include <memory>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

namespace crm {

RestClient::RestClient(QObject* parent)
    : QObject(parent), m_network(new QNetworkAccessManager(this))
{}

void RestClient::get(const QString& path, Callback callback, const RequestOptions& options)
{
    send("GET", path, QJsonValue::Undefined, std::move(callback), options);
}

void RestClient::post(const QString& path, const QJsonValue& body, Callback callback,
                      const RequestOptions& options)
{
    send("POST", path, body, std::move(callback), options);
}

void RestClient::patch(const QString& path, const QJsonValue& body, Callback callback,
                       const RequestOptions& options)
{
    send("PATCH", path, body, std::move(callback), options);
}

void RestClient::put(const QString& path, const QJsonValue& body, Callback callback,
                     const RequestOptions& options)
{
    send("PUT", path, body, std::move(callback), options);
}

void RestClient::remove(const QString& path, Callback callback, const RequestOptions& options)
{
    send("DELETE", path, QJsonValue::Undefined, std::move(callback), options);
}

void RestClient::send(const QByteArray& verb, const QString& path, const QJsonValue& body,
                      Callback callback, const RequestOptions& options)
{
    QUrl url = m_baseUrl;
    QString basePath = m_baseUrl.path();
    if (basePath.endsWith(u'/'))
        basePath.chop(1);
    url.setPath(basePath + path);
    if (!options.query.isEmpty())
        url.setQuery(options.query);

    QNetworkRequest request(url);
    if (m_tls)
        request.setSslConfiguration(*m_tls);
    request.setRawHeader("Accept", "application/json");
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
    if (!options.idempotencyKey.isEmpty())
        request.setRawHeader("Idempotency-Key", options.idempotencyKey.toUtf8());
    if (!options.ifMatch.isEmpty())
        request.setRawHeader("If-Match", options.ifMatch.toUtf8());

    QByteArray payload;
    if (body.isObject() || body.isArray()) {
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
        payload = body.isObject() ? QJsonDocument(body.toObject()).toJson(QJsonDocument::Compact)
                                  : QJsonDocument(body.toArray()).toJson(QJsonDocument::Compact);
    }

    QNetworkReply* reply = m_network->sendCustomRequest(request, verb, payload);
    // Our own timer rather than setTransferTimeout: it lets the reply say "timeout" instead of a
    // generic "operation cancelled".
    auto timedOut = std::make_shared<bool>(false);
    auto* timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, reply, [reply, timedOut] {
        *timedOut = true;
        reply->abort();
    });
    timer->start(m_timeout);
    connect(reply, &QNetworkReply::finished, this,
            [reply, timedOut, callback = std::move(callback), verb, url] {
                reply->deleteLater();
                const RestReply result = toReply(reply, *timedOut);
                if (result.error.isError())
                    qCDebug(lcRest) << verb << url.path() << "->" << result.error.describe();
                if (callback)
                    callback(result);
            });
}

RestReply RestClient::toReply(QNetworkReply* reply, bool timedOut)
{
    RestReply result;
    result.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.etag = QString::fromUtf8(reply->rawHeader("ETag"));
    const QByteArray raw = reply->readAll();

    if (timedOut) {
        result.error = {RestError::Kind::Timeout, 0, QStringLiteral("timeout"), {}, {}};
        return result;
    }
    if (result.httpStatus == 0) {
        result.error = {
            RestError::Kind::Network, 0, QStringLiteral("network"), reply->errorString(), {}};
        return result;
    }

    // Files (a task's CSV) come as they are; everything else is JSON.
    const QByteArray type = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    if (result.httpStatus < 400 && type.startsWith("text/")) {
        result.text = QString::fromUtf8(raw);
        return result;
    }
    QJsonParseError parseError{};
    const auto doc = raw.isEmpty() ? QJsonDocument() : QJsonDocument::fromJson(raw, &parseError);
    const bool jsonOk = raw.isEmpty() || parseError.error == QJsonParseError::NoError;
    if (!doc.isNull())
        result.body = doc.isObject() ? QJsonValue(doc.object()) : QJsonValue(doc.array());

    if (result.httpStatus >= 400) {
        const auto error = result.body.toObject().value(QStringLiteral("error")).toObject();
        result.error.kind = RestError::Kind::Http;
        result.error.httpStatus = result.httpStatus;
        result.error.code = error.value(QStringLiteral("code")).toString();
        result.error.message = error.value(QStringLiteral("message")).toString();
        result.error.details = error.value(QStringLiteral("details")).toObject();
        if (result.error.message.isEmpty())
            result.error.message =
                reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        return result;
    }
    if (!jsonOk) {
        result.error = {RestError::Kind::BadResponse,
                        result.httpStatus,
                        QStringLiteral("bad_json"),
                        parseError.errorString(),
                        {}};
    }
    return result;
}

} // namespace crm
