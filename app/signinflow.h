#pragma once

#include "app/accountsession.h"
#include "ui/signindialog.h"

#include <memory>
#include <QObject>
#include <QPointer>
#include <QUrl>

namespace crm {

// One sign-in, without a nested event loop: the dialog (window-modal over `window` when there
// is one) until the server accepts the password or the agent gives up. A keychain that does not
// answer is said so, with the offer to stay signed in for this session only. Emits exactly one
// of signedIn() or cancelled(), then may be deleted.
class SignInFlow : public QObject
{
    Q_OBJECT
public:
    explicit SignInFlow(QWidget* window = nullptr, QObject* parent = nullptr);
    ~SignInFlow() override;

    // The dialog before start() (to fill in the server, the email, a message) and while open.
    SignInDialog& dialog() { return *m_dialog; }
    void start();

signals:
    void signedIn(const QUrl& server, const QString& email);
    void cancelled();

private:
    void attempt(AccountSession::Keep keep);
    void answered(AccountSession::Keep keep, const AccountSession::Outcome& outcome);

    QPointer<SignInDialog> m_dialog;
    std::unique_ptr<AccountSession> m_account;
    QUrl m_server;
    QString m_email;
    bool m_finished = false;
};

} // namespace crm
