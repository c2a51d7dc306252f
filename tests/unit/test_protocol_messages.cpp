// Every typed message of protocol/ round-trips through its JSON, and every parser refuses the
// malformed cases with a WireError that names the member at fault (never a crash, never a
// half-read message).
#include "protocol/changeevent.h"
#include "protocol/errorcode.h"
#include "protocol/mutation.h"
#include "protocol/mutationresult.h"
#include "protocol/recordpayload.h"

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
    for (int i = static_cast<int>(ErrorCode::BadRequest);
         i <= static_cast<int>(ErrorCode::Unavailable); ++i) {
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
        CHECK(parsed.error().field == QLatin1StringView(c.member));
    }
    // One bad entry refuses the whole page: applying the others would move the seq past it.
    const auto page =
        ChangePage::fromJson({{QStringLiteral("changes"), QJsonArray{good, QJsonObject{}, good}}});
    REQUIRE_FALSE(page.ok());
    CHECK(page.error().field == QStringLiteral("module"));
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
    CHECK(refused(object(R"({"module":"leads","op":"merge","id":"l1","mutationId":1})")).field ==
          QStringLiteral("op"));
    CHECK(refused(object(R"({"op":"create","id":"l1","mutationId":1})")).field ==
          QStringLiteral("module"));
    CHECK(refused(object(R"({"module":"leads","op":"create","mutationId":1})")).field ==
          QStringLiteral("id"));
    CHECK(refused(object(R"({"module":"leads","op":"create","id":"l1","mutationId":0})")).field ==
          QStringLiteral("mutationId"));
    CHECK(refused(object(R"({"module":"leads","op":"create","id":"l1","mutationId":2.5})")).field ==
          QStringLiteral("mutationId"));
    CHECK(refused(object(R"({"module":"leads","op":"update","id":"l1","mutationId":1,
                              "baseVersion":"3"})"))
              .field == QStringLiteral("baseVersion"));
    CHECK(refused(object(R"({"module":"leads","op":"update","id":"l1","mutationId":1,
                              "fields":[1]})"))
              .field == QStringLiteral("fields"));
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
    CHECK(MutationResult::fromJson(duplicate.toJson()).value().effective().kind ==
          ConflictKind::Fields);
    CHECK(MutationResult::fromJson(fields.toJson()).value().conflictAuthor() ==
          QStringLiteral("Sam"));
}

TEST_CASE("Protocol: malformed mutation results are refused", "[protocol]")
{
    CHECK(MutationResult::fromJson(object(R"({"status":"maybe"})")).error().field ==
          QStringLiteral("status"));
    CHECK(MutationResult::fromJson(object(R"({"status":"rejected"})")).error().field ==
          QStringLiteral("error"));
    CHECK(MutationResult::fromJson(object(R"({"status":"conflict","kind":"odd"})")).error().field ==
          QStringLiteral("kind"));
    CHECK(MutationResult::fromJson(object(R"({"status":"applied","record":[1]})")).error().field ==
          QStringLiteral("record"));
    // A duplicate whose original is malformed is malformed too.
    CHECK_FALSE(MutationResult::fromJson(object(R"({"status":"duplicate","original":{}})")).ok());
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
    CHECK(RecordPayload::fromJson(object(R"({"module":"escrows","id":"e1","version":0})"))
              .error()
              .field == QStringLiteral("version"));
    CHECK(RecordPayload::fromJson(object(R"({"module":"escrows","id":"e1","version":1,
                                              "masked":[7]})"))
              .error()
              .field == QStringLiteral("masked"));
}
