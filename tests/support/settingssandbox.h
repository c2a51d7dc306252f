// QSettings for one test only: a fresh file in a temporary folder, never the user's; and the
// locale crm-desktop falls back to on a machine without one (the C locale): en_US.
#pragma once

#include <QCoreApplication>
#include <QLocale>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>

namespace crm::test {

struct SettingsSandbox
{
    SettingsSandbox()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("crm-desktop-test"));
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, dir.path());
        QSettings().clear();
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
    }
    QTemporaryDir dir;
};

} // namespace crm::test
