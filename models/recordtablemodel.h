#pragma once

#include "core/clientcore.h"

#include <chrono>
#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QSet>
#include <QStringList>
#include <QTimer>

namespace crm {

struct ModuleSpec;

// One module's records as a table: the server-confirmed copy with the agent's queued edits laid
// over it (optimistic), columns from the shared schema. A remote change emits dataChanged for
// exactly the changed cells; creates and deletes insert and remove rows; the model never resets.
// Bursts of changes are coalesced and applied in slices so the event loop stays responsive.
class RecordTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role
    {
        RecordIdRole = Qt::UserRole + 1,
        FieldNameRole,      // the column's schema field name
        PendingRole,        // an edit of this record waits in the outbox
        FailedRole,         // an edit of this record was refused (see failures)
        ConflictRole,       // an edit of this record met someone else's change
        RemoteChangedRole,  // a teammate changed this cell within the last few seconds
        MaskedRole,         // a sensitive value hidden from this user
        RowPendingRole,     // some edit of this record (any field, create, delete) waits
        ReadOnlyReasonRole, // why this record cannot be edited here (the server refused an edit
                            // for lack of permission), or empty
    };
    Q_ENUM(Role)

    // How long a teammate's change stays marked.
    static constexpr int kRemoteHighlightMs = 4000;
    // Time a burst may hold the event loop per turn before the rest waits for the next turn
    // (at least one change is applied per turn).
    static constexpr std::chrono::milliseconds kSliceBudget{6};
    void setSliceBudget(std::chrono::milliseconds budget) { m_sliceBudget = budget; }
    // A steady stream is applied at most once a frame: the view repaints (and a sorted view
    // re-sorts) once per batch, not once per network read. A change after a quiet moment
    // applies at once.
    static constexpr std::chrono::milliseconds kFrame{16};

    // Listens to the module's feed of the core only; every edit goes through the core.
    RecordTableModel(ClientCore& core, const QString& module, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Edits through the model: each lands in the outbox at once (optimistic) and is sent by the
    // engine. setData changes one cell; updateRecord several fields in one edit. Values are
    // checked against the schema first; a refused value changes nothing. Every refusal says why
    // in *error: a wrong value, a read-only or vanished record, or a change this computer could
    // not write down (never a silent false).
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    bool updateRecord(int row, const QJsonObject& fields, QString* error = nullptr);
    // The new record's id, or empty (with the reason) when the values are refused.
    QString createRecord(const QJsonObject& fields, QString* error = nullptr);
    bool deleteRecord(int row, QString* error = nullptr);
    // The record's current values (confirmed with queued edits laid over).
    QJsonObject recordValues(int row) const;
    // Why the record at `row` cannot be edited (updateRecord refuses too), or empty.
    QString readOnlyReason(int row) const;
    const ModuleSpec& spec() const { return m_spec; }

    QString recordId(int row) const
    {
        return row >= 0 && row < m_data.size() ? m_data.at(row).id : QString();
    }
    int rowOf(const QString& id) const { return m_rows.value(id, -1); }
    // True while the record's row is being removed (a delete arrived): views and editors that
    // react to the removal must not treat the record as still there to be saved into.
    bool isRemoving(const QString& id) const { return !id.isEmpty() && id == m_removing; }
    // Changes waiting to be applied (bursts are sliced); for tests and the status bar.
    int queuedChanges() const { return static_cast<int>(m_queue.size() - m_queueHead); }

signals:
    // A reload of the whole copy has finished (the agent's team or role changed, or the server
    // could not patch the copy): a record that is not back is out of this agent's reach.
    void reloaded();

private:
    struct Row
    {
        QString id;
        QJsonObject confirmed;
        QJsonObject overlay; // queued local edits of this record, merged in order
        QStringList masked;
        bool pendingCreate = false;
        bool pendingDelete = false;
        bool failed = false;
        bool conflict = false;
        QString readOnlyReason; // the server refused an edit for lack of permission
        // (field, ms since epoch) of a teammate's recent changes. A small list, not a QHash:
        // a hash allocates ~1.5 KB however few it holds, and every row gets one in a busy day.
        QList<std::pair<QString, qint64>> remoteChangedAt;
    };

    void load();
    void settleReload();
    void updateLocalState(const crm::RecordLocalState& next);
    std::chrono::milliseconds untilNextFrame() const;
    void applyQueued();
    void fadeHighlights();
    // remoteFields: the cells a teammate changed (marked for a moment); own changes pass none.
    void applyChange(const RecordCache::Record& record, const QStringList& fields,
                     const QStringList& remoteFields);
    // Local state (queued edits, failure, conflict) of every record: once, at load; then the
    // feed brings each record's as it changes.
    void refreshAllLocalState();
    void insertRow(Row row);
    void removeRow(const QString& id);
    void emitCells(int row, const QStringList& fields, const QList<int>& roles);
    int columnOf(const QString& field) const;

    ClientCore& m_core;
    const ModuleSpec& m_spec;
    QHash<QString, int> m_columns; // field name -> column
    QList<Row> m_data;             // in row order
    QHash<QString, int> m_rows;    // record id -> row
    QSet<QString> m_highlighted;   // ids of rows with a teammate's mark on some cell
    // The copy was cleared (Loading) and then caught up (Settling): reloaded() once the rows
    // the reload brought are all in.
    enum class Reload
    {
        None,
        Loading,
        Settling
    };
    Reload m_reloading = Reload::None;
    struct QueuedChange
    {
        RecordCache::Record record;
        QStringList fields;
        bool byOthers = false;
    };
    QList<QueuedChange> m_queue;
    qsizetype m_queueHead = 0; // applied entries at the front, dropped when the queue drains
    QString m_removing;        // the record whose row is being removed, during the removal
    QTimer m_sliceTimer;
    QElapsedTimer m_lastApplied;
    std::chrono::milliseconds m_sliceBudget = kSliceBudget;
    QTimer m_highlightTimer;
};

} // namespace crm
