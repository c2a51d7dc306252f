#include "models/recordtablemodel.h"

#include "core/localstore.h"
#include "models/modelslogging.h"
#include "protocol/recordschema.h"

#include <algorithm>
#include <QDateTime>
#include <QElapsedTimer>

namespace crm {

namespace {

const ModuleSpec& specFor(const QString& module)
{
    const ModuleSpec* spec = RecordSchema::instance().module(module);
    if (!spec)
        qFatal("RecordTableModel: unknown module %s", qPrintable(module));
    return *spec;
}

const QList<int> kValueRoles{Qt::DisplayRole, Qt::EditRole, RecordTableModel::PendingRole,
                             RecordTableModel::RemoteChangedRole, RecordTableModel::MaskedRole};

} // namespace

RecordTableModel::RecordTableModel(ClientCore& core, const QString& module, QObject* parent)
    : QAbstractTableModel(parent), m_core(core), m_spec(specFor(module))
{
    for (qsizetype i = 0; i < m_spec.fields.size(); ++i)
        m_columns.insert(m_spec.fields.at(i).name, static_cast<int>(i));
    m_sliceTimer.setSingleShot(true);
    m_sliceTimer.setTimerType(Qt::PreciseTimer); // a frame, not 16 ms give or take 5 %
    connect(&m_sliceTimer, &QTimer::timeout, this, &RecordTableModel::applyQueued);
    m_highlightTimer.setInterval(1000);
    connect(&m_highlightTimer, &QTimer::timeout, this, &RecordTableModel::fadeHighlights);
    const ModuleFeed& feed = core.feed(m_spec.name);
    connect(&feed, &ModuleFeed::recordChanged, this,
            [this](const RecordCache::Record& record, const QStringList& fields, bool byOthers) {
                m_queue.append({record, fields, byOthers});
                if (!m_sliceTimer.isActive())
                    m_sliceTimer.start(untilNextFrame());
            });
    connect(&feed, &ModuleFeed::localStateChanged, this, &RecordTableModel::updateLocalState);
    connect(&core, &ClientCore::caughtUp, this, [this] {
        // The reload's pages have all been stored; once the rows they bring are in, whatever
        // is not back is out of reach.
        if (m_reloading == Reload::Loading && !m_core.engine().isBootstrapping()) {
            m_reloading = Reload::Settling;
            settleReload();
        }
    });
    connect(&core, &ClientCore::copyCleared, this, [this] {
        // Rows of records this agent may no longer see must go; the reload brings back the rest.
        m_reloading = Reload::Loading;
        beginResetModel();
        m_queue.clear();
        m_queueHead = 0;
        m_data.clear();
        m_rows.clear();
        m_highlighted.clear();
        load();
        endResetModel();
    });
    load();
}

void RecordTableModel::load()
{
    const auto records = m_core.store().cache().records(m_spec.name);
    m_data.reserve(records.size());
    m_rows.reserve(records.size());
    for (const auto& record : records) {
        m_rows.insert(record.id, static_cast<int>(m_data.size()));
        Row row;
        row.id = record.id;
        row.confirmed = record.fields;
        row.masked = record.masked;
        m_data.append(std::move(row));
    }
    refreshAllLocalState();
}

int RecordTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_data.size());
}

int RecordTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_spec.fields.size());
}

QVariant RecordTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row& row = m_data.at(index.row());
    const QString& field = m_spec.fields.at(index.column()).name;
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole: {
        const auto overlaid = row.overlay.constFind(field);
        const QJsonValue value =
            overlaid != row.overlay.constEnd() ? overlaid.value() : row.confirmed.value(field);
        return value.isUndefined() || value.isNull() ? QVariant() : value.toVariant();
    }
    case RecordIdRole:
        return row.id;
    case FieldNameRole:
        return field;
    case PendingRole:
        return row.pendingCreate || row.pendingDelete || row.overlay.contains(field);
    case FailedRole:
        return row.failed;
    case ConflictRole:
        return row.conflict;
    case RemoteChangedRole:
        return std::any_of(row.remoteChangedAt.cbegin(), row.remoteChangedAt.cend(),
                           [&field](const auto& mark) { return mark.first == field; });
    case MaskedRole:
        return row.masked.contains(field);
    case RowPendingRole:
        return row.pendingCreate || row.pendingDelete || !row.overlay.isEmpty();
    case ReadOnlyReasonRole:
        return row.readOnlyReason;
    default:
        return {};
    }
}

Qt::ItemFlags RecordTableModel::flags(const QModelIndex& index) const
{
    if (!index.isValid()) // views and the model tester ask about the root too
        return Qt::NoItemFlags;
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return Qt::NoItemFlags;
    const Row& row = m_data.at(index.row());
    Qt::ItemFlags flags = Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemNeverHasChildren;
    // A hidden value cannot be edited blind, a record on its way out not at all, one the
    // server refused us permission for not until the agent has dealt with that refusal, and one
    // whose create the server refused (it exists nowhere but in Refused changes) not either; a
    // derived field (the notes' text) never: the server keeps it.
    const bool exists = !row.confirmed.isEmpty() || row.pendingCreate;
    const FieldSpec& field = m_spec.fields.at(index.column());
    if (!field.derived && !row.masked.contains(field.name) && !row.pendingDelete &&
        row.readOnlyReason.isEmpty() && exists)
        flags |= Qt::ItemIsEditable;
    return flags;
}

bool RecordTableModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (role != Qt::EditRole || !(flags(index) & Qt::ItemIsEditable))
        return false;
    const QString& field = m_spec.fields.at(index.column()).name;
    const QJsonValue json = value.isValid() && !value.isNull() ? QJsonValue::fromVariant(value)
                                                               : QJsonValue(QJsonValue::Null);
    if (recordValues(index.row()).value(field) == json)
        return true; // nothing to send
    return updateRecord(index.row(), {{field, json}});
}

QJsonObject RecordTableModel::recordValues(int row) const
{
    if (row < 0 || row >= m_data.size())
        return {};
    const Row& data = m_data.at(row);
    QJsonObject values = data.confirmed;
    for (auto it = data.overlay.begin(); it != data.overlay.end(); ++it) {
        if (it.value().isNull())
            values.remove(it.key());
        else
            values.insert(it.key(), it.value());
    }
    return values;
}

QString RecordTableModel::readOnlyReason(int row) const
{
    return row >= 0 && row < m_data.size() ? m_data.at(row).readOnlyReason : QString();
}

bool RecordTableModel::updateRecord(int row, const QJsonObject& fields, QString* error)
{
    // The core announces the queued edit; the overlay shows it before this returns.
    return m_core.edit(m_spec.name, recordId(row), fields).reportTo(error);
}

QString RecordTableModel::createRecord(const QJsonObject& fields, QString* error)
{
    const auto result = m_core.create(m_spec.name, fields);
    return result.reportTo(error) ? result.recordId : QString();
}

bool RecordTableModel::deleteRecord(int row, QString* error)
{
    return m_core.remove(m_spec.name, recordId(row)).reportTo(error);
}

QVariant RecordTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= m_spec.fields.size())
        return {};
    if (role == Qt::DisplayRole)
        return m_spec.fields.at(section).label;
    if (role == FieldNameRole)
        return m_spec.fields.at(section).name;
    return {};
}

QHash<int, QByteArray> RecordTableModel::roleNames() const
{
    auto names = QAbstractTableModel::roleNames();
    names.insert(RecordIdRole, "recordId");
    names.insert(FieldNameRole, "fieldName");
    names.insert(PendingRole, "pending");
    names.insert(FailedRole, "failed");
    names.insert(ConflictRole, "conflict");
    names.insert(RemoteChangedRole, "remoteChanged");
    names.insert(MaskedRole, "masked");
    names.insert(RowPendingRole, "rowPending");
    names.insert(ReadOnlyReasonRole, "readOnlyReason");
    return names;
}

std::chrono::milliseconds RecordTableModel::untilNextFrame() const
{
    if (!m_lastApplied.isValid())
        return std::chrono::milliseconds(0);
    const auto since = std::chrono::milliseconds(m_lastApplied.elapsed());
    return std::max(std::chrono::milliseconds(0), kFrame - since);
}

void RecordTableModel::applyQueued()
{
    // A burst is applied against a time budget; the event loop gets a turn between slices, so
    // input and painting never wait long however many changes arrive at once.
    QElapsedTimer slice;
    slice.start();
    m_lastApplied.start();
    while (m_queueHead < m_queue.size()) {
        const QueuedChange& change = m_queue.at(m_queueHead++);
        // Our own confirmations refresh the cells too, without the teammate mark.
        applyChange(change.record, change.fields, change.byOthers ? change.fields : QStringList());
        if (slice.elapsed() >= m_sliceBudget.count())
            break;
    }
    if (m_queueHead < m_queue.size()) {
        m_sliceTimer.start(0);
    } else {
        m_queue.clear();
        m_queueHead = 0;
        settleReload();
    }
}

void RecordTableModel::settleReload()
{
    if (m_reloading != Reload::Settling || m_queueHead < m_queue.size())
        return;
    m_reloading = Reload::None;
    emit reloaded();
}

void RecordTableModel::fadeHighlights()
{
    // Teammates' marks fade: clear the cells whose moment has passed.
    const qint64 cutoff = QDateTime::currentMSecsSinceEpoch() - kRemoteHighlightMs;
    for (auto id = m_highlighted.begin(); id != m_highlighted.end();) {
        const int position = m_rows.value(*id, -1);
        if (position < 0) {
            id = m_highlighted.erase(id);
            continue;
        }
        Row& row = m_data[position];
        QStringList expired;
        for (const auto& mark : std::as_const(row.remoteChangedAt)) {
            if (mark.second < cutoff)
                expired.append(mark.first);
        }
        row.remoteChangedAt.removeIf([cutoff](const auto& mark) { return mark.second < cutoff; });
        if (row.remoteChangedAt.isEmpty())
            row.remoteChangedAt = {}; // give the memory back, not just the entries
        emitCells(position, expired, {RemoteChangedRole});
        id = row.remoteChangedAt.isEmpty() ? m_highlighted.erase(id) : std::next(id);
    }
    if (m_highlighted.isEmpty())
        m_highlightTimer.stop();
}

void RecordTableModel::applyChange(const RecordCache::Record& record, const QStringList& fields,
                                   const QStringList& remoteFields)
{
    if (record.deleted) {
        removeRow(record.id);
        return;
    }
    const int position = m_rows.value(record.id, -1);
    if (position < 0) {
        Row row;
        row.id = record.id;
        row.confirmed = record.fields;
        row.masked = record.masked;
        insertRow(std::move(row));
        return;
    }
    Row& row = m_data[position];
    row.confirmed = record.fields;
    row.masked = record.masked;
    row.pendingCreate = false;
    if (!remoteFields.isEmpty()) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        for (const auto& field : remoteFields) {
            auto mark = std::find_if(row.remoteChangedAt.begin(), row.remoteChangedAt.end(),
                                     [&field](const auto& m) { return m.first == field; });
            if (mark != row.remoteChangedAt.end())
                mark->second = now;
            else
                row.remoteChangedAt.append({field, now});
        }
        m_highlighted.insert(record.id);
        if (!m_highlightTimer.isActive())
            m_highlightTimer.start();
    }
    emitCells(position, fields, kValueRoles);
}

void RecordTableModel::refreshAllLocalState()
{
    const auto states = m_core.localStates(m_spec.name);
    for (const auto& state : states)
        updateLocalState(state);
}

void RecordTableModel::updateLocalState(const RecordLocalState& next)
{
    const QString& id = next.id;
    const int position = m_rows.value(id, -1);
    if (position < 0) {
        if (next.pendingCreate) { // a record that exists only here, so far
            Row row;
            row.id = id;
            row.overlay = next.overlay;
            row.pendingCreate = true;
            row.pendingDelete = next.pendingDelete;
            row.failed = next.failed;
            row.conflict = next.conflict;
            row.readOnlyReason = next.readOnlyReason;
            insertRow(std::move(row));
        }
        return;
    }
    // The confirmed copy is read now, not when its queued change gets its turn: an overlay that
    // leaves must never uncover an older value for a moment.
    const auto& stored = next.confirmed;
    if (!stored && !next.pendingCreate && !next.failed && !next.conflict) {
        removeRow(id); // a local create that left the outbox without becoming a record
        return;
    }
    Row& row = m_data[position];
    QStringList fields = row.overlay.keys();
    if (stored && !stored->deleted) {
        for (const auto& key : stored->fields.keys()) {
            if (stored->fields.value(key) != row.confirmed.value(key) && !fields.contains(key))
                fields.append(key);
        }
        row.confirmed = stored->fields;
        row.masked = stored->masked;
    }
    for (const auto& key : next.overlay.keys()) {
        if (!fields.contains(key))
            fields.append(key);
    }
    const bool pendingCreate = next.pendingCreate && !stored;
    const bool flagsChanged = row.failed != next.failed || row.conflict != next.conflict ||
                              row.readOnlyReason != next.readOnlyReason ||
                              row.overlay.isEmpty() != next.overlay.isEmpty() ||
                              row.pendingDelete != next.pendingDelete ||
                              row.pendingCreate != pendingCreate;
    row.overlay = next.overlay;
    row.pendingCreate = pendingCreate;
    row.pendingDelete = next.pendingDelete;
    row.failed = next.failed;
    row.conflict = next.conflict;
    row.readOnlyReason = next.readOnlyReason;
    if (flagsChanged)
        emit dataChanged(
            index(position, 0), index(position, columnCount() - 1),
            {PendingRole, FailedRole, ConflictRole, RowPendingRole, ReadOnlyReasonRole});
    emitCells(position, fields, kValueRoles);
}

void RecordTableModel::insertRow(Row row)
{
    const int position = static_cast<int>(m_data.size());
    beginInsertRows({}, position, position);
    m_rows.insert(row.id, position);
    m_data.append(std::move(row));
    endInsertRows();
}

void RecordTableModel::removeRow(const QString& id)
{
    const int position = m_rows.value(id, -1);
    if (position < 0)
        return;
    m_removing = id;
    beginRemoveRows({}, position, position);
    m_data.removeAt(position);
    m_rows.remove(id);
    for (int i = position; i < m_data.size(); ++i)
        m_rows[m_data.at(i).id] = i;
    endRemoveRows();
    m_removing.clear();
}

void RecordTableModel::emitCells(int row, const QStringList& fields, const QList<int>& roles)
{
    for (const auto& field : fields) {
        const int column = m_columns.value(field, -1);
        if (column >= 0) {
            const QModelIndex cell = index(row, column);
            emit dataChanged(cell, cell, roles);
        }
    }
}

} // namespace crm
