// The conflict rule of docs/protocol.md 5.3 on a real database (SQLite and PostgreSQL): an edit
// made on version B conflicts on every field that anyone other than its own client changed after
// B, however many of that client's own edits applied in between; a delete made on an old copy
// that someone else changed since is a conflict too; a batch applies in order, in one
// transaction, every result intact.
#include "support/storagebrokerage.h"

#include <catch2/catch.hpp>
#include <QJsonArray>

using namespace crm;
using crm::test::Brokerage;
using crm::test::errorCode;
using crm::test::newId;
using crm::test::status;

namespace {

const QString kLeads = QStringLiteral("leads");
const QString kAlex = QStringLiteral("alex-laptop");
const QString kSam = QStringLiteral("sam-desktop");

QJsonObject lead(const QString& name)
{
    return {{QStringLiteral("name"), name}, {QStringLiteral("budgetMax"), 500000}};
}

QString backendUnderTest()
{
    return GENERATE(as<QString>{}, QStringLiteral("sqlite"), QStringLiteral("postgres"));
}

QJsonObject onlyConflict(const QJsonObject& result)
{
    const auto conflicts = result.value(QStringLiteral("conflicts")).toArray();
    REQUIRE(conflicts.size() == 1);
    return conflicts.first().toObject();
}

} // namespace

TEST_CASE("Conflicts: a queued edit conflicts with a teammate's change even after the client's "
          "own edits moved the version",
          "[server][conflicts]")
{
    Brokerage b(backendUnderTest());
    if (!b.db)
        return;
    const QString id = newId();
    // Ana plays Alex (offline laptop), Ben plays Sam.
    REQUIRE(status(b.mutate(b.ben, kSam, 1, QStringLiteral("create"), id,
                            lead(QStringLiteral("Jo")), std::nullopt, kLeads)) ==
            QStringLiteral("applied"));

    // Sam renames the lead (v2) while Alex, offline, queued two edits made on v1.
    REQUIRE(status(b.mutate(b.ben, kSam, 2, QStringLiteral("update"), id,
                            {{QStringLiteral("name"), QStringLiteral("Jo Park")}}, 1, kLeads)) ==
            QStringLiteral("applied"));
    const auto first = b.mutate(b.ana, kAlex, 1, QStringLiteral("update"), id,
                                {{QStringLiteral("budgetMax"), 650000}}, 1, kLeads);
    REQUIRE(status(first) == QStringLiteral("applied"));
    CHECK(first.value(QStringLiteral("version")).toInt() == 3);

    SECTION("the second queued edit, still on v1, conflicts on the name Sam changed")
    {
        const auto second =
            b.mutate(b.ana, kAlex, 2, QStringLiteral("update"), id,
                     {{QStringLiteral("name"), QStringLiteral("Joanna")}}, 1, kLeads);
        REQUIRE(status(second) == QStringLiteral("conflict"));
        const auto conflict = onlyConflict(second);
        CHECK(conflict.value(QStringLiteral("field")) == QStringLiteral("name"));
        CHECK(conflict.value(QStringLiteral("base")) == QStringLiteral("Jo"));
        CHECK(conflict.value(QStringLiteral("mine")) == QStringLiteral("Joanna"));
        CHECK(conflict.value(QStringLiteral("theirs")) == QStringLiteral("Jo Park"));
        CHECK(conflict.value(QStringLiteral("by")).toObject().value(QStringLiteral("name")) ==
              QStringLiteral("Ben"));
        CHECK(b.records->find(kLeads, id)->data.value(QStringLiteral("name")) ==
              QStringLiteral("Jo Park"));
    }
    SECTION("a later queued edit of the same field conflicts as well: no conflict is silent")
    {
        REQUIRE(status(b.mutate(b.ana, kAlex, 2, QStringLiteral("update"), id,
                                {{QStringLiteral("name"), QStringLiteral("Joanna")}}, 1, kLeads)) ==
                QStringLiteral("conflict"));
        CHECK(status(b.mutate(b.ana, kAlex, 3, QStringLiteral("update"), id,
                              {{QStringLiteral("name"), QStringLiteral("Joanna P.")}}, 1,
                              kLeads)) == QStringLiteral("conflict"));
    }
    SECTION("the client's own fields merge: budgetMax again on v1 is no conflict")
    {
        const auto again = b.mutate(b.ana, kAlex, 2, QStringLiteral("update"), id,
                                    {{QStringLiteral("budgetMax"), 700000}}, 1, kLeads);
        CHECK(status(again) == QStringLiteral("applied"));
        CHECK(again.value(QStringLiteral("version")).toInt() == 4);
    }
    SECTION("once the client chose a value on the current version, its older queued edits of "
            "that field follow its own latest change")
    {
        REQUIRE(status(b.mutate(b.ana, kAlex, 2, QStringLiteral("update"), id,
                                {{QStringLiteral("name"), QStringLiteral("Joanna")}}, 3, kLeads)) ==
                QStringLiteral("applied"));
        CHECK(status(b.mutate(b.ana, kAlex, 3, QStringLiteral("update"), id,
                              {{QStringLiteral("name"), QStringLiteral("Joanna Park")}}, 1,
                              kLeads)) == QStringLiteral("applied"));
    }
    SECTION("the same person on another device is someone else")
    {
        CHECK(status(b.mutate(b.ben, QStringLiteral("sam-phone"), 1, QStringLiteral("update"), id,
                              {{QStringLiteral("name"), QStringLiteral("J. Park")}}, 1, kLeads)) ==
              QStringLiteral("conflict"));
    }
}

TEST_CASE("Conflicts: a delete made on an old copy never discards a teammate's newer change",
          "[server][conflicts]")
{
    Brokerage b(backendUnderTest());
    if (!b.db)
        return;
    const QString id = newId();
    REQUIRE(status(b.mutate(b.ana, kAlex, 1, QStringLiteral("create"), id,
                            lead(QStringLiteral("Jo")), std::nullopt, kLeads)) ==
            QStringLiteral("applied"));

    SECTION("someone else changed it: conflict 'changed', naming them and what they changed")
    {
        REQUIRE(status(b.mutate(b.ben, kSam, 1, QStringLiteral("update"), id,
                                {{QStringLiteral("budgetMax"), 900000}}, 1, kLeads)) ==
                QStringLiteral("applied"));
        const auto stale = b.mutate(b.ana, kAlex, 2, QStringLiteral("delete"), id, {}, 1, kLeads);
        REQUIRE(status(stale) == QStringLiteral("conflict"));
        CHECK(stale.value(QStringLiteral("kind")) == QStringLiteral("changed"));
        CHECK(stale.value(QStringLiteral("by")).toObject().value(QStringLiteral("name")) ==
              QStringLiteral("Ben"));
        CHECK(stale.value(QStringLiteral("changedFields")).toArray() ==
              QJsonArray{QStringLiteral("budgetMax")});
        CHECK(stale.value(QStringLiteral("record"))
                  .toObject()
                  .value(QStringLiteral("fields"))
                  .toObject()
                  .value(QStringLiteral("budgetMax"))
                  .toInt() == 900000);
        CHECK_FALSE(b.records->find(kLeads, id)->deleted);
        // "Delete anyway" is a delete on the version the agent has now seen.
        CHECK(status(b.mutate(b.ana, kAlex, 3, QStringLiteral("delete"), id, {}, 2, kLeads)) ==
              QStringLiteral("applied"));
        CHECK(b.records->find(kLeads, id)->deleted);
    }
    SECTION("the client's own later edit of another field does not hide the teammate's change")
    {
        // Alex, offline, queued a budget edit and then the delete, both on version 1; Sam
        // renamed the lead meanwhile.
        REQUIRE(status(b.mutate(b.ben, kSam, 1, QStringLiteral("update"), id,
                                {{QStringLiteral("name"), QStringLiteral("Jo Park")}}, 1,
                                kLeads)) == QStringLiteral("applied"));
        REQUIRE(status(b.mutate(b.ana, kAlex, 2, QStringLiteral("update"), id,
                                {{QStringLiteral("budgetMax"), 2}}, 1, kLeads)) ==
                QStringLiteral("applied"));
        const auto stale = b.mutate(b.ana, kAlex, 3, QStringLiteral("delete"), id, {}, 1, kLeads);
        REQUIRE(status(stale) == QStringLiteral("conflict"));
        CHECK(stale.value(QStringLiteral("changedFields")).toArray() ==
              QJsonArray{QStringLiteral("name")});
        CHECK_FALSE(b.records->find(kLeads, id)->deleted);
    }
    SECTION("only the client's own changes since: the delete applies")
    {
        REQUIRE(status(b.mutate(b.ana, kAlex, 2, QStringLiteral("update"), id,
                                {{QStringLiteral("budgetMax"), 1}}, 1, kLeads)) ==
                QStringLiteral("applied"));
        CHECK(status(b.mutate(b.ana, kAlex, 3, QStringLiteral("delete"), id, {}, 1, kLeads)) ==
              QStringLiteral("applied"));
    }
    SECTION("a version the record never had is refused")
    {
        CHECK(errorCode(b.mutate(b.ana, kAlex, 2, QStringLiteral("delete"), id, {}, 9, kLeads)) ==
              QStringLiteral("bad_base_version"));
    }
}

TEST_CASE("Conflicts: base version 0 means 'on my own queued create', for that client only",
          "[server][conflicts]")
{
    Brokerage b(backendUnderTest());
    if (!b.db)
        return;
    const QString id = newId();
    REQUIRE(status(b.mutate(b.ana, kAlex, 1, QStringLiteral("create"), id,
                            lead(QStringLiteral("Jo")), std::nullopt, kLeads)) ==
            QStringLiteral("applied"));
    CHECK(status(b.mutate(b.ana, kAlex, 2, QStringLiteral("update"), id,
                          {{QStringLiteral("name"), QStringLiteral("Jo P")}}, 0, kLeads)) ==
          QStringLiteral("applied"));
    CHECK(errorCode(b.mutate(b.ben, kSam, 1, QStringLiteral("update"), id,
                             {{QStringLiteral("name"), QStringLiteral("X")}}, 0, kLeads)) ==
          QStringLiteral("bad_base_version"));
    // A teammate's change after the create still conflicts with an edit made on it.
    REQUIRE(status(b.mutate(b.ben, kSam, 2, QStringLiteral("update"), id,
                            {{QStringLiteral("name"), QStringLiteral("Sam's name")}}, 2, kLeads)) ==
            QStringLiteral("applied"));
    CHECK(status(b.mutate(b.ana, kAlex, 3, QStringLiteral("update"), id,
                          {{QStringLiteral("name"), QStringLiteral("Alex's name")}}, 0, kLeads)) ==
          QStringLiteral("conflict"));
}

TEST_CASE("Conflicts: a batch applies in order in one transaction, each result its own",
          "[server][conflicts][batch]")
{
    Brokerage b(backendUnderTest());
    if (!b.db)
        return;
    const QString id = newId();
    const QString other = newId();
    REQUIRE(status(b.mutate(b.ben, kSam, 1, QStringLiteral("create"), id,
                            lead(QStringLiteral("Jo")), std::nullopt, kLeads)) ==
            QStringLiteral("applied"));
    REQUIRE(status(b.mutate(b.ben, kSam, 2, QStringLiteral("update"), id,
                            {{QStringLiteral("name"), QStringLiteral("Jo Park")}}, 1, kLeads)) ==
            QStringLiteral("applied"));
    const qint64 seqBefore = b.log->lastSeq(b.brokerage);

    const QList<Mutation> batch{
        b.mutation(kAlex, 1, QStringLiteral("update"), id, {{QStringLiteral("budgetMax"), 1}}, 1,
                   kLeads),
        b.mutation(kAlex, 2, QStringLiteral("update"), id,
                   {{QStringLiteral("name"), QStringLiteral("A")}}, 1, kLeads),
        b.mutation(kAlex, 3, QStringLiteral("update"), id, {{QStringLiteral("budgetMax"), -5}}, 1,
                   kLeads),
        b.mutation(kAlex, 4, QStringLiteral("create"), other, lead(QStringLiteral("New")),
                   std::nullopt, kLeads),
        b.mutation(kAlex, 5, QStringLiteral("update"), other, {{QStringLiteral("budgetMax"), 2}}, 0,
                   kLeads),
    };
    const auto outcomes = b.mutations->applyAll(b.ana, batch);
    REQUIRE(outcomes.size() == 5);
    CHECK(status(outcomes[0].toJson()) == QStringLiteral("applied"));
    CHECK(status(outcomes[1].toJson()) == QStringLiteral("conflict"));
    CHECK(errorCode(outcomes[2].toJson()) == QStringLiteral("out_of_range"));
    CHECK(status(outcomes[3].toJson()) == QStringLiteral("applied"));
    CHECK(status(outcomes[4].toJson()) == QStringLiteral("applied"));
    CHECK(outcomes[0].change.has_value());
    CHECK_FALSE(outcomes[1].change.has_value());
    CHECK(b.log->lastSeq(b.brokerage) == seqBefore + 3);
    CHECK(b.records->find(kLeads, other)->data.value(QStringLiteral("budgetMax")).toInt() == 2);

    // Every result is stored: the whole batch again is answered duplicate by duplicate.
    const auto again = b.mutations->applyAll(b.ana, batch);
    for (const auto& outcome : again) {
        CHECK(status(outcome.toJson()) == QStringLiteral("duplicate"));
        CHECK_FALSE(outcome.change.has_value());
    }
    CHECK(b.log->lastSeq(b.brokerage) == seqBefore + 3);
}

TEST_CASE("Conflicts: a taken id answers the same whoever holds it", "[server][conflicts]")
{
    Brokerage b(backendUnderTest());
    if (!b.db)
        return;
    const QString theirs = newId();
    const QString ours = newId();
    REQUIRE(status(b.mutate(b.cleo, QStringLiteral("c-cleo"), 1, QStringLiteral("create"), theirs,
                            lead(QStringLiteral("South lead")), std::nullopt, kLeads)) ==
            QStringLiteral("applied"));
    REQUIRE(status(b.mutate(b.ben, kSam, 1, QStringLiteral("create"), ours,
                            lead(QStringLiteral("North lead")), std::nullopt, kLeads)) ==
            QStringLiteral("applied"));
    auto answer = [&](const QString& id, qint64 mutationId) {
        QJsonObject result = b.mutate(b.ana, kAlex, mutationId, QStringLiteral("create"), id,
                                      lead(QStringLiteral("Probe")), std::nullopt, kLeads);
        result.remove(QStringLiteral("mutationId"));
        return result;
    };
    const QJsonObject otherTeam = answer(theirs, 1);
    CHECK(errorCode(otherTeam) == QStringLiteral("exists"));
    CHECK(otherTeam == answer(ours, 2));
    CHECK_FALSE(otherTeam.value(QStringLiteral("error"))
                    .toObject()
                    .value(QStringLiteral("message"))
                    .toString()
                    .contains(theirs));
}

TEST_CASE("Conflicts: a change log that cannot be read is a storage error, never a verdict",
          "[server][conflicts]")
{
    Brokerage b(QStringLiteral("sqlite"));
    const QString id = newId();
    REQUIRE(status(b.mutate(b.ana, kAlex, 1, QStringLiteral("create"), id,
                            lead(QStringLiteral("Jo")), std::nullopt, kLeads)) ==
            QStringLiteral("applied"));
    REQUIRE(status(b.mutate(b.ben, kSam, 1, QStringLiteral("update"), id,
                            {{QStringLiteral("name"), QStringLiteral("Jo Park")}}, 1, kLeads)) ==
            QStringLiteral("applied"));
    auto query = b.db->query();
    REQUIRE(b.db->exec(query, QStringLiteral("ALTER TABLE changes RENAME TO changes_away")));
    // Neither "nobody else changed it" (applied over Sam) nor a stored refusal: an error to
    // retry, with nothing applied and nothing remembered.
    const auto stale = b.mutate(b.ana, kAlex, 2, QStringLiteral("update"), id,
                                {{QStringLiteral("name"), QStringLiteral("Alex's")}}, 1, kLeads);
    CHECK(status(stale) == QStringLiteral("error"));
    const auto onOwnCreate = b.mutate(b.ana, kAlex, 3, QStringLiteral("update"), id,
                                      {{QStringLiteral("budgetMax"), 3}}, 0, kLeads);
    CHECK(status(onOwnCreate) == QStringLiteral("error"));
    CHECK(status(b.mutate(b.ana, kAlex, 4, QStringLiteral("delete"), id, {}, 1, kLeads)) ==
          QStringLiteral("error"));
    REQUIRE(b.db->exec(query, QStringLiteral("ALTER TABLE changes_away RENAME TO changes")));
    // Resent once the log is back: judged for real, not answered from a stored mistake.
    CHECK(status(b.mutate(b.ana, kAlex, 2, QStringLiteral("update"), id,
                          {{QStringLiteral("name"), QStringLiteral("Alex's")}}, 1, kLeads)) ==
          QStringLiteral("conflict"));
    CHECK(status(b.mutate(b.ana, kAlex, 3, QStringLiteral("update"), id,
                          {{QStringLiteral("budgetMax"), 3}}, 0, kLeads)) ==
          QStringLiteral("applied"));
}
