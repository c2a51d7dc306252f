// Every typed message of protocol/ round-trips through its JSON, and every parser refuses the
// malformed cases with a WireError that names the member at fault (never a crash, never a
// half-read message).
#include "protocol/changeevent.h"
#include "protocol/errorcode.h"
#include "protocol/mutation.h"
#include "protocol/mutationresult.h"
#include "protocol/presence.h"
#include "protocol/recordpayload.h"
#include "protocol/taskrequest.h"

#include <catch2/catch.hpp>
#include <QJsonArray>
#include <QJsonDocument>

using namespace crm;

namespace {

QJsonObject object(const char* text)
{
    return QJsonDocument::fromJson(text).object();
}

ChangeEvent sampleChange()
{
    ChangeEvent change;
    change.module = QStringLiteral("escrows");
    change.id = QStringLiteral("6f1c");
    change.kind = ChangeKind::Updated;
    change.version = 4;
    change.seq = 1042;
    change.fields = {{QStringLiteral("status"), QStringLiteral("pending")}};
    change.masked = {QStringLiteral("myCommission")};
    change.teamId = QStringLiteral("north");
    change.ownerId = QStringLiteral("ana");
    change.by = Actor{QStringLiteral("u1"), QStringLiteral("Ana (AI)"), QStringLiteral("Scout")};
    change.at = QStringLiteral("2026-11-22T10:18:00.000Z");
    change.clientId = QStringLiteral("ana-laptop");
    change.mutationId = 17;
    return change;
}

} // namespace

TEST_CASE("Protocol: error codes keep their wire names both ways", "[protocol]")
{
    for (int i = static_cast<int>(ErrorCode::BadRequest); i <= static_cast<int>(ErrorCode::Busy);
         ++i) {
        const auto code = static_cast<ErrorCode>(i);
        INFO(errorCodeName(code).toStdString());
        CHECK(errorCodeName(code) != QStringLiteral("unknown"));
        CHECK(errorCodeFromName(errorCodeName(code)) == code);
    }
    CHECK(errorCodeFromName(u"no_such_code") == ErrorCode::Unknown);
    // A newer peer's code is kept as it was sent, not lost.
    const auto error = WireError::fromJson(object(R"({"code": "quota_exceeded", "message": "m"})"));
    CHECK(error.code == ErrorCode::Unknown);
    CHECK(error.codeName() == QStringLiteral("quota_exceeded"));
    CHECK(error.toJson().value(QStringLiteral("code")) == QStringLiteral("quota_exceeded"));
    CHECK(isPermissionError(ErrorCode::ForbiddenField));
    CHECK_FALSE(isPermissionError(ErrorCode::TooLong));
}

TEST_CASE("Protocol: a change event round-trips and its event name comes from the schema",
          "[protocol]")
{
    const ChangeEvent change = sampleChange();
    const auto back = ChangeEvent::fromJson(change.toJson());
    REQUIRE(back.ok());
    CHECK(back.value() == change);
    CHECK(ChangeEvent::eventName(QStringLiteral("escrow"), ChangeKind::Deleted) ==
          QStringLiteral("escrow:deleted"));
    CHECK(ChangeEvent::kindOfEventName(u"listing:created") == ChangeKind::Created);
    CHECK_FALSE(ChangeEvent::kindOfEventName(u"sync:caught-up"));
    CHECK_FALSE(ChangeEvent::kindOfEventName(u":updated"));

    ChangePage page{1041, 1042, {change, change}};
    const auto pageBack = ChangePage::fromJson(page.toJson());
    REQUIRE(pageBack.ok());
    CHECK(pageBack.value().changes == page.changes);
    CHECK(pageBack.value().toSeq == 1042);
}

TEST_CASE("Protocol: malformed change events are refused with the member at fault", "[protocol]")
{
    const QJsonObject good = sampleChange().toJson();
    struct Case
    {
        const char* member;
        QJsonValue value;
    };
    const Case cases[] = {
        {"module", QJsonValue()},
        {"module", 5},
        {"id", QStringLiteral("")},
        {"kind", QStringLiteral("renamed")},
        {"version", 0},
        {"version", 1.5},
        {"version", QStringLiteral("4")},
        {"version", 1e300},
        {"seq", -1},
        {"seq", QJsonValue()},
        {"fields", QJsonArray{1}},
        {"masked", QStringLiteral("myCommission")},
        {"masked", QJsonArray{1, 2}},
    };
    for (const auto& c : cases) {
        QJsonObject bad = good;
        if (c.value.isUndefined())
            bad.remove(QLatin1StringView(c.member));
        else
            bad.insert(QLatin1StringView(c.member), c.value);
        INFO(QJsonDocument(bad).toJson(QJsonDocument::Compact).toStdString());
        const auto parsed = ChangeEvent::fromJson(bad);
        REQUIRE_FALSE(parsed.ok());
        CHECK(parsed.error().code == ErrorCode::BadRequest);
        CHECK(parsed.error().member == QLatin1StringView(c.member));
    }
    // One bad entry refuses the whole page: applying the others would move the seq past it.
    const auto page =
        ChangePage::fromJson({{QStringLiteral("changes"), QJsonArray{good, QJsonObject{}, good}}});
    REQUIRE_FALSE(page.ok());
    CHECK(page.error().member == QStringLiteral("module"));
    CHECK_FALSE(ChangePage::fromJson({{QStringLiteral("changes"), 3}}).ok());
    CHECK_FALSE(ChangePage::fromJson({{QStringLiteral("changes"), QJsonArray{1}}}).ok());
}

TEST_CASE("Protocol: a mutation round-trips and bad shapes are refused", "[protocol]")
{
    Mutation m;
    m.module = QStringLiteral("leads");
    m.op = Operation::Update;
    m.recordId = QStringLiteral("l1");
    m.mutationId = 9;
    m.baseVersion = 3;
    m.fields = {{QStringLiteral("name"), QStringLiteral("Kim")}};
    m.clientId = QStringLiteral("desk");
    const auto back = Mutation::fromJson(m.toJson(), m.clientId);
    REQUIRE(back.ok());
    CHECK(back.value() == m);

    const auto refused = [&](const QJsonObject& json) {
        const auto parsed = Mutation::fromJson(json, QStringLiteral("desk"));
        REQUIRE_FALSE(parsed.ok());
        return parsed.error();
    };
    CHECK(refused(object(R"({"module":"leads","op":"merge","id":"l1","mutationId":1})")).member ==
          QStringLiteral("op"));
    CHECK(refused(object(R"({"op":"create","id":"l1","mutationId":1})")).member ==
          QStringLiteral("module"));
    CHECK(refused(object(R"({"module":"leads","op":"create","mutationId":1})")).member ==
          QStringLiteral("id"));
    CHECK(refused(object(R"({"module":"leads","op":"create","id":"l1","mutationId":0})")).member ==
          QStringLiteral("mutationId"));
    CHECK(
        refused(object(R"({"module":"leads","op":"create","id":"l1","mutationId":2.5})")).member ==
        QStringLiteral("mutationId"));
    CHECK(refused(object(R"({"module":"leads","op":"update","id":"l1","mutationId":1,
                              "baseVersion":"3"})"))
              .member == QStringLiteral("baseVersion"));
    CHECK(refused(object(R"({"module":"leads","op":"update","id":"l1","mutationId":1,
                              "fields":[1]})"))
              .member == QStringLiteral("fields"));
    CHECK(refused(object(R"({"module":"leads","id":"l1","mutationId":1})")).member ==
          QStringLiteral("op"));
    // With a clientId every mutation needs its id: it is the exactly-once key.
    CHECK(refused(object(R"({"module":"leads","op":"create","id":"l1"})")).member ==
          QStringLiteral("mutationId"));
    CHECK(refused(object(R"({"module":"leads","op":"create","id":"l1",
                              "mutationId":9007199254740993})"))
              .member == QStringLiteral("mutationId"));
    const QJsonObject longId{{QStringLiteral("module"), QStringLiteral("leads")},
                             {QStringLiteral("op"), QStringLiteral("create")},
                             {QStringLiteral("id"), QString(65, QChar(u'a'))},
                             {QStringLiteral("mutationId"), 1}};
    CHECK(refused(longId).member == QStringLiteral("id"));
    // The messages the server has always sent, and no `field`: that names record fields.
    const WireError op = refused(object(R"({"module":"leads","op":"merge","id":"l1"})"));
    CHECK(op.message == QStringLiteral("op must be create, update or delete"));
    CHECK(op.field.isEmpty());
    CHECK(refused(longId).message == QStringLiteral("module and id are required"));
    // Too large is its own code: REST answers 413 for it, the socket a rejected result.
    QJsonObject huge = m.toJson();
    huge.insert(
        QStringLiteral("fields"),
        QJsonObject{{QStringLiteral("notes"), QString(Mutation::kMaxFieldsBytes, QChar(u'x'))}});
    CHECK(refused(huge).code == ErrorCode::TooLarge);
    // Without a clientId (a one-off REST call) no mutationId is needed.
    CHECK(Mutation::fromJson(object(R"({"module":"leads","op":"delete","id":"l1"})"), {}).ok());
}

TEST_CASE("Protocol: every kind of mutation result round-trips", "[protocol]")
{
    MutationResult applied;
    applied.status = MutationResult::Status::Applied;
    applied.module = QStringLiteral("escrows");
    applied.id = QStringLiteral("e1");
    applied.version = 5;
    applied.seq = 77;
    applied.record = object(R"({"module":"escrows","id":"e1","version":5,"fields":{}})");
    applied.mutationId = 3;
    applied.gapAfter = 1;

    MutationResult fields;
    fields.status = MutationResult::Status::Conflict;
    fields.kind = ConflictKind::Fields;
    fields.module = QStringLiteral("escrows");
    fields.id = QStringLiteral("e1");
    fields.version = 6;
    fields.conflicts = {
        {QStringLiteral("price"), 1, 2, 3, Actor{QStringLiteral("u2"), QStringLiteral("Sam"), {}}}};

    MutationResult changed = fields;
    changed.kind = ConflictKind::Changed;
    changed.conflicts.clear();
    changed.by = Actor{QStringLiteral("u2"), QStringLiteral("Sam"), {}};
    changed.changedFields = {QStringLiteral("price")};

    const MutationResult rejected = MutationResult::rejected(
        ErrorCode::OutOfRange, QStringLiteral("too high"), QStringLiteral("price"));

    MutationResult duplicate;
    duplicate.status = MutationResult::Status::Duplicate;
    duplicate.original = std::make_shared<const MutationResult>(fields);

    for (const MutationResult& result :
         {applied, fields, changed, rejected, MutationResult::storageError(), duplicate}) {
        const QJsonObject json = result.toJson();
        INFO(QJsonDocument(json).toJson(QJsonDocument::Compact).toStdString());
        const auto back = MutationResult::fromJson(json);
        REQUIRE(back.ok());
        CHECK(back.value().toJson() == json);
    }
    const auto resent = MutationResult::fromJson(duplicate.toJson());
    REQUIRE(resent.ok());
    CHECK(resent.value().effective().kind == ConflictKind::Fields);
    const auto met = MutationResult::fromJson(fields.toJson());
    REQUIRE(met.ok());
    CHECK(met.value().conflictAuthor() == QStringLiteral("Sam"));
}

TEST_CASE("Protocol: malformed mutation results are refused, unknown details read leniently",
          "[protocol]")
{
    CHECK(MutationResult::fromJson(object(R"({"status":"maybe"})")).error().member ==
          QStringLiteral("status"));
    CHECK_FALSE(MutationResult::fromJson(object(R"({"version":3})")).ok());
    // A refusal that does not say why is still a refusal: the edit must not stay queued.
    const auto silent = MutationResult::fromJson(object(R"({"status":"rejected"})"));
    REQUIRE(silent.ok());
    CHECK(silent.value().status == MutationResult::Status::Rejected);
    CHECK(silent.value().error.code == ErrorCode::Unknown);
    CHECK(silent.value().error.codeName() == QStringLiteral("unknown"));
    // A newer server's kind of conflict is still a conflict the agent decides.
    const auto odd = MutationResult::fromJson(object(R"({"status":"conflict","kind":"odd"})"));
    REQUIRE(odd.ok());
    CHECK(odd.value().status == MutationResult::Status::Conflict);
    CHECK(MutationResult::fromJson(object(R"({"status":"applied","record":[1]})")).error().member ==
          QStringLiteral("record"));
    // A duplicate whose original is malformed is malformed too.
    CHECK_FALSE(MutationResult::fromJson(object(R"({"status":"duplicate","original":{}})")).ok());
}

// The JSON crm-server sent before these types existed (9dcca57's builders, member for member):
// the types must write exactly that.
TEST_CASE("Protocol: results and events are written as the server always wrote them", "[protocol]")
{
    const auto golden = [](const char* text) {
        const QJsonObject expected = object(text);
        REQUIRE_FALSE(expected.isEmpty());
        const auto parsed = MutationResult::fromJson(expected);
        REQUIRE(parsed.ok());
        return std::pair{parsed.value().toJson(), expected};
    };
    // An update that changed nothing: no new version, and seq null (not left out).
    {
        const auto [written, expected] = golden(
            R"({"status":"applied","module":"leads","id":"l1","version":3,"seq":null,
                "record":{"module":"leads","id":"l1","version":3,"fields":{}},"mutationId":4})");
        CHECK(written == expected);
    }
    // Deleting a record that is gone already.
    {
        const auto [written, expected] = golden(
            R"({"status":"applied","module":"leads","id":"l1","version":5,"seq":null,
                "deleted":true,"mutationId":5,"gapAfter":2})");
        CHECK(written == expected);
    }
    // An edit of a record someone deleted: what it wanted, and who deleted it.
    {
        const auto [written, expected] = golden(
            R"({"status":"conflict","kind":"deleted","module":"leads","id":"l1","version":6,
                "mine":{"name":"Kim"},"by":{"id":"u2","name":"Sam"},"mutationId":6})");
        CHECK(written == expected);
    }
    // A delete made on an old copy.
    {
        const auto [written, expected] = golden(
            R"({"status":"conflict","kind":"changed","module":"leads","id":"l1","version":6,
                "by":{"id":"u2","name":"Sam"},"changedFields":["name"],
                "record":{"module":"leads","id":"l1","version":6,"fields":{}},"mutationId":7})");
        CHECK(written == expected);
    }
    // A resend: the first answer verbatim.
    {
        const auto [written, expected] = golden(
            R"({"status":"duplicate","mutationId":7,"original":{"status":"rejected",
                "error":{"code":"out_of_range","message":"too high","field":"price"},
                "mutationId":7}})");
        CHECK(written == expected);
    }
    // A change by an AI agent for a user, from no client (a one-off REST call), in a page.
    const QJsonObject event = object(
        R"json({"module":"leads","id":"l1","kind":"updated","fields":{"name":"Kim"},"version":2,
                "seq":9,"teamId":"t","ownerId":"o",
                "by":{"id":"u1","name":"Ana (AI)","agent":"Scout"},
                "at":"2026-11-22T10:18:00.000Z","event":"lead:updated"})json");
    const auto change = ChangeEvent::fromJson(event);
    REQUIRE(change.ok());
    CHECK(change.value().toJson() == event);
    CHECK(change.value().by.agent == QStringLiteral("Scout"));
}

TEST_CASE("Protocol: a record payload names its masked fields and drops their nulls", "[protocol]")
{
    RecordPayload record{QStringLiteral("escrows"),
                         QStringLiteral("e1"),
                         {{QStringLiteral("price"), 500000}},
                         2,
                         QStringLiteral("north"),
                         QStringLiteral("ana"),
                         {QStringLiteral("myCommission")},
                         false,
                         QStringLiteral("2026-11-01T00:00:00Z"),
                         QStringLiteral("ana"),
                         QStringLiteral("2026-11-02T00:00:00Z"),
                         QStringLiteral("sam")};
    const QJsonObject json = record.toJson();
    CHECK(json.value(QStringLiteral("fields"))
              .toObject()
              .value(QStringLiteral("myCommission"))
              .isNull());
    const auto back = RecordPayload::fromJson(json);
    REQUIRE(back.ok());
    CHECK(back.value() == record);
    CHECK_FALSE(back.value().fields.contains(QStringLiteral("myCommission")));
    CHECK(RecordPayload::fromJson(object(R"({"module":"escrows","id":"e1","version":1,
                                              "fields":[1]})"))
              .error()
              .member == QStringLiteral("fields"));
    CHECK(RecordPayload::fromJson(object(R"({"module":"escrows","id":"e1","version":1,
                                              "masked":"myCommission"})"))
              .error()
              .member == QStringLiteral("masked"));
    CHECK(RecordPayload::fromJson(object(R"({"module":"escrows","id":"e1","version":2.5})"))
              .error()
              .member == QStringLiteral("version"));
    CHECK(RecordPayload::fromJson(object(R"({"module":"escrows","id":"e1","version":0})"))
              .error()
              .member == QStringLiteral("version"));
    CHECK(RecordPayload::fromJson(object(R"({"module":"escrows","id":"e1","version":1,
                                              "masked":[7]})"))
              .error()
              .member == QStringLiteral("masked"));
}

TEST_CASE("Protocol: presence is written as the server always wrote it, and read strictly",
          "[protocol][presence]")
{
    // An aggregated presence as 9dcca57's registry wrote it, and one who left (no name).
    for (const char* text :
         {R"({"userId":"u1","name":"Ana","status":"busy","sessions":2,
              "viewing":[{"module":"escrows","id":"e1"}],
              "editing":[{"module":"escrows","id":"e1","field":"status"}]})",
          R"({"userId":"u2","status":"offline","sessions":0,"viewing":[],"editing":[]})"}) {
        const QJsonObject expected = object(text);
        REQUIRE_FALSE(expected.isEmpty());
        const auto presence = Presence::fromJson(expected);
        REQUIRE(presence.ok());
        CHECK(presence.value().toJson() == expected);
    }
    const auto ana = Presence::fromJson(object(
        R"({"userId":"u1","name":"Ana","status":"away","sessions":1,"viewing":[],"editing":[]})"));
    REQUIRE(ana.ok());
    CHECK(ana.value().status == PresenceStatus::Away);
    CHECK_FALSE(ana.value().isGone());
    // Sessions aggregate to the most present status.
    CHECK(std::max(PresenceStatus::Away, PresenceStatus::Busy) == PresenceStatus::Busy);
    CHECK(std::max(PresenceStatus::Online, PresenceStatus::Away) == PresenceStatus::Online);

    CHECK(Presence::fromJson(object(R"({"status":"online"})")).error().member ==
          QStringLiteral("userId"));
    CHECK(Presence::fromJson(object(R"({"userId":"u1","status":"napping"})")).error().member ==
          QStringLiteral("status"));
    PresenceSnapshot snapshot{{ana.value()}};
    const auto back = PresenceSnapshot::fromJson(snapshot.toJson());
    REQUIRE(back.ok());
    CHECK(back.value().users == snapshot.users);
    CHECK(PresenceSnapshot::fromJson(object(R"({"users":{}})")).error().member ==
          QStringLiteral("users"));
    CHECK_FALSE(PresenceSnapshot::fromJson(object(R"({"users":[{"userId":""}]})")).ok());
}

TEST_CASE("Protocol: a task is written as the server always wrote it, and read strictly",
          "[protocol][tasks]")
{
    // A running import as the server wrote it before the task became a typed message.
    const QJsonObject expected = object(
        R"({"id":"b3a1","kind":"csv_import","title":"Import leads from CSV","status":"running",
            "progress":42,"step":"Row 2100 of 5000","stepsDone":2100,"stepsTotal":5000,
            "params":{"module":"leads"},"result":{},"error":null,"ownerId":"u1",
            "ownerName":"Alex Rivera","agent":null,"teamId":"north","shared":false,
            "external":false,"cancelRequested":false,"attempt":1,
            "createdAt":"2026-11-22T10:18:00.000Z","startedAt":"2026-11-22T10:18:01.000Z",
            "finishedAt":null,"updatedAt":"2026-11-22T10:18:09.000Z","restricted":false})");
    REQUIRE_FALSE(expected.isEmpty());
    const auto task = Task::fromJson(expected);
    REQUIRE(task.ok());
    CHECK(task.value().status == TaskStatus::Running);
    CHECK(task.value().isActive());
    CHECK(task.value().stepsDone == 2100);
    CHECK(task.value().finishedAt.isEmpty());
    CHECK(task.value().toJson() == expected);
    CHECK(taskEventName(TaskStatus::Running) == QStringLiteral("ai:task:started"));
    CHECK(taskEventName(TaskStatus::Cancelled) == QStringLiteral("ai:task:cancelled"));

    // Which copy is newer: attempt first, a final state never undone within an attempt.
    Task done = task.value();
    done.status = TaskStatus::Completed;
    done.updatedAt = QStringLiteral("2026-11-22T10:19:00.000Z");
    CHECK(task.value().isOlderThan(done));
    CHECK_FALSE(done.isOlderThan(task.value()));
    Task retried = task.value();
    retried.attempt = 2;
    retried.updatedAt = QStringLiteral("2026-11-22T10:00:00.000Z");
    CHECK(done.isOlderThan(retried));

    // Each malformed member is named; nothing half-read comes back.
    const std::pair<const char*, const char*> bad[] = {
        {R"({"status":"running"})", "id"},
        {R"({"id":"","status":"running"})", "id"},
        {R"({"id":"t","status":"sleeping"})", "status"},
        {R"({"id":"t","status":"running","progress":101})", "progress"},
        {R"({"id":"t","status":"running","progress":"half"})", "progress"},
        {R"({"id":"t","status":"running","stepsDone":-1})", "stepsDone"},
        {R"({"id":"t","status":"running","params":[]})", "params"},
        {R"({"id":"t","status":"running","shared":"yes"})", "shared"},
        {R"({"id":"t","status":"running","attempt":0})", "attempt"},
        {R"({"id":"t","status":"running","title":7})", "title"},
    };
    for (const auto& [text, member] : bad) {
        INFO(text);
        const auto refused = Task::fromJson(object(text));
        REQUIRE_FALSE(refused.ok());
        CHECK(refused.error().code == ErrorCode::BadRequest);
        CHECK(refused.error().member == QLatin1String(member));
    }

    // A list is refused whole when one entry is malformed.
    const auto list = TaskList::fromJson(TaskList{{task.value(), done}}.toJson());
    REQUIRE(list.ok());
    CHECK(list.value().tasks == QList<Task>{task.value(), done});
    CHECK(TaskList::fromJson(object(R"({"tasks":{}})")).error().member == QStringLiteral("tasks"));
    CHECK_FALSE(TaskList::fromJson(object(R"({"tasks":[{"id":"a","status":"queued"},7]})")).ok());
    CHECK_FALSE(
        TaskList::fromJson(object(R"({"tasks":[{"id":"a","status":"queued"},{"id":"b"}]})")).ok());
}

TEST_CASE("Protocol: task requests and answers round-trip and refuse wrong types",
          "[protocol][tasks]")
{
    const TaskStart start{QStringLiteral("csv_import"),
                          QStringLiteral("Spring leads"),
                          {{QStringLiteral("module"), QStringLiteral("leads")}},
                          QStringLiteral("Name\nAna\n"),
                          true};
    const auto startBack = TaskStart::fromJson(start.toJson());
    REQUIRE(startBack.ok());
    CHECK(startBack.value().kind == start.kind);
    CHECK(startBack.value().input == start.input);
    CHECK(startBack.value().shared);
    CHECK(TaskStart::fromJson(object(R"({"title":"x"})")).error().member == QStringLiteral("kind"));
    CHECK(TaskStart::fromJson(object(R"({"kind":"agent","params":"x"})")).error().member ==
          QStringLiteral("params"));
    CHECK(TaskStart::fromJson(object(R"({"kind":"agent","shared":1})")).error().member ==
          QStringLiteral("shared"));
    CHECK(TaskStart::fromJson(object(R"({"kind":"csv_import","input":[]})")).error().member ==
          QStringLiteral("input"));

    CHECK(TaskRef::fromJson(object(R"({"id":"t1"})")).value().id == QStringLiteral("t1"));
    CHECK(TaskRef::fromJson(object(R"({"id":7})")).error().member == QStringLiteral("id"));
    CHECK(TaskRef::fromJson(object(R"({})")).error().member == QStringLiteral("id"));

    const auto report = TaskReport::fromJson(object(
        R"({"id":"t1","progress":42.5,"step":"Reading","stepsDone":3,"stepsTotal":8,
            "status":"completed","result":{"rows":8},"error":"none"})"));
    REQUIRE(report.ok());
    CHECK(report.value().progress == 42);
    CHECK(report.value().status == TaskStatus::Completed);
    CHECK(report.value().result->value(QStringLiteral("rows")) == 8);
    const auto reportBack = TaskReport::fromJson(report.value().toJson());
    REQUIRE(reportBack.ok());
    CHECK(reportBack.value().toJson() == report.value().toJson());
    const auto empty = TaskReport::fromJson({});
    REQUIRE(empty.ok());
    CHECK_FALSE(empty.value().progress);
    CHECK_FALSE(empty.value().status);
    const std::pair<const char*, const char*> badReports[] = {
        {R"({"progress":"lots"})", "progress"},
        {R"({"progress":101})", "progress"},
        {R"({"step":5})", "step"},
        {R"({"stepsDone":-2})", "stepsDone"},
        {R"({"stepsTotal":1.5})", "stepsTotal"},
        {R"({"status":"running"})", "status"},
        {R"({"status":3})", "status"},
        {R"({"result":[1]})", "result"},
        {R"({"error":{}})", "error"},
    };
    for (const auto& [text, member] : badReports) {
        INFO(text);
        CHECK(TaskReport::fromJson(object(text)).error().member == QLatin1String(member));
    }
    const QString longStep(TaskReport::kMaxStepLength + 1, u'x');
    CHECK_FALSE(TaskReport::fromJson({{QStringLiteral("step"), longStep}}).ok());

    // Answers: a task, a list, or the server's refusal.
    Task task;
    task.id = QStringLiteral("t1");
    const auto one = TaskAnswer::fromJson(TaskAnswer{task, {}, {}}.toJson());
    REQUIRE(one.ok());
    REQUIRE(one.value().task);
    CHECK(one.value().task->id == QStringLiteral("t1"));
    const auto many = TaskAnswer::fromJson(TaskAnswer{{}, TaskList{{task}}, {}}.toJson());
    REQUIRE(many.ok());
    REQUIRE(many.value().list);
    CHECK(many.value().list->tasks.size() == 1);
    const auto refused = TaskAnswer::fromJson(object(
        R"({"status":"rejected","error":{"code":"not_running","message":"The task has completed already"}})"));
    REQUIRE(refused.ok());
    CHECK_FALSE(refused.value().ok());
    CHECK(refused.value().error->code == ErrorCode::NotRunning);
    CHECK(TaskAnswer::fromJson(object(R"({"status":"maybe"})")).error().member ==
          QStringLiteral("status"));
    CHECK_FALSE(TaskAnswer::fromJson(object(R"({"status":"ok","task":{"id":"t"}})")).ok());
}
