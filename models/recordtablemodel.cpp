#include "models/recordtablemodel.h"

#include "models/localstore.h"
#include "models/modelslogging.h"
#include "models/schema/recordschema.h"
#include "models/syncengine.h"

#include <QDateTime>

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

RecordTableModel::RecordTableModel(LocalStore& store, SyncEngine& engine, const QString& module,
                                   QObject* parent)
    : QAbstractTableModel(parent), m_store(store), m_spec(specFor(module))
{
    m_sliceTimer.setSingleShot(true);
    connect(&m_sliceTimer, &QTimer::timeout, this, &RecordTableModel::applyQueued);
    m_highlightTimer.setInterval(1000);
    connect(&m_highlightTimer, &QTimer::timeout, this, [this] {
        // Teammates' marks fade: clear the cells whose moment has passed.
        const qint64 cutoff = QDateTime::currentMSecsSinceEpoch() - kRemoteHighlightMs;
        bool any = false;
        for (auto it = m_data.begin(); it != m_data.end(); ++it) {
            QStringList expired;
            for (auto field = it->remoteChangedAt.begin(); field != it->remoteChangedAt.end();) {
                if (field.value() < cutoff) {
                    expired.append(field.key());
                    field = it->remoteChangedAt.erase(field);
                } else {
                    any = true;
                    ++field;
                }
            }
            if (!expired.isEmpty())
                emitCells(m_rows.value(it.key()), expired, {RemoteChangedRole});
        }
        if (!any)
            m_highlightTimer.stop();
    });
    connect(&engine, &SyncEngine::recordChanged, this,
            [this](const QString& changedModule, const QString& id, const QStringList& fields,
                   bool byOthers) {
                if (changedModule != m_spec.name)
                    return;
                m_queue.append({id, fields, byOthers});
                if (!m_sliceTimer.isActive())
                    m_sliceTimer.start(0);
            });
    connect(&engine, &SyncEngine::localStateChanged, this,
            [this](const QString& changedModule, const QString& id) {
                if (changedModule == m_spec.name)
                    refreshLocalState(id);
            });
    load();
}

void RecordTableModel::load()
{
    for (const auto& record : m_store.records(m_spec.name)) {
        Row row;
        row.confirmed = record.fields;
        row.masked = record.masked;
        m_rows.insert(record.id, static_cast<int>(m_ids.size()));
        m_ids.append(record.id);
        m_data.insert(record.id, row);
    }
    refreshAllLocalState();
}

int RecordTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_ids.size());
}

int RecordTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_spec.fields.size());
}

int RecordTableModel::columnOf(const QString& field) const
{
    for (qsizetype i = 0; i < m_spec.fields.size(); ++i) {
        if (m_spec.fields.at(i).name == field)
            return static_cast<int>(i);
    }
    return -1;
}

QVariant RecordTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QString& id = m_ids.at(index.row());
    const Row& row = m_data[id];
    const QString field = m_spec.fields.at(index.column()).name;
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole: {
        const QJsonValue value =
            row.overlay.contains(field) ? row.overlay.value(field) : row.confirmed.value(field);
        return value.isUndefined() || value.isNull() ? QVariant() : value.toVariant();
    }
    case RecordIdRole:
        return id;
    case FieldNameRole:
        return field;
    case PendingRole:
        return row.pendingCreate || row.pendingDelete || row.overlay.contains(field);
    case FailedRole:
        return row.failed;
    case ConflictRole:
        return row.conflict;
    case RemoteChangedRole:
        return row.remoteChangedAt.contains(field);
    case MaskedRole:
        return row.masked.contains(field);
    default:
        return {};
    }
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
    return names;
}

void RecordTableModel::applyQueued()
{
    // A burst is applied in slices; the event loop gets a turn between them.
    const qsizetype count = std::min<qsizetype>(kSliceSize, m_queue.size());
    for (qsizetype i = 0; i < count; ++i) {
        const QueuedChange& change = m_queue.at(i);
        // Our own confirmations refresh the cells too, without the teammate mark.
        applyChange(change.id, change.fields, change.byOthers ? change.fields : QStringList());
    }
    m_queue.remove(0, count);
    if (!m_queue.isEmpty())
        m_sliceTimer.start(0);
}

void RecordTableModel::applyChange(const QString& id, const QStringList& fields,
                                   const QStringList& remoteFields)
{
    const auto record = m_store.record(m_spec.name, id);
    if (!record || record->deleted) {
        removeRow(id);
        return;
    }
    auto it = m_data.find(id);
    if (it == m_data.end()) {
        Row row;
        row.confirmed = record->fields;
        row.masked = record->masked;
        insertRow(id, row);
        return;
    }
    it->confirmed = record->fields;
    it->masked = record->masked;
    it->pendingCreate = false;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const auto& field : remoteFields)
        it->remoteChangedAt.insert(field, now);
    if (!remoteFields.isEmpty() && !m_highlightTimer.isActive())
        m_highlightTimer.start();
    emitCells(m_rows.value(id), fields, kValueRoles);
}

void RecordTableModel::refreshAllLocalState()
{
    QHash<QString, Row> local; // overlay and flags per record of this module
    for (const auto& entry : m_store.outbox()) {
        if (entry.module != m_spec.name)
            continue;
        Row& row = local[entry.recordId];
        row.pendingCreate = row.pendingCreate || entry.op == QStringLiteral("create");
        row.pendingDelete = row.pendingDelete || entry.op == QStringLiteral("delete");
        for (auto it = entry.fields.begin(); it != entry.fields.end(); ++it)
            row.overlay.insert(it.key(), it.value());
    }
    for (const auto& failure : m_store.failures()) {
        if (failure.entry.module == m_spec.name)
            local[failure.entry.recordId].failed = true;
    }
    for (const auto& conflict : m_store.conflicts()) {
        if (conflict.entry.module == m_spec.name)
            local[conflict.entry.recordId].conflict = true;
    }
    for (auto it = local.cbegin(); it != local.cend(); ++it)
        updateLocalState(it.key(), it.value());
}

void RecordTableModel::refreshLocalState(const QString& id)
{
    Row next;
    for (const auto& entry : m_store.outboxOf(m_spec.name, id)) {
        next.pendingCreate = next.pendingCreate || entry.op == QStringLiteral("create");
        next.pendingDelete = next.pendingDelete || entry.op == QStringLiteral("delete");
        for (auto it = entry.fields.begin(); it != entry.fields.end(); ++it)
            next.overlay.insert(it.key(), it.value());
    }
    next.failed = m_store.hasFailure(m_spec.name, id);
    next.conflict = m_store.hasConflict(m_spec.name, id);
    updateLocalState(id, next);
}

void RecordTableModel::updateLocalState(const QString& id, const Row& next)
{
    auto it = m_data.find(id);
    if (it == m_data.end()) {
        if (next.pendingCreate) // a record that exists only here, so far
            insertRow(id, next);
        return;
    }
    // The confirmed copy is read now, not when its queued change gets its turn: an overlay that
    // leaves must never uncover an older value for a moment.
    const auto stored = m_store.record(m_spec.name, id);
    if (!stored && !next.pendingCreate && !next.failed && !next.conflict) {
        removeRow(id); // a local create that left the outbox without becoming a record
        return;
    }
    QStringList fields = it->overlay.keys();
    if (stored && !stored->deleted) {
        for (const auto& key : stored->fields.keys()) {
            if (stored->fields.value(key) != it->confirmed.value(key) && !fields.contains(key))
                fields.append(key);
        }
        it->confirmed = stored->fields;
        it->masked = stored->masked;
    }
    for (const auto& key : next.overlay.keys()) {
        if (!fields.contains(key))
            fields.append(key);
    }
    const bool pendingCreate = next.pendingCreate && !stored;
    const bool flagsChanged = it->failed != next.failed || it->conflict != next.conflict ||
                              it->pendingDelete != next.pendingDelete ||
                              it->pendingCreate != pendingCreate;
    it->overlay = next.overlay;
    it->pendingCreate = pendingCreate;
    it->pendingDelete = next.pendingDelete;
    it->failed = next.failed;
    it->conflict = next.conflict;
    const int row = m_rows.value(id);
    if (flagsChanged)
        emit dataChanged(index(row, 0), index(row, columnCount() - 1),
                         {PendingRole, FailedRole, ConflictRole});
    emitCells(row, fields, kValueRoles);
}

void RecordTableModel::insertRow(const QString& id, Row row)
{
    const int position = static_cast<int>(m_ids.size());
    beginInsertRows({}, position, position);
    m_ids.append(id);
    m_rows.insert(id, position);
    m_data.insert(id, std::move(row));
    endInsertRows();
}

void RecordTableModel::removeRow(const QString& id)
{
    const int position = m_rows.value(id, -1);
    if (position < 0)
        return;
    beginRemoveRows({}, position, position);
    m_ids.removeAt(position);
    m_data.remove(id);
    m_rows.remove(id);
    for (int i = position; i < m_ids.size(); ++i)
        m_rows[m_ids.at(i)] = i;
    endRemoveRows();
}

void RecordTableModel::emitCells(int row, const QStringList& fields, const QList<int>& roles)
{
    for (const auto& field : fields) {
        const int column = columnOf(field);
        if (column >= 0) {
            const QModelIndex cell = index(row, column);
            emit dataChanged(cell, cell, roles);
        }
    }
}

} // namespace crm
