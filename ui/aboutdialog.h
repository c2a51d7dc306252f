#pragma once

#include <QDialog>
#include <QList>
#include <utility>

class QLabel;

namespace crm {

class ServerInfo;

// Help > About: what this program is (version, revision, Qt), where it runs, and the server it
// talks to with that server's version: everything a bug report needs, with a button to copy it.
class AboutDialog : public QDialog
{
    Q_OBJECT
public:
    AboutDialog(ServerInfo* server, const QString& serverLabel, QWidget* parent = nullptr);

    // The facts as plain text, one per line (what Copy puts on the clipboard).
    QString report() const;

private:
    QList<std::pair<QString, QString>> facts() const;
    void refresh();

    ServerInfo* m_server;
    QString m_serverLabel;
    QLabel* m_facts = nullptr;
};

} // namespace crm
