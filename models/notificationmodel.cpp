#include "models/notificationmodel.h"

#include "models/localstore.h"
#include "models/schema/recordschema.h"
#include "models/syncengine.h"

namespace crm {

NotificationModel::NotificationModel(LocalStore& store, SyncEngine& engine, int capacity,
                                     QObject* parent)
    : QAbstractListModel(parent), m_store(store), m_capacity(std::max(1, capacity))
{
    connect(&engine, &SyncEngine::changeArrived, this, &NotificationModel::onChange);
    connect(&engine, &SyncEngine::editConflicted, this, &NotificationModel::onConflict);
    connect(&engine, &SyncEngine::editRefused, this, &NotificationModel::onRefused);
    connect(&engine, &SyncEngine::accessChanged, this, &NotificationModel::onAccessChanged);
}

int NotificationModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

QVariant NotificationModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry& entry = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole:
        return entry.title;
    case Qt::ToolTipRole:
    case DetailRole:
        return entry.detail;
    case KindRole:
        return QVariant::fromValue(entry.kind);
    case ModuleRole:
        return entry.module;
    case RecordIdRole:
        return entry.recordId;
    case ActorRole:
        return entry.actor;
    case AtRole:
        return entry.at;
    case ReadRole:
        return entry.read;
    default:
        return {};
    }
}

QHash<int, QByteArray> NotificationModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(KindRole, "kind");
    names.insert(TitleRole, "title");
    names.insert(DetailRole, "detail");
    names.insert(ModuleRole, "module");
    names.insert(RecordIdRole, "recordId");
    names.insert(ActorRole, "actor");
    names.insert(AtRole, "at");
    names.insert(ReadRole, "read");
    return names;
}

QString NotificationModel::recordName(const QString& module, const QString& id) const
{
    const ModuleSpec* spec = RecordSchema::instance().module(module);
    if (!spec)
        return id;
    const auto record = m_store.record(module, id);
    const QString title = record && !spec->titleField.isEmpty()
                              ? record->fields.value(spec->titleField).toVariant().toString()
                              : QString();
    return title.isEmpty() ? spec->singular : tr("%1 “%2”").arg(spec->singular, title);
}

void NotificationModel::onChange(const QJsonObject& event, const QJsonObject& previous)
{
    const QJsonObject by = event.value(QStringLiteral("by")).toObject();
    const QString actorId = by.value(QStringLiteral("id")).toString();
    // Nothing about the agent's own work (from this or another of their devices), and nothing
    // before we know who the agent is.
    if (m_userId.isEmpty() || actorId == m_userId)
        return;
    const QString module = event.value(QStringLiteral("module")).toString();
    const QString id = event.value(QStringLiteral("id")).toString();
    const QString kind = event.value(QStringLiteral("kind")).toString();
    const QJsonObject fields = event.value(QStringLiteral("fields")).toObject();
    const ModuleSpec* spec = RecordSchema::instance().module(module);
    if (!spec)
        return;

    Entry entry;
    entry.module = module;
    entry.recordId = id;
    entry.actor = by.value(QStringLiteral("name")).toString();
    entry.at =
        QDateTime::fromString(event.value(QStringLiteral("at")).toString(), Qt::ISODateWithMs);
    if (!entry.at.isValid())
        entry.at = QDateTime::currentDateTimeUtc();

    // Assigned: a user field that did not name the agent now does.
    for (const auto& field : spec->fields) {
        if (field.type == FieldSpec::Type::User &&
            fields.value(field.name).toString() == m_userId &&
            previous.value(field.name).toString() != m_userId) {
            entry.kind = Kind::Assigned;
            entry.title = tr("%1 assigned you %2").arg(entry.actor, recordName(module, id));
            entry.detail = field.label;
            return add(entry);
        }
    }
    if (event.value(QStringLiteral("ownerId")).toString() != m_userId)
        return;
    if (kind == QStringLiteral("deleted")) {
        entry.kind = Kind::Deleted;
        entry.title = tr("%1 deleted your %2").arg(entry.actor, spec->singular);
        return add(entry);
    }
    if (kind != QStringLiteral("updated") || fields.isEmpty())
        return;
    QStringList labels;
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        const FieldSpec* field = spec->field(it.key());
        labels.append(field ? field->label : it.key());
    }
    entry.kind = Kind::Changed;
    entry.title = tr("%1 changed your %2").arg(entry.actor, recordName(module, id));
    entry.detail = labels.join(tr(", "));
    add(entry);
}

void NotificationModel::onConflict(const OutboxEntry& outboxEntry, const QString& kind)
{
    Entry entry;
    entry.kind = Kind::Conflicted;
    entry.module = outboxEntry.module;
    entry.recordId = outboxEntry.recordId;
    entry.at = QDateTime::currentDateTimeUtc();
    const QString name = recordName(outboxEntry.module, outboxEntry.recordId);
    entry.title = kind == QStringLiteral("deleted")
                      ? tr("Your change to %1 was not saved: someone deleted it").arg(name)
                      : tr("Your change to %1 met someone else's: choose what to keep").arg(name);
    add(entry);
}

void NotificationModel::onRefused(const OutboxEntry& outboxEntry, const QString& code,
                                  const QString& message)
{
    Entry entry;
    entry.kind = Kind::Refused;
    entry.module = outboxEntry.module;
    entry.recordId = outboxEntry.recordId;
    entry.at = QDateTime::currentDateTimeUtc();
    entry.title = tr("Your change to %1 was refused")
                      .arg(recordName(outboxEntry.module, outboxEntry.recordId));
    entry.detail = message.isEmpty() ? code : message;
    add(entry);
}

void NotificationModel::onAccessChanged(const QString& reason)
{
    Entry entry;
    entry.kind = Kind::Access;
    entry.at = QDateTime::currentDateTimeUtc();
    entry.title = reason;
    entry.detail = tr("Edits of records you can no longer see are listed under Edit > Refused "
                      "changes.");
    add(entry);
}

void NotificationModel::add(Entry entry)
{
    beginInsertRows({}, 0, 0);
    m_entries.prepend(entry);
    endInsertRows();
    int unread = m_unread + 1;
    if (m_entries.size() > m_capacity) {
        const int last = static_cast<int>(m_entries.size()) - 1;
        beginRemoveRows({}, last, last);
        if (!m_entries.last().read)
            --unread;
        m_entries.removeLast();
        endRemoveRows();
    }
    setUnread(unread);
    emit notified(entry.kind, entry.title, entry.module, entry.recordId);
}

void NotificationModel::markRead(int row)
{
    if (row < 0 || row >= m_entries.size() || m_entries.at(row).read)
        return;
    m_entries[row].read = true;
    emit dataChanged(index(row), index(row), {ReadRole});
    setUnread(m_unread - 1);
}

void NotificationModel::markAllRead()
{
    if (m_unread == 0)
        return;
    for (auto& entry : m_entries)
        entry.read = true;
    emit dataChanged(index(0), index(static_cast<int>(m_entries.size()) - 1), {ReadRole});
    setUnread(0);
}

void NotificationModel::setUnread(int unread)
{
    if (unread == m_unread)
        return;
    m_unread = unread;
    emit unreadCountChanged(unread);
}

} // namespace crm
