// crm://record/<module>/<id> links and the request a later launch hands to the open window.
#include "app/launchrequest.h"
#include "app/linkeventfilter.h"
#include "models/recordlink.h"

#include <catch2/catch.hpp>
#include <QCoreApplication>
#include <QFileOpenEvent>
#include <QSignalSpy>

using namespace crm;

namespace {

const QString kId = QStringLiteral("0dbd9cb8-3c18-45cb-a630-ee95ba155729");

std::optional<RecordLink> parse(const QString& text, QString* error = nullptr)
{
    QString ignored;
    return RecordLink::parse(text, error ? error : &ignored);
}

} // namespace

TEST_CASE("A record link names the module and the record", "[link]")
{
    const auto link = parse(QStringLiteral("crm://record/escrows/") + kId);
    REQUIRE(link);
    CHECK(link->module == QStringLiteral("escrows"));
    CHECK(link->id == kId);
}

TEST_CASE("A link made for a record reads back as the same record", "[link]")
{
    QString error;
    for (const auto& module : {QStringLiteral("leads"), QStringLiteral("appointments")}) {
        const auto made = RecordLink::make(module, kId, &error);
        REQUIRE(made);
        CHECK(made->toString() == QStringLiteral("crm://record/") + module + u'/' + kId);
        const auto back = parse(made->toString());
        REQUIRE(back);
        CHECK(back->module == module);
        CHECK(back->id == kId);
    }
}

TEST_CASE("What mail and browsers do to a link is tolerated", "[link]")
{
    // Scheme and host in capitals, a trailing slash, a tracking query or a fragment, spaces.
    for (const QString& text :
         {QStringLiteral("CRM://Record/escrows/") + kId,
          QStringLiteral("crm://record/escrows/") + kId + u'/',
          QStringLiteral("crm://record/escrows/") + kId + QStringLiteral("?utm_source=mail"),
          QStringLiteral("crm://record/escrows/") + kId + QStringLiteral("#notes"),
          QStringLiteral("  crm://record/escrows/") + kId + QStringLiteral("\n")}) {
        INFO(text.toStdString());
        const auto link = parse(text);
        REQUIRE(link);
        CHECK(link->module == QStringLiteral("escrows"));
        CHECK(link->id == kId);
    }
}

TEST_CASE("A link that names no readable record is refused with the reason", "[link]")
{
    struct Case
    {
        QString text;
        QString reason;
    };
    const QList<Case> cases{
        {QStringLiteral("crm://record/houses/") + kId, QStringLiteral("no module \"houses\"")},
        {QStringLiteral("crm://record/escrows"), QStringLiteral("not a record link")},
        {QStringLiteral("crm://record/escrows/"), QStringLiteral("not a record link")},
        {QStringLiteral("crm://record/escrows//"), QStringLiteral("names no record")},
        {QStringLiteral("crm://record/escrows/a/b"), QStringLiteral("not a record link")},
        // An escaped slash is still a slash once decoded: no stepping out of the segment.
        {QStringLiteral("crm://record/escrows/a%2Fb"), QStringLiteral("not a record link")},
        {QStringLiteral("crm://record/escrows/.."), QStringLiteral("not a record id")},
        {QStringLiteral("crm://record/escrows/a%20b"), QStringLiteral("not a record id")},
        {QStringLiteral("crm://record/escrows/") + QString(129, u'a'),
         QStringLiteral("not a record id")},
        {QStringLiteral("crm://task/escrows/") + kId, QStringLiteral("not a record link")},
        {QStringLiteral("https://record/escrows/") + kId, QStringLiteral("not a crm:// link")},
        {QStringLiteral("crm:"), QStringLiteral("not a record link")},
        {QString(), QStringLiteral("not a crm:// link")},
        {QStringLiteral("crm://record/escrows/%zz"), QStringLiteral("not a crm:// link")},
    };
    for (const auto& [text, reason] : cases) {
        INFO(text.toStdString());
        QString error;
        CHECK_FALSE(parse(text, &error));
        CHECK(error.contains(reason));
    }
}

TEST_CASE("A launch request crosses to the running window whole", "[launch]")
{
    const LaunchRequest request{QStringLiteral("leads"), kId};
    const auto back = LaunchRequest::fromArguments(request.toArguments());
    REQUIRE(back);
    CHECK(back->module == request.module);
    CHECK(back->recordId == request.recordId);

    const auto empty = LaunchRequest::fromArguments({});
    REQUIRE(empty);
    CHECK(empty->isEmpty());
}

TEST_CASE("A hand-off that is not a launch request is refused", "[launch]")
{
    CHECK_FALSE(LaunchRequest::fromArguments({QStringLiteral("--record")}));
    CHECK_FALSE(LaunchRequest::fromArguments({QStringLiteral("--delete"), kId}));
    CHECK_FALSE(LaunchRequest::fromArguments(
        {QStringLiteral("--module"), QStringLiteral("leads"), QStringLiteral("extra")}));
}

TEST_CASE("A link the system hands over as an event (macOS) becomes a launch request, kept "
          "until a window takes it",
          "[launch]")
{
    LinkEventFilter links;
    QCoreApplication::instance()->installEventFilter(&links);
    QSignalSpy requested(&links, &LinkEventFilter::requested);
    QSignalSpy refused(&links, &LinkEventFilter::refused);

    QFileOpenEvent link(QUrl(QStringLiteral("crm://record/leads/") + kId));
    CHECK(QCoreApplication::sendEvent(QCoreApplication::instance(), &link));
    REQUIRE(requested.count() == 1);
    const auto pending = links.takePending();
    REQUIRE(pending);
    CHECK(pending->module == QStringLiteral("leads"));
    CHECK(pending->recordId == kId);
    CHECK_FALSE(links.takePending()); // taken once

    QFileOpenEvent broken(QUrl(QStringLiteral("crm://record/houses/1")));
    QCoreApplication::sendEvent(QCoreApplication::instance(), &broken);
    REQUIRE(refused.count() == 1);
    CHECK(refused.at(0).at(0).toString().contains(QStringLiteral("no module \"houses\"")));

    // A file opened with the app is not a link: left to whoever handles files.
    QFileOpenEvent file(QStringLiteral("/tmp/leads.csv"));
    QCoreApplication::sendEvent(QCoreApplication::instance(), &file);
    CHECK(requested.count() == 1);
    CHECK(refused.count() == 1);
    QCoreApplication::instance()->removeEventFilter(&links);
}
