#include "server/cluster/busmessage.h"

#include <array>
#include <QJsonDocument>

namespace crm {

namespace {

using Kind = BusMessage::Kind;

constexpr std::array<std::pair<Kind, QStringView>, 11> kKinds{{
    {Kind::Hello, u"hello"},
    {Kind::Heartbeat, u"heartbeat"},
    {Kind::Change, u"change"},
    {Kind::Sessions, u"sessions"},
    {Kind::Picture, u"picture"},
    {Kind::TaskCancel, u"task-cancel"},
    {Kind::TaskStop, u"task-stop"},
    {Kind::TaskEvent, u"task-event"},
    {Kind::NoteUpdate, u"note-update"},
    {Kind::NoteCarets, u"note-carets"},
    {Kind::SignIn, u"sign-in"},
}};

} // namespace

QByteArray BusMessage::encode() const
{
    QString name;
    for (const auto& [k, text] : kKinds) {
        if (k == kind)
            name = text.toString();
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("kind"), name},
                                     {QStringLiteral("node"), node},
                                     {QStringLiteral("body"), body}})
        .toJson(QJsonDocument::Compact);
}

std::optional<BusMessage> BusMessage::decode(const QByteArray& bytes)
{
    const QJsonObject json = QJsonDocument::fromJson(bytes).object();
    const QString name = json.value(QStringLiteral("kind")).toString();
    const QJsonValue node = json.value(QStringLiteral("node"));
    const QJsonValue body = json.value(QStringLiteral("body"));
    if (!node.isString() || node.toString().isEmpty() || !body.isObject())
        return std::nullopt;
    for (const auto& [kind, text] : kKinds) {
        if (text == name)
            return BusMessage{kind, node.toString(), body.toObject()};
    }
    return std::nullopt;
}

} // namespace crm
