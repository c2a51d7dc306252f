#pragma once

#include "protocol/changeevent.h"

#include <QAbstractListModel>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>

namespace crm {

class ClientCore;

// Who changed what and when, newest first, from the change stream, with each field's value
// before and after. Bounded: the oldest entries leave beyond `capacity`.
class ActivityModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role
    {
        SeqRole = Qt::UserRole + 1,
        AtRole, // ISO 8601 string
        UserIdRole,
        UserNameRole,
        ModuleRole,
        RecordIdRole,
        KindRole,    // created, updated, deleted
        ChangesRole, // QVariantList of {"field", "before", "after"} maps
        SummaryRole, // one line for the feed: "Ana updated escrow: status"
    };
    Q_ENUM(Role)

    explicit ActivityModel(ClientCore& core, int capacity = 5000, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    struct Entry
    {
        qint64 seq = 0;
        QString at;
        QString userId;
        QString userName;
        QString module;
        QString recordId;
        QString kind;
        QString title; // the record's title as this copy held it, for the notes' line
        QVariantList changes;
    };

    void add(const crm::ChangeEvent& event, const QJsonObject& previous);

    ClientCore& m_core;
    int m_capacity;
    QList<Entry> m_entries; // newest first
};

} // namespace crm
