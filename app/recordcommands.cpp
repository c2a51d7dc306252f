#include "app/recordcommands.h"

#include "app/clisession.h"
#include "protocol/recordschema.h"

#include <cstdio>
#include <functional>
#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

namespace crm {

namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("crm-cli", text);
}

void out(const QString& text)
{
    std::printf("%s\n", qPrintable(text));
}

int fail(int status, const QString& message)
{
    std::fprintf(stderr, "crm-cli: %s\n", qPrintable(message));
    return status;
}

// A refused command: 5 when this computer could not write it down (as for any storage
// failure), else 1 (the command was wrong for what the copy holds).
int exitCodeOf(const CommandResult& result)
{
    return result.refusal == CommandResult::Refusal::NotStored ? 5 : 1;
}

QString canonical(const QJsonObject& object)
{
    // QJsonObject keeps keys sorted, so this is canonical already.
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// "price=525000" -> {"price": 525000}, typed by the schema ("null" clears a field).
bool parseAssignments(const ModuleSpec& spec, const QStringList& items, QJsonObject* fields,
                      QString* error)
{
    for (const auto& item : items) {
        const qsizetype eq = item.indexOf(u'=');
        if (eq <= 0) {
            *error = tr("'%1' is not field=value").arg(item);
            return false;
        }
        const QString name = item.left(eq);
        const QString text = item.mid(eq + 1);
        const FieldSpec* field = spec.field(name);
        if (!field) {
            *error = tr("%1 has no field '%2'").arg(spec.name, name);
            return false;
        }
        using Type = FieldSpec::Type;
        QJsonValue value = text;
        if (text == QStringLiteral("null")) {
            value = QJsonValue::Null;
        } else if (field->type == Type::Integer || field->type == Type::Number ||
                   field->type == Type::Money) {
            bool ok = false;
            const double number = text.toDouble(&ok);
            if (!ok) {
                *error = tr("%1 must be a number").arg(name);
                return false;
            }
            value = number;
        } else if (field->type == Type::Bool) {
            value = text == QStringLiteral("true");
        }
        fields->insert(name, value);
    }
    return true;
}

QJsonObject recordJson(const RecordCache::Record& r)
{
    QJsonObject json{{QStringLiteral("module"), r.module},
                     {QStringLiteral("id"), r.id},
                     {QStringLiteral("version"), r.version},
                     {QStringLiteral("fields"), r.fields}};
    if (!r.masked.isEmpty())
        json.insert(QStringLiteral("masked"), QJsonArray::fromStringList(r.masked));
    return json;
}

// A record line with the agent's queued edits beside the confirmed copy, never merged into it:
// {"module", "id", "version", "fields", "pending": [{"mutationId", "op", "fields"}]}.
QJsonObject withPending(QJsonObject line, const QList<OutboxEntry>& queued)
{
    if (queued.isEmpty())
        return line;
    QJsonArray pending;
    for (const auto& entry : queued)
        pending.append(QJsonObject{{QStringLiteral("mutationId"), entry.mutationId},
                                   {QStringLiteral("op"), operationName(entry.op)},
                                   {QStringLiteral("fields"), entry.fields}});
    line.insert(QStringLiteral("pending"), pending);
    return line;
}

// The lines of `module`: confirmed records with their queued edits, then records that exist
// only in the outbox (created here, not sent yet, at version 0).
QList<QJsonObject> recordLines(LocalStore& store, const QString& module)
{
    QHash<QString, QList<OutboxEntry>> queued;
    QStringList queuedOrder;
    for (const auto& entry : store.outbox().entries()) {
        if (entry.module != module)
            continue;
        if (!queued.contains(entry.recordId))
            queuedOrder.append(entry.recordId);
        queued[entry.recordId].append(entry);
    }
    QList<QJsonObject> lines;
    for (const auto& record : store.cache().records(module)) {
        lines.append(withPending(recordJson(record), queued.take(record.id)));
    }
    for (const auto& id : queuedOrder) {
        if (queued.contains(id))
            lines.append(withPending({{QStringLiteral("module"), module},
                                      {QStringLiteral("id"), id},
                                      {QStringLiteral("version"), 0},
                                      {QStringLiteral("fields"), QJsonObject()}},
                                     queued.value(id)));
    }
    return lines;
}

// What happened to one edit of this command after a sync: 0 applied or still queued (it is
// durable; it goes at the next sync), 4 it met someone else's change, 6 the server refused it.
// The details go to stderr, so a script learns about its own edit, not about others'.
int fateOf(LocalStore& store, qint64 mutationId)
{
    for (const auto& conflict : store.problems().conflicts()) {
        if (conflict.entry.mutationId == mutationId) {
            std::fprintf(stderr, "%s\n",
                         qPrintable(tr("crm-cli: conflict %1: someone else changed this record; "
                                       "see `crm-cli conflicts`, then `crm-cli resolve %1`")
                                        .arg(conflict.id)));
            return 4;
        }
    }
    for (const auto& failed : store.problems().failures()) {
        if (failed.entry.mutationId == mutationId) {
            std::fprintf(stderr, "%s\n",
                         qPrintable(tr("crm-cli: refused (%1): %2; `crm-cli retry %3 f=v ...` "
                                       "or `crm-cli discard %3`")
                                        .arg(failed.code, failed.message)
                                        .arg(mutationId)));
            return 6;
        }
    }
    for (const auto& entry : store.outbox().entries()) {
        if (entry.mutationId == mutationId) {
            std::fprintf(stderr, "%s\n",
                         qPrintable(tr("crm-cli: queued: not sent yet; it goes at the next sync")));
            return 0;
        }
    }
    return 0;
}

} // namespace

int runRecordCommand(const QStringList& args, const CliOptions& options)
{
    const QString command = args.value(0);
    CliSession session(options.server, options.profileDir);
    QString error;
    if (!session.open(&error))
        return fail(5, error);

    auto syncNow = [&](bool quiet, const std::function<void()>& onceCaughtUp = {}) {
        QString token;
        if (const int status = options.obtainToken(&token); status != 0)
            return status;
        session.setToken(token);
        QString why;
        const auto result = session.sync(options.timeoutSec, &why, onceCaughtUp);
        const QJsonObject summary{
            {QStringLiteral("seq"), session.store().cache().lastSeq()},
            {QStringLiteral("pending"), session.store().outbox().count()},
            {QStringLiteral("failed"), session.store().problems().failureCount()},
            {QStringLiteral("conflicts"), session.store().problems().conflictCount()}};
        if (!quiet)
            out(options.json ? canonical(summary)
                             : tr("seq %1, pending %2, failed %3, conflicts %4")
                                   .arg(summary.value(QStringLiteral("seq")).toInteger())
                                   .arg(summary.value(QStringLiteral("pending")).toInt())
                                   .arg(summary.value(QStringLiteral("failed")).toInt())
                                   .arg(summary.value(QStringLiteral("conflicts")).toInt()));
        switch (result) {
        case CliSession::SyncResult::Clear:
            return 0;
        case CliSession::SyncResult::Attention:
            return 4;
        case CliSession::SyncResult::AuthRefused:
            return fail(2, why);
        case CliSession::SyncResult::Unreachable:
            return fail(3, why);
        }
        return 3;
    };

    if (command == QStringLiteral("sync"))
        return syncNow(false);
    if (command == QStringLiteral("pending")) {
        for (const auto& entry : session.store().outbox().entries())
            out(canonical(entry.toMutation().toJson()));
        // Refused edits wait for `retry` or `discard`: listed with the server's reason.
        for (const auto& failed : session.store().problems().failures()) {
            QJsonObject line = failed.entry.toMutation().toJson();
            line.insert(QStringLiteral("failed"),
                        QJsonObject{{QStringLiteral("code"), failed.code},
                                    {QStringLiteral("message"), failed.message}});
            out(canonical(line));
        }
        return 0;
    }
    if (command == QStringLiteral("conflicts")) {
        for (const auto& conflict : session.store().problems().conflicts())
            out(canonical({{QStringLiteral("conflictId"), conflict.id},
                           {QStringLiteral("kind"), conflictKindName(conflict.kind)},
                           {QStringLiteral("mutation"), conflict.entry.toMutation().toJson()},
                           {QStringLiteral("detail"), conflict.detail}}));
        return 0;
    }

    if (command == QStringLiteral("resolve") || command == QStringLiteral("retry") ||
        command == QStringLiteral("discard")) {
        bool ok = false;
        const qint64 id = args.value(1).toLongLong(&ok);
        if (!ok)
            return fail(1, tr("%1 needs an id (see `conflicts` / `sync`)").arg(command));
        CommandResult result;
        if (command == QStringLiteral("discard")) {
            result = session.core().discard(id);
            return result.ok() ? 0 : fail(exitCodeOf(result), result.message);
        }
        if (command == QStringLiteral("retry")) {
            QString module;
            for (const auto& failed : session.store().problems().failures()) {
                if (failed.entry.mutationId == id)
                    module = failed.entry.module;
            }
            if (module.isEmpty())
                return fail(1, tr("no failed change %1").arg(id));
            const ModuleSpec* retrySpec = RecordSchema::instance().module(module);
            QJsonObject corrections;
            if (!retrySpec || !parseAssignments(*retrySpec, args.mid(2), &corrections, &error))
                return fail(1, error);
            // Sent again as a new mutation on the current version, with the corrections.
            result = session.core().retry(id, corrections);
        } else {
            std::optional<ConflictEntry> conflict;
            for (const auto& c : session.store().problems().conflicts()) {
                if (c.id == id)
                    conflict = c;
            }
            if (!conflict)
                return fail(1, tr("no open conflict %1").arg(id));
            const ModuleSpec* conflictSpec =
                RecordSchema::instance().module(conflict->entry.module);
            QJsonObject chosen;
            if (!conflictSpec || !parseAssignments(*conflictSpec, args.mid(2), &chosen, &error))
                return fail(1, error);
            using Resolution = ClientCore::Resolution;
            std::optional<Resolution> resolution;
            if (options.theirs)
                resolution = Resolution::TakeTheirs;
            else if (conflict->kind == ConflictKind::Deleted && options.mine)
                resolution = Resolution::Restore;
            else if (conflict->kind == ConflictKind::Changed && options.mine)
                resolution = Resolution::DeleteAnyway;
            else if (conflict->kind == ConflictKind::Fields && options.mine)
                resolution = Resolution::KeepMine;
            else if (conflict->kind == ConflictKind::Fields && !chosen.isEmpty())
                resolution = Resolution::Merge;
            if (!resolution)
                return fail(1,
                            tr("say --mine, --theirs or field=value ... for conflict %1").arg(id));
            result = session.core().resolve(id, *resolution, chosen);
        }
        if (!result.ok())
            return fail(exitCodeOf(result), result.message);
        const qint64 sent = result.mutationId; // the edit this command queued, if any
        if (options.offline || sent == 0)
            return 0;
        const int status = syncNow(true);
        return status == 2 || status == 5 ? status : fateOf(session.store(), sent);
    }

    const ModuleSpec* spec = RecordSchema::instance().module(args.value(1));
    if (command == QStringLiteral("dump")) {
        for (const auto& module : RecordSchema::instance().modules()) {
            if (!args.value(1).isEmpty() && module.name != args.value(1))
                continue;
            for (const auto& line : recordLines(session.store(), module.name))
                out(canonical(line));
        }
        return 0;
    }
    if (!spec)
        return fail(1, tr("unknown module '%1'").arg(args.value(1)));

    if (command == QStringLiteral("list") || command == QStringLiteral("get")) {
        if (!options.offline) {
            const int status = syncNow(true);
            if (status == 2 || status == 3)
                return status;
        }
        const QString whereField = options.where.section(u'=', 0, 0);
        const QString whereValue = options.where.section(u'=', 1);
        for (const auto& line : recordLines(session.store(), spec->name)) {
            if (command == QStringLiteral("get") &&
                line.value(QStringLiteral("id")).toString() != args.value(2))
                continue;
            if (!whereField.isEmpty() && line.value(QStringLiteral("fields"))
                                                 .toObject()
                                                 .value(whereField)
                                                 .toVariant()
                                                 .toString() != whereValue)
                continue;
            out(canonical(line));
            if (command == QStringLiteral("get"))
                return 0;
        }
        return command == QStringLiteral("get") ? fail(1, tr("no such record")) : 0;
    }

    QString id;
    QStringList assignments;
    if (command == QStringLiteral("create")) {
        assignments = args.mid(2);
    } else if (command == QStringLiteral("set")) {
        id = args.value(2);
        assignments = args.mid(3);
    } else if (command == QStringLiteral("delete")) {
        id = args.value(2);
    } else {
        return fail(1, tr("unknown command '%1'").arg(command));
    }
    const bool creating = command == QStringLiteral("create");
    if (!creating && id.isEmpty())
        return fail(1, tr("%1 needs a record id").arg(command));
    QJsonObject fields;
    if (!parseAssignments(*spec, assignments, &fields, &error))
        return fail(1, error);
    // An edit is made on the version we have: a record this profile has never seen is fetched
    // first, or the server would refuse an edit based on nothing.
    if (!creating && !session.store().cache().record(spec->name, id)) {
        if (options.offline)
            return fail(1, tr("%1 %2 is not in the local copy; run without --offline to fetch it")
                               .arg(spec->singular, id));
        if (const int status = syncNow(true); status == 2 || status == 3)
            return status;
        if (!session.store().cache().record(spec->name, id))
            return fail(1, tr("no %1 with id %2").arg(spec->singular, id));
    }
    // Online, the edit is made once the copy has caught up: "set price=5" means the price
    // should be 5 now, so it is based on the newest version, not on what the profile last saw.
    // Offline (or when the server cannot be reached) it is made on the local copy and queued.
    std::optional<CommandResult> result;
    auto makeEdit = [&] {
        ClientCore& core = session.core();
        result = creating                              ? core.create(spec->name, fields)
                 : command == QStringLiteral("delete") ? core.remove(spec->name, id)
                                                       : core.edit(spec->name, id, fields);
    };
    const int status = options.offline ? 0 : syncNow(true, makeEdit);
    if (!result)
        makeEdit();
    if (!result->ok())
        return fail(exitCodeOf(*result), result->message);
    if (creating)
        out(result->recordId);
    // Durable locally from here on: a failure to reach the server only means "later".
    if (options.offline)
        return 0;
    return status == 2 || status == 5 ? status : fateOf(session.store(), result->mutationId);
}

} // namespace crm
