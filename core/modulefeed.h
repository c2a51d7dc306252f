#pragma once

#include "core/localstore.h"
#include "core/recordlocalstate.h"

#include <QObject>
#include <QStringList>

namespace crm {

// One module's news from the client core: its models listen here and hear nothing of the
// other modules. Every signal carries the state it announces, so no listener re-reads the store.
class ModuleFeed : public QObject
{
    Q_OBJECT
public:
    explicit ModuleFeed(const QString& module, QObject* parent = nullptr)
        : QObject(parent), m_module(module)
    {}
    QString module() const { return m_module; }

signals:
    // The confirmed copy of a record changed (deleted set when it went). byOthers: a teammate
    // or an AI agent made the change, not this profile.
    void recordChanged(const crm::RecordCache::Record& record, const QStringList& fields,
                       bool byOthers);
    // A record's queued edits, refusal or conflict changed.
    void localStateChanged(const crm::RecordLocalState& state);

private:
    QString m_module;
};

} // namespace crm
