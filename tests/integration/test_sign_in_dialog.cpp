// The sign-in dialog says, before the password is typed, when the server's address would send
// it unencrypted across the network.
#include "support/settingssandbox.h"
#include "ui/settingsdialog.h"
#include "ui/signindialog.h"

#include <catch2/catch.hpp>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QTest>

using namespace crm;

TEST_CASE("Sign-in: a plain http:// server elsewhere draws a warning, https and this machine "
          "do not",
          "[ui][signin]")
{
    SignInDialog dialog;
    dialog.show();
    auto* warning = dialog.findChild<QLabel*>(QStringLiteral("plainWarning"));
    REQUIRE(warning);
    dialog.setServer(QStringLiteral("http://crm.harbor.example:8787"));
    CHECK(warning->isVisible());
    CHECK(warning->text().contains(QStringLiteral("is not encrypted")));

    // As the agent corrects it, keystroke by keystroke.
    auto* server = dialog.findChildren<QLineEdit*>().first();
    server->selectAll();
    QTest::keyClicks(server, QStringLiteral("https://crm.harbor.example"));
    CHECK_FALSE(warning->isVisible());

    dialog.setServer(QStringLiteral("http://127.0.0.1:8787"));
    CHECK_FALSE(warning->isVisible());
    dialog.setServer(QStringLiteral("10.0.0.7:8787")); // no scheme: the app reads http://
    CHECK(warning->isVisible());
}

TEST_CASE("Settings: the brokerage's certificate authority file is kept for the next start, and "
          "clearing it goes back to the system's authorities",
          "[ui][settings]")
{
    test::SettingsSandbox sandbox;
    SettingsDialog dialog(QStringLiteral("ana on crm.harbor.example"));
    auto* field = dialog.findChild<QLineEdit*>(QStringLiteral("caFile"));
    REQUIRE(field);
    CHECK(field->text().isEmpty());
    field->setText(QStringLiteral("/etc/ssl/harbor-ca.pem"));
    SettingsDialog::save(dialog.values());
    CHECK(QSettings().value(QStringLiteral("tls/caFile")).toString() ==
          QStringLiteral("/etc/ssl/harbor-ca.pem"));
    CHECK(SettingsDialog::load().caFile == QStringLiteral("/etc/ssl/harbor-ca.pem"));

    field->clear();
    SettingsDialog::save(dialog.values());
    CHECK_FALSE(QSettings().contains(QStringLiteral("tls/caFile")));
}
