#include "models/presencestore.h"

#include "core/clientcore.h"
#include "models/modelslogging.h"
#include "models/userpicturecache.h"

#include <algorithm>
#include <QCryptographicHash>
#include <QSet>

namespace crm {

PresenceStore::PresenceStore(ClientCore& core, QObject* parent)
    : QAbstractListModel(parent), m_core(core)
{
    connect(&core, &ClientCore::presenceSnapshot, this, &PresenceStore::onSnapshot);
    connect(&core, &ClientCore::presenceUpdated, this, &PresenceStore::onUpdate);
    connect(&core, &ClientCore::liveChanged, this, [this](bool live) {
        if (!live)
            onLinkDown();
    });
}

int PresenceStore::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_users.size());
}

QVariant PresenceStore::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Presence& p = m_users.at(index.row());
    auto list = [](const QList<RecordRef>& refs, bool withField) {
        QStringList out;
        for (const auto& ref : refs)
            out.append(withField ? ref.module + u'/' + ref.id + u'/' + ref.field
                                 : ref.module + u'/' + ref.id);
        return out;
    };
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return p.name;
    case UserIdRole:
        return p.userId;
    case StatusRole:
        return presenceStatusName(p.status);
    case InitialsRole:
        return initialsOf(p.name);
    case ColorSlotRole:
        return p.colorSlot;
    case ViewingRole:
        return list(p.viewing, false);
    case EditingRole:
        return list(p.editing, true);
    case SessionsRole:
        return p.sessions;
    case PictureRole:
        return m_pictures ? m_pictures->pictureOf(p.userId) : QByteArray();
    case StaleRole:
        return !m_live;
    case LastSeenRole:
        return p.lastSeen;
    default:
        return {};
    }
}

QHash<int, QByteArray> PresenceStore::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(UserIdRole, "userId");
    names.insert(NameRole, "name");
    names.insert(StatusRole, "status");
    names.insert(InitialsRole, "initials");
    names.insert(ColorSlotRole, "colorSlot");
    names.insert(ViewingRole, "viewing");
    names.insert(EditingRole, "editing");
    names.insert(SessionsRole, "sessions");
    names.insert(PictureRole, "picture");
    names.insert(StaleRole, "stale");
    names.insert(LastSeenRole, "lastSeen");
    return names;
}

QVariant PresenceStore::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (section == 0 && orientation == Qt::Horizontal && role == StaleRole)
        return !m_live;
    return QAbstractListModel::headerData(section, orientation, role);
}

void PresenceStore::onLinkDown()
{
    // Back online the rows stay stale until the snapshot replaces them: between CONNECT and the
    // snapshot they would still be the old, possibly wrong, picture.
    if (!m_live)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (auto& p : m_users)
        p.lastSeen = now; // true up to the moment the link went: the server would have said
    setLive(false);
}

void PresenceStore::setLive(bool live)
{
    if (live == m_live)
        return;
    m_live = live;
    qCInfo(lcPresence) << (live ? "live again" : "link down: showing last known") << m_users.size()
                       << "present";
    if (!m_users.isEmpty())
        emit dataChanged(index(0), index(static_cast<int>(m_users.size()) - 1),
                         {StaleRole, LastSeenRole});
    emit headerDataChanged(Qt::Horizontal, 0, 0);
    emit liveChanged(live);
}

void PresenceStore::setPictures(const UserPictureCache* pictures)
{
    m_pictures = pictures;
    connect(pictures, &UserPictureCache::pictureChanged, this, [this](const QString& userId) {
        const int row = rowOf(userId);
        if (row < 0)
            return;
        emit dataChanged(index(row), index(row), {PictureRole});
        emit userChanged(userId);
    });
}

QString PresenceStore::initialsOf(const QString& name)
{
    QString initials;
    for (const auto& part : name.split(u' ', Qt::SkipEmptyParts)) {
        initials.append(part.front().toUpper());
        if (initials.size() == 2)
            break;
    }
    return initials.isEmpty() ? QStringLiteral("?") : initials;
}

int PresenceStore::preferredColorSlot(const QString& userId)
{
    const QByteArray hash = QCryptographicHash::hash(userId.toUtf8(), QCryptographicHash::Md5);
    return (static_cast<unsigned char>(hash.at(0)) << 8 | static_cast<unsigned char>(hash.at(1))) %
           kColorSlots;
}

int PresenceStore::freeColorSlot(const QString& userId) const
{
    // A hash alone gives two of twelve people the same colour more often than not (the birthday
    // problem); taking the next free slot keeps everyone present apart, up to kColorSlots people.
    const int preferred = preferredColorSlot(userId);
    for (int step = 0; step < kColorSlots; ++step) {
        const int slot = (preferred + step) % kColorSlots;
        const bool taken = std::any_of(m_users.cbegin(), m_users.cend(),
                                       [slot](const Presence& p) { return p.colorSlot == slot; });
        if (!taken)
            return slot;
    }
    return preferred;
}

void PresenceStore::onUpdate(const crm::Presence& update)
{
    if (update.isGone())
        remove(update.userId);
    else
        upsert({update, 0, {}});
}

void PresenceStore::onSnapshot(const crm::PresenceSnapshot& snapshot)
{
    // After a reconnect the snapshot is the truth: patch rows in place, drop who left (first,
    // so that newcomers can have the colours they freed).
    QSet<QString> present;
    for (const auto& user : snapshot.users)
        present.insert(user.userId);
    QStringList gone;
    for (const auto& p : m_users) {
        if (!present.contains(p.userId))
            gone.append(p.userId);
    }
    for (const auto& userId : gone)
        remove(userId);
    for (const auto& user : snapshot.users)
        upsert({user, 0, {}});
    setLive(true);
}

int PresenceStore::rowOf(const QString& userId) const
{
    for (qsizetype i = 0; i < m_users.size(); ++i) {
        if (m_users.at(i).userId == userId)
            return static_cast<int>(i);
    }
    return -1;
}

void PresenceStore::upsert(Presence presence)
{
    presence.lastSeen = QDateTime::currentDateTimeUtc();
    const int row = rowOf(presence.userId);
    if (row < 0) {
        presence.colorSlot = freeColorSlot(presence.userId);
        const int at = static_cast<int>(m_users.size());
        beginInsertRows({}, at, at);
        m_users.append(presence);
        endInsertRows();
        emit onlineCountChanged(onlineCount());
    } else {
        presence.colorSlot = m_users.at(row).colorSlot; // kept while present, whoever comes or goes
        m_users[row] = presence;
        emit dataChanged(index(row), index(row));
    }
    emit userChanged(presence.userId);
}

void PresenceStore::remove(const QString& userId)
{
    const int row = rowOf(userId);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_users.removeAt(row);
    endRemoveRows();
    emit onlineCountChanged(onlineCount());
    emit userChanged(userId);
}

std::optional<PresenceStore::Presence> PresenceStore::presenceOf(const QString& userId) const
{
    const int row = rowOf(userId);
    return row < 0 ? std::nullopt : std::optional<Presence>(m_users.at(row));
}

QStringList PresenceStore::viewersOf(const QString& module, const QString& id,
                                     const QString& exceptUser) const
{
    QStringList viewers;
    for (const auto& p : m_users) {
        if (p.userId == exceptUser)
            continue;
        const bool views =
            std::any_of(p.viewing.cbegin(), p.viewing.cend(),
                        [&](const RecordRef& ref) { return ref.module == module && ref.id == id; });
        if (views)
            viewers.append(p.userId);
    }
    return viewers;
}

QString PresenceStore::editorOf(const QString& module, const QString& id, const QString& field,
                                const QString& exceptUser) const
{
    for (const auto& p : m_users) {
        if (p.userId == exceptUser)
            continue;
        if (p.editing.contains(RecordRef{module, id, field}))
            return p.userId;
    }
    return {};
}

void PresenceStore::setOwnStatus(const QString& status)
{
    m_core.setOwnStatus(status);
}

void PresenceStore::viewRecord(const QString& module, const QString& id)
{
    m_core.viewRecord(module, id);
}

void PresenceStore::editField(const QString& field)
{
    m_core.editField(field);
}

} // namespace crm
