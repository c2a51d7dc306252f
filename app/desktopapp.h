#pragma once

#include "app/launchrequest.h"

#include <memory>
#include <QObject>
#include <QUrl>

namespace crm {

class DesktopSession;
class LinkEventFilter;
class MainWindow;

// What one account's window starts with.
struct AccountLaunch
{
    QUrl server;
    QString email;
    QString token;   // a fixed access token (scripts, demos), or empty
    QString profile; // its local copy and outbox (empty: the account's own folder)
    LaunchRequest request;
    QString screenshot; // save a PNG after screenshotDelay ms and quit
    int screenshotDelay = 3000;
    QString geometry; // WxH+X+Y
};

// crm-desktop's one account at a time: its profile claimed, its session (client core and
// models) and its window, from the local copy, online as soon as the sign-in allows. Switching
// account or signing out tears the account down and signs the next one in, all inside the one
// event loop; finished() says when the process should end and with which status.
class DesktopApp : public QObject
{
    Q_OBJECT
public:
    // Exit statuses besides 0 (done, or handed over to the window already open).
    enum Status
    {
        Done = 0,
        CannotOpen = 1, // the local copy, or the certificate authority file
        BadLink = 2,
        ProfileBusy = 3,
    };

    explicit DesktopApp(LinkEventFilter& links, QObject* parent = nullptr);
    ~DesktopApp() override;

    // Opens the account's window. False when there is none to run: the profile was handed to
    // the window already open for it (status Done), or could not be opened (said to the agent;
    // the status says which).
    bool open(AccountLaunch launch, Status* status);
    // The sign-in dialog first (prefilled from `launch`), then open(); giving up finishes.
    void signInThenOpen(const AccountLaunch& launch);

    // The open account's window and session, or null between accounts.
    MainWindow* window() const;
    DesktopSession* session() const;

signals:
    void accountOpened(const QString& profileDir);
    void finished(int status);

private:
    struct Account;
    void closeAccount();
    // Switch account: once, however often asked.
    void leave();
    void switchAccount();
    void askToSignInAgain(const QString& reason);

    LinkEventFilter& m_links;
    std::unique_ptr<Account> m_account;
};

} // namespace crm
