// An honest window (issue 13, items 6 and 9), offscreen against real servers: the badge counts
// what waits in every state, presence greys out while the link is down and comes back with the
// server's snapshot, avatars never share a colour, their dots are ringed and their initials fit.
#include "core/clientcore.h"
#include "models/presencestore.h"
#include "models/syncstatus.h"
#include "server/socketio/socketioserversession.h"
#include "support/desktopfixture.h"
#include "support/eventloop.h"
#include "support/fastconfig.h"
#include "support/linkcore.h"
#include "support/serverfixture.h"
#include "support/testsocketioserver.h"
#include "ui/avatarpalette.h"
#include "ui/avatarstrip.h"
#include "ui/connectionbadge.h"

#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFontMetricsF>
#include <QMenu>
#include <QPainter>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolBar>

using namespace crm;
using namespace std::chrono_literals;
using test::Desktop;
using test::waitUntil;

namespace {

// Where the test's pictures go: CRM_SCREENSHOT_DIR, else nowhere.
void keep(const QPixmap& shot, const QString& name)
{
    const QString folder = qEnvironmentVariable("CRM_SCREENSHOT_DIR");
    if (!folder.isEmpty())
        CHECK(shot.save(QDir(folder).filePath(name)));
}

bool near(const QColor& a, const QColor& b, int tolerance = 10)
{
    return std::abs(a.red() - b.red()) <= tolerance &&
           std::abs(a.green() - b.green()) <= tolerance &&
           std::abs(a.blue() - b.blue()) <= tolerance;
}

std::string describe(const QColor& colour)
{
    return colour.name().toStdString();
}

// CIE76 colour difference (CIELAB, D65): about 2 is just noticeable, 20 is another colour.
double labDistance(const QColor& a, const QColor& b)
{
    auto lab = [](const QColor& c) {
        auto linear = [](double v) {
            return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        };
        const double r = linear(c.redF());
        const double g = linear(c.greenF());
        const double bl = linear(c.blueF());
        const double x = (0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047;
        const double y = 0.2126 * r + 0.7152 * g + 0.0722 * bl;
        const double z = (0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883;
        auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116; };
        return std::array<double, 3>{116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
    };
    const auto p = lab(a);
    const auto q = lab(b);
    return std::hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}

// A user id (not among `taken`) that the store would like to give `slot`.
QString idPreferring(int slot, const QStringList& taken)
{
    for (int i = 0;; ++i) {
        const QString id = QStringLiteral("user-%1").arg(i);
        if (!taken.contains(id) && PresenceStore::preferredColorSlot(id) == slot)
            return id;
    }
}

QJsonObject presenceOf(const QString& id, const QString& name,
                       const QString& status = QStringLiteral("online"))
{
    return {{QStringLiteral("userId"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("status"), status},
            {QStringLiteral("sessions"), 1},
            {QStringLiteral("viewing"), QJsonArray()},
            {QStringLiteral("editing"), QJsonArray()}};
}

// A presence store fed by a real Socket.IO endpoint that the test makes say who is present.
struct PresenceFeed
{
    PresenceFeed() : core(config(), profile()), store(core)
    {
        core.setTokenSource([] { return QStringLiteral("good-token"); });
        core.start();
        REQUIRE(waitUntil([&] { return core.connection().state() == ConnectionState::Online; }));
    }
    ConnectionConfig config()
    {
        REQUIRE(server.listen());
        return test::fastConnectionConfig(server.url());
    }
    std::unique_ptr<LocalStore> profile()
    {
        QString error;
        auto opened = LocalStore::open(dir.filePath(QStringLiteral("profile.sqlite")), &error);
        REQUIRE(opened);
        return opened;
    }
    void snapshot(const QList<QJsonObject>& users)
    {
        QJsonArray list;
        for (const auto& user : users)
            list.append(user);
        server.lastSession()->emitEvent(QStringLiteral("presence:snapshot"),
                                        {QJsonObject{{QStringLiteral("users"), list}}});
        REQUIRE(waitUntil([&] { return store.rowCount() == list.size() && store.isLive(); }));
    }
    void leave(const QString& id)
    {
        QJsonObject gone = presenceOf(id, id, QStringLiteral("offline"));
        gone.insert(QStringLiteral("sessions"), 0);
        server.lastSession()->emitEvent(QStringLiteral("presence:update"), {gone});
        REQUIRE(waitUntil([&] { return !store.presenceOf(id).has_value(); }));
    }
    int slotOf(const QString& id) const
    {
        for (int row = 0; row < store.rowCount(); ++row) {
            if (store.index(row).data(PresenceStore::UserIdRole) == id)
                return store.index(row).data(PresenceStore::ColorSlotRole).toInt();
        }
        return -1;
    }

    test::TestSocketIoServer server;
    QTemporaryDir dir;
    ClientCore core;
    PresenceStore store;
};

// The strip's avatars, each sampled left of its initials: what the agent sees as its colour.
QList<QColor> paintedFills(AvatarStrip& strip)
{
    const QImage shot = strip.grab().toImage();
    QList<QColor> fills;
    for (int slot = 0; slot < strip.visibleAvatars(); ++slot)
        fills.append(shot.pixelColor(strip.avatarRect(slot).left() + 4, shot.height() / 2));
    return fills;
}

} // namespace

TEST_CASE("Avatar palette: white initials readable on every colour, and colours set apart",
          "[ui][avatars]")
{
    REQUIRE(AvatarPalette::size() == PresenceStore::kColorSlots);
    REQUIRE(AvatarPalette::size() >= 12);
    // The formula itself, on WCAG's own reference points.
    CHECK(AvatarPalette::contrastRatio(Qt::white, Qt::black) == Approx(21.0));
    CHECK(AvatarPalette::contrastRatio(Qt::white, QColor(0x76, 0x76, 0x76)) ==
          Approx(4.54).margin(0.01));
    for (int slot = 0; slot < AvatarPalette::size(); ++slot) {
        const QColor colour = AvatarPalette::color(slot);
        INFO("slot " << slot << " " << describe(colour));
        CHECK(AvatarPalette::contrastRatio(colour, Qt::white) >= 4.5);
        // Greyed (the link is down) it keeps the same contrast.
        CHECK(AvatarPalette::contrastRatio(AvatarPalette::greyed(colour), Qt::white) >= 4.49);
        CHECK(AvatarPalette::greyed(colour).hslSaturation() == 0);
        // No colour is a grey: grey means "not live".
        CHECK(colour.hslSaturation() > 80);
        // Every colour another colour, not a shade of one already there.
        for (int other = slot + 1; other < AvatarPalette::size(); ++other)
            CHECK(labDistance(AvatarPalette::color(other), colour) >= 20);
        // A taken colour's next slot, where a newcomer goes, is far from it.
        CHECK(labDistance(AvatarPalette::color(slot + 1), colour) >= 40);
    }
    CHECK(AvatarPalette::color(AvatarPalette::size() + 2) == AvatarPalette::color(2));
    CHECK(AvatarPalette::color(-1) == AvatarPalette::color(AvatarPalette::size() - 1));
}

TEST_CASE("Avatars: people whose ids want the same colour are shown in different colours",
          "[ui][avatars]")
{
    PresenceFeed feed;
    const QString first = idPreferring(3, {});
    const QString second = idPreferring(3, {first});
    const QString third = idPreferring(4, {});
    feed.snapshot({presenceOf(first, QStringLiteral("Ana")),
                   presenceOf(second, QStringLiteral("Ben")),
                   presenceOf(third, QStringLiteral("Dee"))});
    // The first keeps the colour it prefers; the second moves on, and pushes nobody else.
    CHECK(feed.slotOf(first) == 3);
    CHECK(feed.slotOf(second) != 3);
    CHECK(feed.slotOf(second) != feed.slotOf(third));
    CHECK(feed.slotOf(third) != 3);

    AvatarStrip strip(&feed.store);
    strip.resize(strip.sizeHint());
    const QList<QColor> colours = strip.shownColors();
    REQUIRE(colours.size() == 3);
    CHECK(colours.at(0) == AvatarPalette::color(3));
    CHECK(colours.at(0) != colours.at(1));
    CHECK(colours.at(1) != colours.at(2));
    CHECK(colours.at(0) != colours.at(2));
    // And that is what is painted.
    const QList<QColor> painted = paintedFills(strip);
    for (int slot = 0; slot < 3; ++slot) {
        INFO("avatar " << slot << " painted " << describe(painted.at(slot)) << ", expected "
                       << describe(colours.at(slot)));
        CHECK(near(painted.at(slot), colours.at(slot), 3));
    }

    // A colour stays with its person: the second leaves, a newcomer wanting 3 as well comes.
    feed.leave(second);
    const QString fourth = idPreferring(3, {first, second, third});
    feed.server.lastSession()->emitEvent(QStringLiteral("presence:update"),
                                         {presenceOf(fourth, QStringLiteral("Eve"))});
    REQUIRE(waitUntil([&] { return feed.store.presenceOf(fourth).has_value(); }));
    CHECK(feed.slotOf(first) == 3);
    CHECK(feed.slotOf(fourth) != 3);
    CHECK(feed.slotOf(fourth) != feed.slotOf(third));
}

TEST_CASE("Avatars: more people than colours, the few shown together still differ", "[ui][avatars]")
{
    PresenceFeed feed;
    QStringList ids;
    QList<QJsonObject> users;
    for (int i = 0; i < PresenceStore::kColorSlots; ++i) {
        ids.append(QStringLiteral("person-%1").arg(i));
        users.append(presenceOf(ids.last(), QStringLiteral("P%1").arg(i)));
    }
    // One more than there are colours, wanting the first one's.
    ids.append(idPreferring(PresenceStore::preferredColorSlot(ids.first()), ids));
    users.append(presenceOf(ids.last(), QStringLiteral("Zed")));
    feed.snapshot(users);
    QSet<int> used;
    for (int i = 0; i < PresenceStore::kColorSlots; ++i)
        used.insert(feed.slotOf(ids.at(i)));
    CHECK(used.size() == PresenceStore::kColorSlots); // up to twelve, everyone differs
    // Most leave; the first and the thirteenth, sharing a colour in the store, are shown together.
    for (int i = 1; i <= 8; ++i)
        feed.leave(ids.at(i));
    REQUIRE(feed.slotOf(ids.first()) == feed.slotOf(ids.last()));
    AvatarStrip strip(&feed.store);
    strip.setMaxVisible(5);
    const QList<QColor> colours = strip.shownColors();
    REQUIRE(colours.size() == 5);
    CHECK(QSet<QRgb>({colours[0].rgb(), colours[1].rgb(), colours[2].rgb(), colours[3].rgb(),
                      colours[4].rgb()})
              .size() == 5);
}

TEST_CASE("Avatars: the status dot is ringed in the background colour, initials fit the circle",
          "[ui][avatars]")
{
    PresenceFeed feed;
    // Wide initials too: they must leave the ring and the dot alone.
    feed.snapshot(
        {presenceOf(idPreferring(4, {}), QStringLiteral("Will Moss")),
         presenceOf(idPreferring(5, {}), QStringLiteral("Ben Ito"), QStringLiteral("away")),
         presenceOf(idPreferring(3, {}), QStringLiteral("Dee Park"), QStringLiteral("busy"))});
    const QStringList statuses{QStringLiteral("online"), QStringLiteral("away"),
                               QStringLiteral("busy")};
    QList<QPixmap> shots;
    for (const int diameter : {22, 28, 36}) {
        INFO("diameter " << diameter);
        AvatarStrip strip(&feed.store);
        strip.setDiameter(diameter);
        strip.setShowCount(false);
        strip.resize(strip.sizeHint());
        const QImage shot = strip.grab().toImage();
        REQUIRE(shot.devicePixelRatio() == 1.0);
        const QColor background = strip.palette().color(QPalette::Window);
        const QList<QColor> fills = strip.shownColors();
        for (int slot = 0; slot < strip.visibleAvatars(); ++slot) {
            INFO("avatar " << slot);
            const QRect dot = strip.statusDotRect(slot);
            REQUIRE_FALSE(dot.isEmpty());
            CHECK(strip.rect().contains(dot)); // never clipped by the widget's edge
            const QPointF centre = QRectF(dot).center();
            const double outer = dot.width() / 2.0;
            auto at = [&](double angle, double radius) {
                return shot.pixelColor(
                    static_cast<int>(std::floor(centre.x() + radius * std::cos(angle))),
                    static_cast<int>(std::floor(centre.y() - radius * std::sin(angle))));
            };
            CHECK(near(at(0, 0), AvatarStrip::statusColor(statuses.at(slot))));
            // All around, the band 0.5 to 1.5 px inside the dot's outer edge (the ring is 2 px
            // or more): every pixel centred there is the background, in all eight directions.
            QSet<int> octants;
            for (int py = dot.top(); py <= dot.bottom(); ++py) {
                for (int px = dot.left(); px <= dot.right(); ++px) {
                    const double dx = px + 0.5 - centre.x();
                    const double dy = centre.y() - (py + 0.5);
                    const double distance = std::hypot(dx, dy);
                    if (distance < outer - 1.5 || distance > outer - 0.5)
                        continue;
                    const double angle = std::atan2(dy, dx) + M_PI; // 0 .. 2 pi
                    octants.insert(static_cast<int>(angle / (M_PI / 4)) % 8);
                    INFO("ring pixel " << px << "," << py << " is "
                                       << describe(shot.pixelColor(px, py)));
                    CHECK(near(shot.pixelColor(px, py), background, 24));
                }
            }
            CHECK(octants.size() == 8);
            // Just outside the ring on the left, where the dot meets its avatar (below the
            // initials, clear of the next avatar): the avatar's colour, so the ring stands between
            // the two.
            const QColor beyond = at(M_PI, outer + 1.5);
            INFO("beyond the ring " << describe(beyond) << ", avatar " << describe(fills.at(slot)));
            CHECK(near(beyond, fills.at(slot), 40));
        }
        shots.append(strip.grab().scaled(strip.size() * 6));
    }
    // Initials: sized from the diameter, and wide ones shrink so their ink stays well inside.
    const QFont base = QApplication::font();
    CHECK(AvatarStrip::initialsFont(base, 36, QStringLiteral("A")).pixelSize() >
          AvatarStrip::initialsFont(base, 22, QStringLiteral("A")).pixelSize());
    for (const int diameter : {22, 28, 36}) {
        // The next avatar overlaps this one's right side: the ink must end before it.
        AvatarStrip sized(&feed.store);
        sized.setDiameter(diameter);
        sized.resize(sized.sizeHint());
        const int nextLeft = sized.avatarRect(1).left();
        const double middle = sized.avatarRect(0).left() + diameter / 2.0;
        for (const QString& initials :
             {QStringLiteral("WM"), QStringLiteral("MW"), QStringLiteral("AL"), QStringLiteral("?"),
              QStringLiteral("+9")}) {
            INFO("diameter " << diameter << " initials " << initials.toStdString());
            const QString drawn = AvatarStrip::fittedInitials(base, diameter, initials);
            CHECK(initials.startsWith(drawn));
            const QFont font = AvatarStrip::initialsFont(base, diameter, drawn);
            CHECK(font.pixelSize() >= 7); // smaller is a blur
            const QRectF ink = QFontMetricsF(font).tightBoundingRect(drawn);
            CHECK(ink.width() <= diameter * 0.64);
            // Centred, the ink's corners stay inside the circle within its 2 px ring.
            CHECK(std::hypot(ink.width() / 2, ink.height() / 2) <= diameter / 2.0 - 2);
            CHECK(middle + ink.width() / 2 <= nextLeft);
        }
    }
    QPixmap sheet(shots.at(2).width() + 16,
                  shots.at(0).height() + shots.at(1).height() + shots.at(2).height() + 32);
    sheet.fill(Qt::white);
    QPainter painter(&sheet);
    int y = 8;
    for (const auto& shot : shots) {
        painter.drawPixmap(8, y, shot);
        y += shot.height() + 8;
    }
    painter.end();
    keep(sheet, QStringLiteral("avatars-dots-x6.png"));
}

TEST_CASE("Presence greys out while the link is down and is live again after the snapshot",
          "[ui][avatars][presence]")
{
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    auto ben =
        std::make_unique<Desktop>(server, server.ben, server.dir.filePath(QStringLiteral("ben")));
    auto* people = ana.window->findChild<AvatarStrip*>(QString(), Qt::FindChildrenRecursively);
    REQUIRE(people);
    auto* toolbar = ana.window->findChild<QToolBar*>(QStringLiteral("mainToolbar"));
    REQUIRE(toolbar);
    PresenceStore& presence = ana.session.presence();
    REQUIRE(waitUntil([&] { return presence.onlineCount() == 2 && presence.isLive(); }));
    CHECK(people->countText() == QStringLiteral("2 online"));
    CHECK(people->accessibleDescription() == QStringLiteral("2 online"));
    CHECK_FALSE(presence.headerData(0, Qt::Horizontal, PresenceStore::StaleRole).toBool());
    const QList<QColor> liveColours = people->shownColors();
    REQUIRE(liveColours.size() == 2);
    const QRect dot = people->statusDotRect(0);
    REQUIRE_FALSE(dot.isEmpty());
    const QColor online = AvatarStrip::statusColor(QStringLiteral("online"));
    CHECK(near(people->grab().toImage().pixelColor(dot.center()), online));
    QCoreApplication::sendPostedEvents(); // the toolbar's layout, as before any paint
    const QPixmap liveShot = toolbar->grab();

    // The link drops (the server ends ana's session): at that moment nobody shows as live.
    QStringList seenWhileReconnecting;
    QObject::connect(&ana.session.connection(), &ConnectionManager::stateChanged, people,
                     [&](ConnectionState state) {
                         if (state == ConnectionState::Reconnecting)
                             seenWhileReconnecting.append(people->countText());
                     });
    for (auto* session : server.server.endpoint().sessions()) {
        if (session->sid() == ana.session.connection().sessionId())
            session->abort();
    }
    REQUIRE(waitUntil([&] { return !seenWhileReconnecting.isEmpty(); }));
    CHECK(seenWhileReconnecting.first() == QStringLiteral("last known: 2 online"));
    // Back by itself (the server never went away), live after the server's snapshot.
    REQUIRE(waitUntil([&] { return presence.isLive(); }, 20s));
    CHECK(people->countText() == QStringLiteral("2 online"));

    // Offline: grey, no dot, "last known", and each tooltip says when they were last seen.
    ana.session.goOffline();
    CHECK_FALSE(presence.isLive());
    CHECK(presence.index(0).data(PresenceStore::StaleRole).toBool());
    CHECK(presence.headerData(0, Qt::Horizontal, PresenceStore::StaleRole).toBool());
    CHECK(presence.index(0).data(PresenceStore::LastSeenRole).toDateTime().isValid());
    CHECK(people->countText() == QStringLiteral("last known: 2 online"));
    CHECK(people->accessibleDescription() == QStringLiteral("last known: 2 online"));
    CHECK(people->statusDotRect(0).isEmpty());
    const QList<QColor> staleColours = people->shownColors();
    REQUIRE(staleColours.size() == 2);
    for (int slot = 0; slot < 2; ++slot) {
        CHECK(staleColours.at(slot).hslSaturation() == 0);
        CHECK(staleColours.at(slot) == AvatarPalette::greyed(liveColours.at(slot)));
        CHECK(people->avatarToolTip(slot).contains(QStringLiteral("last seen just now")));
        CHECK(people->avatarToolTip(slot).contains(QStringLiteral("you are offline")));
    }
    const QImage staleImage = people->grab().toImage();
    CHECK_FALSE(near(staleImage.pixelColor(dot.center()), online, 40));
    QCoreApplication::sendPostedEvents();
    const QPixmap staleShot = toolbar->grab();
    CHECK(AvatarStrip::lastSeenText(QDateTime::currentDateTimeUtc().addSecs(-130),
                                    QDateTime::currentDateTimeUtc()) ==
          QStringLiteral("2 min ago"));

    // Ben leaves meanwhile; ana cannot know until she is back, then the snapshot says so.
    ben.reset();
    CHECK(people->countText() == QStringLiteral("last known: 2 online"));
    ana.session.goOnline(server.token(server.ana));
    REQUIRE(waitUntil([&] { return presence.isLive() && presence.onlineCount() == 1; }));
    CHECK(people->countText() == QStringLiteral("1 online"));
    CHECK_FALSE(people->statusDotRect(0).isEmpty());
    CHECK(people->shownColors().first().hslSaturation() > 80);

    QPixmap sheet(std::max(liveShot.width(), staleShot.width()) + 16,
                  liveShot.height() + staleShot.height() + 24);
    sheet.fill(Qt::white);
    QPainter painter(&sheet);
    painter.drawPixmap(8, 8, liveShot);
    painter.drawPixmap(8, liveShot.height() + 16, staleShot);
    painter.end();
    keep(sheet, QStringLiteral("toolbar-live-then-offline.png"));
}

TEST_CASE("The badge counts waiting changes in every state, Retry now shows while reconnecting",
          "[ui][badge]")
{
    test::Server server;
    Desktop ana(server, server.ana, server.dir.filePath(QStringLiteral("ana")));
    auto* badge = ana.window->findChild<ConnectionBadge*>();
    REQUIRE(badge);
    auto* toolbar = ana.window->findChild<QToolBar*>(QStringLiteral("mainToolbar"));
    REQUIRE(toolbar);
    CHECK(toolbar->actions().contains(badge->retryAction()));
    REQUIRE(waitUntil([&] { return badge->text() == QStringLiteral("Live"); }));
    CHECK_FALSE(badge->retryAction()->isVisible());
    QStringList labels;
    QObject::connect(&ana.session.status(), &SyncStatus::changed, badge,
                     [&] { labels.append(badge->text()); });

    ana.session.goOffline();
    RecordTableModel* tasks = ana.session.table(QStringLiteral("tasks"));
    for (const auto& title : {QStringLiteral("Call back"), QStringLiteral("Send the offer")})
        REQUIRE_FALSE(tasks->createRecord({{QStringLiteral("title"), title}}).isEmpty());
    const bool offlineShown =
        waitUntil([&] { return badge->text() == QStringLiteral("Offline - 2 changes waiting"); });
    INFO("badge says " << badge->text().toStdString());
    REQUIRE(offlineShown);
    CHECK_FALSE(badge->retryAction()->isVisible()); // stopped on purpose: nothing to retry
    badge->adjustSize();
    const QPixmap offlineShot = badge->grab();

    // The same queue behind a server that is not there: the countdown, the queue, Retry now.
    ConnectionConfig config =
        test::fastConnectionConfig(QUrl(QStringLiteral("http://127.0.0.1:9")));
    config.backoffBase = 30s;
    config.backoffCap = 30s;
    config.backoffSeed = 3;
    // Its own link, over the same profile: the same queue behind another address.
    auto nowhereCore = test::linkCore(
        config, [] { return QString(); }, ana.session.profileDir());
    ConnectionManager& nowhere = nowhereCore->connection();
    SyncStatus nowhereStatus(*nowhereCore);
    ConnectionBadge reconnecting(&nowhereStatus);
    QSignalSpy scheduled(&nowhere, &ConnectionManager::reconnectScheduled);
    nowhere.start();
    REQUIRE(waitUntil([&] {
        return reconnecting.text().startsWith(QStringLiteral("Reconnecting in ")) &&
               reconnecting.text().endsWith(QStringLiteral(" s - 2 changes waiting"));
    }));
    CHECK(reconnecting.retryAction()->isVisible());
    CHECK(reconnecting.toolTip().contains(QStringLiteral("attempt 1")));
    reconnecting.retryAction()->trigger(); // tries at once, fails at once, waits again
    REQUIRE(waitUntil([&] { return scheduled.count() == 2; }));
    CHECK(reconnecting.retryAction()->isVisible());
    reconnecting.adjustSize();
    const QPixmap reconnectingShot = reconnecting.grab();
    // In a window's toolbar, Retry now is a button of its own beside the badge.
    Workspace nowhereWorkspace;
    nowhereWorkspace.status = &nowhereStatus;
    nowhereWorkspace.serverLabel = QStringLiteral("127.0.0.1:9");
    MainWindow nowhereWindow(nowhereWorkspace);
    nowhereWindow.resize(700, 300);
    nowhereWindow.show();
    auto* nowhereBar = nowhereWindow.findChild<QToolBar*>(QStringLiteral("mainToolbar"));
    REQUIRE(nowhereBar);
    auto* nowhereBadge = nowhereWindow.findChild<ConnectionBadge*>();
    REQUIRE(nowhereBadge);
    QWidget* retryButton = nowhereBar->widgetForAction(nowhereBadge->retryAction());
    REQUIRE(retryButton);
    REQUIRE(waitUntil([&] { return retryButton->isVisible(); }));
    QCoreApplication::sendPostedEvents();
    const QPixmap toolbarShot = nowhereBar->grab();

    // Back online the queue is "sending" until the server has taken it.
    ana.session.goOnline(server.token(server.ana));
    REQUIRE(waitUntil([&] { return ana.session.store().outbox().count() == 0; }));
    REQUIRE(waitUntil([&] { return badge->text() == QStringLiteral("Live"); }));
    CHECK(labels.contains(QStringLiteral("Live - 2 changes sending")));
    CHECK(labels.contains(QStringLiteral("Connecting - 2 changes waiting")));

    QPixmap sheet(std::max({offlineShot.width(), reconnectingShot.width(), toolbarShot.width()}) +
                      16,
                  offlineShot.height() + reconnectingShot.height() + toolbarShot.height() + 32);
    sheet.fill(ana.window->palette().color(QPalette::Window));
    QPainter painter(&sheet);
    painter.drawPixmap(8, 8, offlineShot);
    painter.drawPixmap(8, offlineShot.height() + 16, reconnectingShot);
    painter.drawPixmap(8, offlineShot.height() + reconnectingShot.height() + 24, toolbarShot);
    painter.end();
    keep(sheet, QStringLiteral("badge-with-queue.png"));
}
