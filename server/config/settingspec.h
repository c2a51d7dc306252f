#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace crm {

// One setting of crm-server, as the command line (--KEY), the environment (ENV) and the config
// file (KEY = value) name it: the one table they are all read from, printed by
// `crm-server --help-settings` and copied into README.
struct SettingSpec
{
    enum class Kind
    {
        Text,      // any text
        Path,      // a file or folder name
        Address,   // an IP address to listen on
        Addresses, // IP addresses, comma-separated (empty: none)
        Port,      // 0-65535 (0: any free port)
        Integer,   // whole number within [min, max]
        Number,    // decimal number within [min, max]
        Choice,    // one of `choices`
        Switch,    // true / false (a flag on the command line: present means true)
        Database,  // empty (SQLite in the data folder) or a postgresql:// URL
        Redis      // empty (a single node) or a redis:// URL
    };

    QString key;
    QString env;
    Kind kind = Kind::Text;
    QString defaultValue; // as written; empty: unset
    QString valueName;    // the command line's "<port>"
    QString description;
    double min = 0;
    double max = 0;
    QStringList choices;

    static const QList<SettingSpec>& all();
    static const SettingSpec* find(QStringView key);
};

} // namespace crm
