// People's pictures end to end: the REST rules on a real server, then a teammate's picture
// reaching the agent's avatars live, kept for offline starts, and gone when removed.
#include "models/presencestore.h"
#include "models/userdirectorymodel.h"
#include "models/userpicturecache.h"
#include "server/storage/userdirectory.h"
#include "server/storage/userpicturestore.h"
#include "support/clientprofile.h"
#include "support/restcall.h"
#include "ui/avatarpicture.h"
#include "ui/avatarstrip.h"

#include <catch2/catch.hpp>
#include <QAbstractItemModelTester>
#include <QImage>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>

using namespace crm;
using test::Profile;
using test::restCall;
using test::Server;
using test::waitUntil;

namespace {

QByteArray solidPicture(const QColor& colour, int side = 64)
{
    QImage image(side, side, QImage::Format_RGB32);
    image.fill(colour);
    QString error;
    const auto bytes = AvatarPicture::fromImage(image, &error);
    REQUIRE(bytes);
    return *bytes;
}

QJsonObject pictureBody(const QByteArray& bytes)
{
    return {{QStringLiteral("data"), QString::fromLatin1(bytes.toBase64())}};
}

qint64 listedVersion(Server& s, const Identity& asker, const QString& userId)
{
    const auto reply = restCall(s.url(), s.token(asker), "GET", QStringLiteral("/api/users"));
    REQUIRE(reply.ok());
    for (const auto& person : reply.body.toObject().value(QStringLiteral("users")).toArray()) {
        if (person.toObject().value(QStringLiteral("id")).toString() == userId)
            return person.toObject().value(QStringLiteral("pictureVersion")).toInteger();
    }
    return -1;
}

// The colour at an avatar's centre, as the agent sees it.
QColor avatarCentre(AvatarStrip& strip)
{
    const QImage shot = strip.grab().toImage();
    const qreal dpr = shot.devicePixelRatio();
    return shot.pixelColor(static_cast<int>(14 * dpr), static_cast<int>(shot.height() / 2));
}

} // namespace

TEST_CASE("Pictures over REST: set, read, replace, remove, with type, size, rights and brokerages",
          "[pictures]")
{
    Server s;
    const QString path = QStringLiteral("/api/me/picture");
    const QString anaPicture = QStringLiteral("/api/users/%1/picture").arg(s.ana.userId);
    const QByteArray red = solidPicture(Qt::red);
    CHECK(UserPictureStore::contentTypeOf(red) == QStringLiteral("image/jpeg"));

    auto set = restCall(s.url(), s.token(s.ana), "PUT", path, pictureBody(red));
    REQUIRE(set.ok());
    CHECK(set.body.toObject().value(QStringLiteral("pictureVersion")).toInteger() == 1);
    CHECK(listedVersion(s, s.ben, s.ana.userId) == 1);
    CHECK(listedVersion(s, s.ben, s.ben.userId) == 0); // no picture: no number
    // A teammate and another team of the brokerage read it, byte for byte.
    for (const Identity& reader : {s.ben, s.cleo}) {
        const auto got = restCall(s.url(), s.token(reader), "GET", anaPicture);
        REQUIRE(got.ok());
        CHECK(QByteArray::fromBase64(
                  got.body.toObject().value(QStringLiteral("data")).toString().toLatin1()) == red);
        CHECK(got.body.toObject().value(QStringLiteral("contentType")).toString() == u"image/jpeg");
    }

    // Refused, each with its reason, and the stored picture untouched.
    auto refused = restCall(s.url(), s.token(s.ana), "PUT", path,
                            pictureBody(QByteArrayLiteral("GIF89a not what we take")));
    CHECK(refused.error.code == QStringLiteral("bad_picture"));
    refused = restCall(s.url(), s.token(s.ana), "PUT", path,
                       {{QStringLiteral("data"), QStringLiteral("%%% not base64 %%%")}});
    CHECK(refused.error.code == QStringLiteral("bad_picture"));
    QByteArray huge = red;
    huge.append(QByteArray(UserPictureStore::kMaxBytes, 'x'));
    refused = restCall(s.url(), s.token(s.ana), "PUT", path, pictureBody(huge));
    CHECK(refused.httpStatus == 413);
    refused = restCall(s.url(), QStringLiteral("not a token"), "PUT", path, pictureBody(red));
    CHECK(refused.httpStatus == 401);
    Identity bot = s.ana;
    bot.agentName = QStringLiteral("Escrow assistant");
    refused = restCall(s.url(), s.token(bot), "PUT", path, pictureBody(red));
    CHECK(refused.httpStatus == 403);
    CHECK(listedVersion(s, s.ben, s.ana.userId) == 1);

    // Another brokerage does not see it at all.
    auto& users = s.server.users();
    const QString elsewhere = users.addBrokerage(QStringLiteral("Elsewhere Homes"));
    const Identity eve = s.add(elsewhere, users.addTeam(elsewhere, QStringLiteral("East")),
                               QStringLiteral("eve@elsewhere.test"), Identity::Role::Agent);
    CHECK(restCall(s.url(), s.token(eve), "GET", anaPicture).httpStatus == 404);

    // Replace, remove, set again: the version never repeats, so no cache keeps an old one.
    REQUIRE(
        restCall(s.url(), s.token(s.ana), "PUT", path, pictureBody(solidPicture(Qt::blue))).ok());
    CHECK(listedVersion(s, s.ben, s.ana.userId) == 2);
    REQUIRE(restCall(s.url(), s.token(s.ana), "DELETE", path).ok());
    CHECK(listedVersion(s, s.ben, s.ana.userId) == 0);
    CHECK(restCall(s.url(), s.token(s.ben), "GET", anaPicture).httpStatus == 404);
    REQUIRE(restCall(s.url(), s.token(s.ana), "PUT", path, pictureBody(red)).ok());
    CHECK(listedVersion(s, s.ben, s.ana.userId) == 4);
}

TEST_CASE("A teammate's picture reaches the agent's avatars live, stays for offline starts and "
          "goes when removed",
          "[pictures][ui]")
{
    Server s;
    const QString anaPath = s.dir.filePath(QStringLiteral("ana.sqlite"));
    QByteArray green;
    {
        Profile ana(s, s.ana, anaPath);
        UserDirectoryModel directory(*ana.core);
        QAbstractItemModelTester tester(&directory,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        UserPictureCache pictures(*ana.core, directory);
        PresenceStore presence(*ana.core);
        presence.setPictures(&pictures);
        AvatarStrip strip(&presence);
        strip.setExcludedUser(s.ana.userId);
        strip.resize(200, 36);
        ana.goOnline();

        Profile ben(s, s.ben, s.dir.filePath(QStringLiteral("ben.sqlite")));
        UserDirectoryModel benDirectory(*ben.core);
        UserPictureCache benPictures(*ben.core, benDirectory);
        ben.goOnline();
        REQUIRE(waitUntil([&] { return strip.visibleAvatars() == 1; }));
        const QColor initials = avatarCentre(strip);

        // Ben sets his picture: Ana's avatar of him shows it without any refresh of hers.
        QSignalSpy changed(&pictures, &UserPictureCache::pictureChanged);
        green = solidPicture(QColor(0, 160, 0));
        std::optional<QString> answer;
        benPictures.setOwnPicture(green, [&](const QString& problem) { answer = problem; });
        REQUIRE(waitUntil([&] { return answer.has_value(); }));
        CHECK(answer->isEmpty());
        REQUIRE(waitUntil([&] { return !pictures.pictureOf(s.ben.userId).isEmpty(); }));
        CHECK(pictures.pictureOf(s.ben.userId) == green);
        // Ben's own avatar follows the same way (user:picture reaches his socket too).
        REQUIRE(waitUntil([&] { return benPictures.pictureOf(s.ben.userId) == green; }));
        CHECK(changed.count() >= 1);
        QByteArray inPresence;
        for (int row = 0; row < presence.rowCount(); ++row) {
            if (presence.index(row).data(PresenceStore::UserIdRole) == s.ben.userId)
                inPresence = presence.index(row).data(PresenceStore::PictureRole).toByteArray();
        }
        CHECK(inPresence == green);
        const QColor shown = avatarCentre(strip);
        CHECK(shown.green() > 120);
        CHECK(shown.red() < 40);
        CHECK(shown != initials);
        if (const QString dir = qEnvironmentVariable("CRM_SCREENSHOT_DIR"); !dir.isEmpty())
            strip.grab().save(dir + QStringLiteral("/avatar-picture.png"));
    }

    // Offline start: no server, yet Ben's picture is there from the profile.
    {
        QString error;
        auto store = LocalStore::open(anaPath, &error);
        REQUIRE(store);
        ClientCore offline(test::fastConnectionConfig(QUrl(QStringLiteral("http://127.0.0.1:9"))),
                           std::move(store));
        UserDirectoryModel directory(offline);
        UserPictureCache pictures(offline, directory);
        CHECK(pictures.pictureOf(s.ben.userId) == green);
    }

    // Ben removes it: Ana's copy goes, live.
    Profile ana(s, s.ana, anaPath);
    UserDirectoryModel directory(*ana.core);
    UserPictureCache pictures(*ana.core, directory);
    ana.goOnline();
    REQUIRE(restCall(s.url(), s.token(s.ben), "DELETE", QStringLiteral("/api/me/picture")).ok());
    REQUIRE(waitUntil([&] { return pictures.pictureOf(s.ben.userId).isEmpty(); }));
}

TEST_CASE("AvatarPicture: the centre square, small, as JPEG, transparency as PNG, bad files "
          "refused",
          "[pictures]")
{
    QImage wide(1200, 600, QImage::Format_RGB32);
    wide.fill(Qt::white);
    for (int x = 300; x < 900; ++x) { // the centre square is blue, the sides white
        for (int y = 0; y < 600; ++y)
            wide.setPixelColor(x, y, Qt::blue);
    }
    QString error;
    const auto bytes = AvatarPicture::fromImage(wide, &error);
    REQUIRE(bytes);
    CHECK(bytes->size() <= AvatarPicture::kMaxBytes);
    CHECK(bytes->startsWith("\xff\xd8\xff"));
    const QImage made = QImage::fromData(*bytes);
    CHECK(made.size() == QSize(AvatarPicture::kSide, AvatarPicture::kSide));
    CHECK(made.pixelColor(2, 128).blue() > 200); // the white sides were cut away
    CHECK(made.pixelColor(2, 128).red() < 60);

    QImage clear(100, 100, QImage::Format_ARGB32);
    clear.fill(Qt::transparent);
    const auto png = AvatarPicture::fromImage(clear, &error);
    REQUIRE(png);
    CHECK(png->startsWith("\x89PNG"));

    CHECK_FALSE(AvatarPicture::fromFile(QStringLiteral("/nonexistent/picture.png"), &error));
    CHECK_FALSE(error.isEmpty());
}
