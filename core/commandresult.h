#pragma once

#include <QString>

namespace crm {

// What a command of the client core did, for every command alike: done (with the record it
// made or changed and the queued edit that carries it), or refused with a reason the agent can
// read. A refused command queued nothing and sent nothing.
struct CommandResult
{
    enum class Refusal
    {
        None,
        NothingChanged, // the command asked for no change
        InvalidValue,   // a value the schema refuses (`field` names it)
        ReadOnly,       // the server refused this agent an edit of that record
        NotFound,       // no such record, refused edit or conflict here (any more)
        NotStored,      // this computer's copy could not write it down: nothing was kept or sent
        Offline,        // a request that needs the server could not reach it: nothing changed
        Rejected,       // the server refused a request (`message` says why, from the server)
    };

    Refusal refusal = Refusal::None;
    QString message; // for the agent, translated
    QString field;   // the field at fault, for InvalidValue
    QString recordId;
    qint64 mutationId = 0; // the queued edit the command made, when it made one

    bool ok() const { return refusal == Refusal::None; }
    // ok(), with the refusal's message in *error for callers that take one.
    bool reportTo(QString* error) const
    {
        if (!ok() && error)
            *error = message;
        return ok();
    }

    static CommandResult done(const QString& recordId, qint64 mutationId = 0)
    {
        CommandResult result;
        result.recordId = recordId;
        result.mutationId = mutationId;
        return result;
    }
    static CommandResult refused(Refusal refusal, const QString& message, const QString& field = {})
    {
        CommandResult result;
        result.refusal = refusal;
        result.message = message;
        result.field = field;
        return result;
    }
};

} // namespace crm
