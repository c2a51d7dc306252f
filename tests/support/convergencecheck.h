#pragma once

// The invariants every convergence run ends on, shared by the single-server and the cluster
// tests: every client's copy equals the server's, no mutation applied twice, every mutation
// accounted for (applied, a conflict or a failure), and no applied edit overwrote a field
// someone else had changed since the version it was made on (docs/protocol.md 5.3).
#include "core/localstore.h"
#include "core/syncengine.h"
#include "realtime/restclient.h"
#include "support/eventloop.h"
#include "support/fastconfig.h"
#include "support/processclient.h"

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <QJsonArray>
#include <QUrlQuery>
#include <set>
#include <vector>

namespace crm::test {

// A client that also remembers what it queued: every mutation must be accounted for.
struct TrackedClient : ProcessClient
{
    TrackedClient(const QUrl& url, const QString& accessToken, const QString& path)
        : ProcessClient(fastConnectionConfig(url), accessToken, path)
    {}
    void track(const OutboxEntry& entry)
    {
        enqueued.insert(entry.mutationId);
        entries[entry.mutationId] = entry;
    }

    std::set<qint64> enqueued;
    std::map<qint64, OutboxEntry> entries; // by mutation id: what was sent, on which base
};

// The change log as REST pages it, all of it.
inline QList<QJsonObject> wholeLog(RestClient& rest)
{
    QList<QJsonObject> changes;
    qint64 since = 0;
    for (bool more = true; more;) {
        std::optional<RestReply> page;
        rest.get(
            QStringLiteral("/api/changes"), [&](const RestReply& r) { page = r; },
            {QString(), QString(), QUrlQuery(QStringLiteral("since=%1&limit=1000").arg(since))});
        REQUIRE(waitUntil([&] { return page.has_value(); }));
        REQUIRE(page->ok());
        const auto body = page->body.toObject();
        for (const auto& change : body.value(QStringLiteral("changes")).toArray())
            changes.append(change.toObject());
        since = body.value(QStringLiteral("through")).toInteger();
        more = body.value(QStringLiteral("more")).toBool();
    }
    return changes;
}

// The newest change of `field` in versions (base, before) of one
// record's history by anyone but `clientId`, after that client's own last change of it: what an
// applied mutation made on `base` would have overwritten without a word.
inline std::optional<QJsonObject> overwritten(const std::map<qint64, QJsonObject>& history,
                                              qint64 base, qint64 before, const QString& clientId,
                                              const QString& field)
{
    std::optional<QJsonObject> other;
    for (auto it = history.upper_bound(base); it != history.end() && it->first < before; ++it) {
        const auto& change = it->second;
        if (!change.value(QStringLiteral("fields")).toObject().contains(field))
            continue;
        if (change.value(QStringLiteral("clientId")).toString() != clientId)
            other = change;
        else
            other.reset();
    }
    return other;
}

// What a run produced: a test asserts these are large enough to prove something.
struct ConvergenceFigures
{
    qsizetype serverRecords = 0;
    qsizetype applied = 0;
    int conflicts = 0;
    int failures = 0;
    int checkedOverlaps = 0;
};

// Checks every invariant (each failure is a CHECK of its own) once the clients have settled.
inline ConvergenceFigures checkConverged(const std::vector<std::unique_ptr<TrackedClient>>& clients,
                                         const QString& module = QStringLiteral("escrows"))
{
    ConvergenceFigures figures;
    // The server's truth, read over REST.
    std::optional<RestReply> reply;
    clients[0]->rest.get(QStringLiteral("/api/records/") + module,
                         [&](const RestReply& r) { reply = r; },
                         {QString(), QString(), QUrlQuery(QStringLiteral("limit=500"))});
    REQUIRE(waitUntil([&] { return reply.has_value(); }));
    REQUIRE(reply->ok());
    std::map<QString, QJsonObject> serverRecords;
    for (const auto& item : reply->body.toObject().value(QStringLiteral("items")).toArray())
        serverRecords[item.toObject().value(QStringLiteral("id")).toString()] = item.toObject();
    figures.serverRecords = static_cast<qsizetype>(serverRecords.size());

    const QList<QJsonObject> log = wholeLog(clients[0]->rest);
    std::map<QString, std::set<qint64>> appliedByClient;
    std::set<std::pair<QString, qint64>> seen;
    std::map<QString, std::map<qint64, QJsonObject>> histories; // record -> version -> change
    for (const auto& c : log) {
        histories[c.value(QStringLiteral("id")).toString()]
                 [c.value(QStringLiteral("version")).toInteger()] = c;
        const auto key = std::make_pair(c.value(QStringLiteral("clientId")).toString(),
                                        c.value(QStringLiteral("mutationId")).toInteger());
        CHECK(seen.insert(key).second); // never applied twice
        appliedByClient[key.first].insert(key.second);
    }

    // No silent overwrite: every applied update or delete of ours met no other client's change
    // of the same field (of anything, for a delete) after the base it was made on.
    int checkedOverlaps = 0;
    for (const auto& c : log) {
        const QString kind = c.value(QStringLiteral("kind")).toString();
        if (kind == QStringLiteral("created"))
            continue;
        const QString clientId = c.value(QStringLiteral("clientId")).toString();
        const auto owner = std::find_if(clients.begin(), clients.end(), [&](auto& client) {
            return client->store->clientId() == clientId;
        });
        REQUIRE(owner != clients.end());
        const OutboxEntry& sent =
            (*owner)->entries.at(c.value(QStringLiteral("mutationId")).toInteger());
        const auto& history = histories[c.value(QStringLiteral("id")).toString()];
        const qint64 version = c.value(QStringLiteral("version")).toInteger();
        // A delete must not discard anyone's change of any field; an update, of its fields.
        QStringList fields = c.value(QStringLiteral("fields")).toObject().keys();
        if (kind == QStringLiteral("deleted")) {
            fields.clear();
            for (const auto& [v, earlier] : history) {
                if (v <= sent.baseVersion.value_or(0) || v >= version)
                    continue;
                for (const auto& name : earlier.value(QStringLiteral("fields")).toObject().keys()) {
                    if (!fields.contains(name))
                        fields.append(name);
                }
            }
        }
        for (const auto& field : fields) {
            ++checkedOverlaps;
            const auto other =
                overwritten(history, sent.baseVersion.value_or(0), version, clientId, field);
            INFO("mutation " << sent.mutationId << " (" << kind.toStdString() << " of "
                             << field.toStdString() << " on version "
                             << sent.baseVersion.value_or(0) << ") applied as version " << version
                             << " over version "
                             << (other ? other->value(QStringLiteral("version")).toInteger() : 0));
            CHECK_FALSE(other.has_value());
        }
    }
    figures.checkedOverlaps = checkedOverlaps;

    int conflicts = 0;
    int failures = 0;
    for (auto& c : clients) {
        conflicts += static_cast<int>(c->store->problems().conflicts().size());
        failures += static_cast<int>(c->store->problems().failures().size());
    }
    // The run must actually have produced overlapping edits, or it proves little.
    figures.conflicts = conflicts;
    figures.failures = failures;
    figures.applied = static_cast<qsizetype>(seen.size());
    UNSCOPED_INFO("applied " << seen.size() << ", conflicts " << conflicts << ", failures "
                             << failures);
    for (auto& c : clients) {
        // Every local copy equals the server's state.
        const auto local = c->store->cache().records(module);
        CHECK(local.size() == static_cast<qsizetype>(serverRecords.size()));
        for (const auto& record : local) {
            INFO(record.id.toStdString());
            REQUIRE(serverRecords.count(record.id) == 1);
            const auto& truth = serverRecords[record.id];
            CHECK(record.version == truth.value(QStringLiteral("version")).toInteger());
            CHECK(record.fields == truth.value(QStringLiteral("fields")).toObject());
        }
        // Every mutation is applied, a conflict or a failure: nothing vanished. A delete of a
        // record that was gone already is applied without a change (no seq, not in the log).
        std::set<qint64> accounted = appliedByClient[c->store->clientId()];
        for (const auto& [mutationId, entry] : c->entries) {
            if (entry.op == Operation::Delete && !accounted.count(mutationId) &&
                serverRecords.count(entry.recordId) == 0 &&
                histories[entry.recordId].rbegin()->second.value(QStringLiteral("kind")) ==
                    QStringLiteral("deleted"))
                accounted.insert(mutationId);
        }
        for (const auto& conflict : c->store->problems().conflicts())
            CHECK(accounted.insert(conflict.entry.mutationId).second);
        for (const auto& failure : c->store->problems().failures())
            CHECK(accounted.insert(failure.entry.mutationId).second);
        CHECK(accounted == c->enqueued);
    }
    return figures;
}

} // namespace crm::test
