#pragma once

#include "core/outboxentry.h"
#include "models/storelistmodel.h"

#include <QJsonObject>

namespace crm {

class ClientCore;

// Edits the server refused (validation, permission), oldest first, each with the server's
// reason, until the agent retries or discards them. Nothing refused is ever dropped silently.
class FailureModel : public StoreListModel
{
    Q_OBJECT
public:
    enum Role
    {
        MutationIdRole = Qt::UserRole + 1,
        ModuleRole,
        RecordIdRole,
        OpRole,
        FieldsRole, // QVariantMap of what the edit wanted
        CodeRole,   // the server's code: validation_failed, forbidden, ...
        MessageRole,
    };
    Q_ENUM(Role)

    explicit FailureModel(ClientCore& core, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    // Sends the edit again, with corrections laid over it, as a new mutation on the current
    // version; the refused entry leaves. False, with the reason in *error, when the corrected
    // values are refused, there is no such entry, or this computer could not write it down.
    bool retry(qint64 mutationId, const QJsonObject& corrections = {}, QString* error = nullptr);
    // Drops the refused edit; the record shows the confirmed values again.
    bool discard(qint64 mutationId, QString* error = nullptr);
    void refresh();

private:
    ClientCore& m_core;
    QList<FailedEntry> m_failures;
};

} // namespace crm
