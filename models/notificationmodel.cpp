#include "models/notificationmodel.h"

#include "core/clientcore.h"
#include "models/changeexcerpt.h"
#include "models/fieldformat.h"
#include "models/userdirectorymodel.h"
#include "protocol/recordschema.h"

#include <QJsonArray>

namespace crm {

NotificationModel::NotificationModel(ClientCore& core, int capacity, QObject* parent)
    : QAbstractListModel(parent), m_core(core), m_capacity(std::max(1, capacity))
{
    connect(&core, &ClientCore::changeArrived, this, &NotificationModel::onChange);
    connect(&core, &ClientCore::editConflicted, this, &NotificationModel::onConflict);
    connect(&core, &ClientCore::editRefused, this, &NotificationModel::onRefused);
    connect(&core, &ClientCore::accessChanged, this, &NotificationModel::onAccessChanged);
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
    case IdRole:
        return entry.id;
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
    names.insert(IdRole, "notificationId");
    return names;
}

int NotificationModel::rowOfId(qint64 id) const
{
    for (qsizetype row = 0; row < m_entries.size(); ++row) {
        if (m_entries.at(row).id == id)
            return static_cast<int>(row);
    }
    return -1;
}

QString NotificationModel::recordName(const QString& module, const QString& id,
                                      const QJsonObject& known) const
{
    const ModuleSpec* spec = RecordSchema::instance().module(module);
    if (!spec)
        return id;
    QString title;
    if (!spec->titleField.isEmpty()) {
        title = known.value(spec->titleField).toVariant().toString();
        if (title.isEmpty()) {
            const auto record = m_core.store().cache().record(module, id);
            if (record)
                title = record->fields.value(spec->titleField).toVariant().toString();
        }
    }
    return title.isEmpty() ? spec->singular : tr("%1 “%2”").arg(spec->singular, title);
}

QString NotificationModel::valueText(const FieldSpec& field, const QJsonValue& value) const
{
    if (value.isNull() || value.isUndefined() || value.toVariant().toString().isEmpty())
        return tr("empty");
    if (field.type == FieldSpec::Type::User) {
        const QString userId = value.toString();
        if (userId == m_userId)
            return tr("you");
        const QString name = m_users ? m_users->nameOf(userId) : QString();
        return name.isEmpty() ? userId : name;
    }
    if (field.type == FieldSpec::Type::Ref) {
        // A buyer or a listing by its name, as the editor's picker shows it.
        const ModuleSpec* target = RecordSchema::instance().module(field.ref);
        const auto record =
            target ? m_core.store().cache().record(field.ref, value.toString()) : std::nullopt;
        const QString title =
            record ? record->fields.value(target->titleField).toVariant().toString() : QString();
        return title.isEmpty() ? value.toString() : title;
    }
    return FieldFormat::display(field, value.toVariant());
}

void NotificationModel::describeChange(Entry& entry, const ModuleSpec& spec,
                                       const ChangeEvent& event, const QJsonObject& previous) const
{
    const QJsonObject& fields = event.fields;
    const QStringList& masked = event.masked;
    QJsonObject known = previous;
    for (auto it = fields.begin(); it != fields.end(); ++it)
        known.insert(it.key(), it.value());
    const QString name = recordName(entry.module, entry.recordId, known);
    if (fields.size() == 1 && fields.contains(kNotesTextField)) {
        // The notes' whole text is a page, not a line: what changed, in the detail.
        const auto excerpt = ChangeExcerpt::of(previous.value(kNotesTextField).toString(),
                                               fields.value(kNotesTextField).toString());
        entry.kind = Kind::Changed;
        entry.title = tr("%1 edited the notes of your %2").arg(entry.actor, name);
        entry.detail = excerpt.before.isEmpty() ? excerpt.after
                                                : tr("%1 → %2").arg(excerpt.before, excerpt.after);
        return;
    }
    QStringList lines;
    QString label;
    QString before;
    QString after;
    bool hidden = false;
    bool wasEmpty = false;
    bool nowEmpty = false;
    const auto empty = [](const QJsonValue& value) {
        return value.isNull() || value.isUndefined() || value.toVariant().toString().isEmpty();
    };
    for (auto it = fields.begin(); it != fields.end(); ++it) {
        const FieldSpec* field = spec.field(it.key());
        label = field ? field->label : it.key();
        // A value masked for this agent (commission) is said to have changed, never shown.
        hidden = !field || masked.contains(it.key());
        before = hidden ? QString() : valueText(*field, previous.value(it.key()));
        after = hidden ? QString() : valueText(*field, it.value());
        wasEmpty = empty(previous.value(it.key()));
        nowEmpty = empty(it.value());
        lines.append(hidden ? label : tr("%1: %2 → %3").arg(label, before, after));
    }
    entry.kind = Kind::Changed;
    if (lines.size() == 1) {
        // One field: the whole story fits the sentence.
        const QString what = FieldFormat::inSentence(label);
        if (hidden)
            entry.title = tr("%1 changed the %2 of your %3").arg(entry.actor, what, name);
        else if (wasEmpty && !nowEmpty)
            entry.title = tr("%1 set the %2 of your %3 to %4").arg(entry.actor, what, name, after);
        else if (nowEmpty && !wasEmpty)
            entry.title =
                tr("%1 cleared the %2 of your %3 (was %4)").arg(entry.actor, what, name, before);
        else
            entry.title = tr("%1 changed the %2 of your %3: %4 → %5")
                              .arg(entry.actor, what, name, before, after);
        entry.detail.clear();
        return;
    }
    entry.title =
        tr("%1 changed %2 fields of your %3").arg(entry.actor, QString::number(lines.size()), name);
    entry.detail = lines.join(QChar(u'\n'));
}

void NotificationModel::onChange(const ChangeEvent& event, const QJsonObject& previous)
{
    const QString& actorId = event.by.id;
    // Nothing about the agent's own work (from this or another of their devices), and nothing
    // before we know who the agent is.
    if (m_userId.isEmpty() || actorId == m_userId)
        return;
    const QString& module = event.module;
    const QString& id = event.id;
    const ChangeKind kind = event.kind;
    const QJsonObject& fields = event.fields;
    const ModuleSpec* spec = RecordSchema::instance().module(module);
    if (!spec)
        return;

    Entry entry;
    entry.module = module;
    entry.recordId = id;
    entry.actor = event.by.name;
    entry.at = QDateTime::fromString(event.at, Qt::ISODateWithMs);
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
    if (event.ownerId != m_userId)
        return;
    if (kind == ChangeKind::Deleted) {
        entry.kind = Kind::Deleted;
        // Gone from the store: named by the values it had here.
        entry.title = tr("%1 deleted your %2").arg(entry.actor, recordName(module, id, previous));
        return add(entry);
    }
    if (kind != ChangeKind::Updated || fields.isEmpty())
        return;
    describeChange(entry, *spec, event, previous);
    add(entry);
}

void NotificationModel::onConflict(const OutboxEntry& outboxEntry, const QString& kind,
                                   const QJsonObject& detail)
{
    Entry entry;
    entry.kind = Kind::Conflicted;
    entry.module = outboxEntry.module;
    entry.recordId = outboxEntry.recordId;
    entry.at = QDateTime::currentDateTimeUtc();
    const QString name = recordName(outboxEntry.module, outboxEntry.recordId);
    const QString who = ConflictEntry::author(detail);
    if (kind == QStringLiteral("deleted"))
        entry.title = who.isEmpty()
                          ? tr("Your change to %1 was not saved: someone deleted it").arg(name)
                          : tr("Your change to %1 was not saved: %2 deleted it").arg(name, who);
    else
        entry.title =
            who.isEmpty()
                ? tr("Your change to %1 met someone else's: choose what to keep").arg(name)
                : tr("Your change to %1 met %2's: choose what to keep").arg(name, who);
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
    entry.id = m_nextId++;
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
    emit notified(entry.id);
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
