#pragma once

#include "server/config/settingspec.h"

#include <QHash>
#include <QProcessEnvironment>
#include <QString>

class QCommandLineParser;

namespace crm {

struct CrmServerOptions;

// crm-server's settings, each from (in rising precedence) its default, the config file, the
// environment and the command line. Every value is checked against its SettingSpec; a bad one
// is refused with its setting's name and where the value came from ("port: 'abc' is not a port
// (from CRM_PORT)"). The config file is --config FILE, else $CRM_CONFIG, else
// /etc/crm-server/crm-server.conf when it exists: `key = value` lines, `#` comments.
class ServerConfig
{
public:
    static inline const QString kDefaultFile = QStringLiteral("/etc/crm-server/crm-server.conf");

    // --KEY for every setting, and --config; the parser then reads them like any option.
    static void addOptions(QCommandLineParser& parser);
    // The settings table as text, for --help-settings.
    static QString describe();

    bool load(const QCommandLineParser& parser, const QProcessEnvironment& environment,
              QString* error);
    // Reads a config file's text (what load() does with the file; separate for tests).
    bool readFileText(const QString& text, const QString& fileName, QString* error);

    QString value(QStringView key) const;
    bool isOn(QStringView key) const;      // a Switch setting
    QString origin(QStringView key) const; // "default", "FILE:LINE", "CRM_PORT" or "--port"
    QString configFile() const { return m_file; }

    // The server's options from these settings (the database password read from its file).
    bool toOptions(CrmServerOptions* options, QString* error) const;

private:
    bool set(const SettingSpec& spec, const QString& value, const QString& origin, QString* error);

    QHash<QString, QString> m_values;
    QHash<QString, QString> m_origins;
    QString m_file;
};

} // namespace crm
