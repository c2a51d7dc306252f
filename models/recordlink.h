#pragma once

#include <optional>
#include <QString>
#include <QUrl>

namespace crm {

// A link to one record, `crm://record/<module>/<id>`: what a browser, an email or xdg-open
// hands to crm-desktop, and what `crm-cli link` prints. It names no server: the agent's own
// window opens it in the account it is signed in to.
struct RecordLink
{
    QString module;
    QString id;

    static constexpr QStringView kScheme = u"crm";

    QUrl toUrl() const;
    QString toString() const { return toUrl().toString(QUrl::FullyEncoded); }

    // The link's record, or nothing with the reason in *error (unknown module, no id, ...).
    // A trailing slash and a query or fragment (added by mail tracking) are tolerated.
    static std::optional<RecordLink> parse(const QString& text, QString* error);
    // Checks a module and id given apart (crm-cli link MODULE ID).
    static std::optional<RecordLink> make(const QString& module, const QString& id, QString* error);
};

} // namespace crm
