#pragma once

#include "core/outboxentry.h"
#include "models/storelistmodel.h"

#include <QAbstractListModel>
#include <QList>

namespace crm {

class ClientCore;

// Open conflicts, oldest first, for the conflict dialog and the badge's details: each with its
// record and, field by field, base / mine / theirs with the schema's labels. Rows come and go as
// conflicts arrive and are resolved; nothing is reset.
class ConflictModel : public StoreListModel
{
    Q_OBJECT
public:
    enum Role
    {
        ConflictIdRole = Qt::UserRole + 1,
        ModuleRole,
        RecordIdRole,
        KindRole,        // fields, deleted, changed (my delete met a later change)
        FieldsRole,      // QVariantList of {"field", "label", "base", "mine", "theirs"}
        ByRole,          // the name of whoever made the change mine met, or empty when unknown
        RecordTitleRole, // "Escrow ESC-26867"
        SummaryRole,     // who changed what, for the record's own view: "ben changed the price..."
    };
    Q_ENUM(Role)

    explicit ConflictModel(ClientCore& core, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void refresh();
    // The first open conflict on this record, or -1.
    int rowOfRecord(const QString& module, const QString& recordId) const;

private:
    QString recordTitle(const ConflictEntry& conflict) const;
    QString summary(const ConflictEntry& conflict, const QVariantList& fields) const;

    ClientCore& m_core;
    QList<ConflictEntry> m_conflicts;
};

} // namespace crm
