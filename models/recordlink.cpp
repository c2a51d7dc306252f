#include "models/recordlink.h"

#include "protocol/recordschema.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace crm {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("RecordLink", text);
}

// Record ids are UUIDs today; the link accepts any id the server could issue in a URL path
// segment without escaping, and nothing that could step outside it.
bool isPlausibleId(const QString& id)
{
    static const QRegularExpression pattern(QStringLiteral("^[A-Za-z0-9._~-]{1,128}$"));
    return pattern.match(id).hasMatch() && id != u'.' && id != QStringLiteral("..");
}

} // namespace

QUrl RecordLink::toUrl() const
{
    QUrl url;
    url.setScheme(kScheme.toString());
    url.setHost(QStringLiteral("record"));
    url.setPath(u'/' + module + u'/' + id);
    return url;
}

std::optional<RecordLink> RecordLink::make(const QString& module, const QString& id, QString* error)
{
    if (!RecordSchema::instance().module(module)) {
        QStringList known;
        for (const auto& spec : RecordSchema::instance().modules())
            known << spec.name;
        *error = tr("no module \"%1\" (one of: %2)").arg(module, known.join(QStringLiteral(", ")));
        return std::nullopt;
    }
    if (!isPlausibleId(id)) {
        *error = id.isEmpty() ? tr("the link names no record")
                              : tr("\"%1\" is not a record id").arg(id.left(64));
        return std::nullopt;
    }
    return RecordLink{module, id};
}

std::optional<RecordLink> RecordLink::parse(const QString& text, QString* error)
{
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.scheme().compare(kScheme, Qt::CaseInsensitive) != 0) {
        *error = tr("\"%1\" is not a crm:// link").arg(text.left(200));
        return std::nullopt;
    }
    if (url.host().compare(QStringLiteral("record"), Qt::CaseInsensitive) != 0) {
        *error = tr("\"%1\" is not a record link (expected crm://record/<module>/<id>)")
                     .arg(text.left(200));
        return std::nullopt;
    }
    QString path = url.path(QUrl::FullyDecoded);
    if (path.endsWith(u'/'))
        path.chop(1);
    const QStringList parts = path.split(u'/');
    // "/escrows/<id>" splits into "", "escrows", "<id>".
    if (parts.size() != 3 || !parts.at(0).isEmpty()) {
        *error = tr("\"%1\" is not a record link (expected crm://record/<module>/<id>)")
                     .arg(text.left(200));
        return std::nullopt;
    }
    return make(parts.at(1), parts.at(2), error);
}

} // namespace crm
