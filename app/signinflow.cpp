#include "app/signinflow.h"

#include "app/desktopsession.h"

#include <QMessageBox>

namespace crm {

SignInFlow::SignInFlow(QWidget* window, QObject* parent)
    : QObject(parent), m_dialog(new SignInDialog(window))
{
    if (window)
        m_dialog->setWindowModality(Qt::WindowModal);
    connect(m_dialog, &SignInDialog::signInRequested, this, [this] {
        m_server = QUrl::fromUserInput(m_dialog->server());
        m_email = m_dialog->email();
        m_account = std::make_unique<AccountSession>(
            m_server, DesktopSession::profileDirFor(m_server, m_email));
        attempt(m_dialog->keepSignedIn() ? AccountSession::Keep::Keychain
                                         : AccountSession::Keep::Memory);
    });
    // Its window went (the account was left) before an answer: given up.
    connect(m_dialog, &QObject::destroyed, this, [this] {
        if (m_finished)
            return;
        m_finished = true;
        emit cancelled();
    });
    connect(m_dialog, &QDialog::finished, this, [this](int result) {
        if (m_finished)
            return;
        m_finished = true;
        if (result == QDialog::Accepted)
            emit signedIn(m_server, m_email);
        else
            emit cancelled();
    });
}

SignInFlow::~SignInFlow()
{
    m_finished = true; // no signal from a flow being destroyed
    delete m_dialog;   // owned here whether or not it has a parent window
}

void SignInFlow::start()
{
    m_dialog->open();
}

void SignInFlow::attempt(AccountSession::Keep keep)
{
    m_dialog->setBusy(true);
    // The session answers on this object's thread; a flow deleted meanwhile deletes the
    // session with it, and with it the pending request.
    m_account->signIn(
        m_email, m_dialog->password(), keep,
        [this, keep](const AccountSession::Outcome& outcome) { answered(keep, outcome); });
}

void SignInFlow::answered(AccountSession::Keep keep, const AccountSession::Outcome& outcome)
{
    if (!m_dialog) // its window closed meanwhile (the account was left)
        return;
    m_dialog->setBusy(false);
    if (outcome.ok())
        return m_dialog->accept();
    if (outcome.failure == AccountSession::Failure::Storage &&
        keep == AccountSession::Keep::Keychain) {
        auto* ask = new QMessageBox(QMessageBox::Question, tr("No keychain"),
                                    tr("%1\n\nStay signed in for this session only? You will be "
                                       "asked again at the next start.")
                                        .arg(outcome.error),
                                    QMessageBox::Yes | QMessageBox::No, m_dialog);
        ask->setAttribute(Qt::WA_DeleteOnClose);
        connect(ask, &QMessageBox::finished, this, [this, error = outcome.error](int button) {
            if (!m_dialog)
                return;
            if (button == QMessageBox::Yes)
                return attempt(AccountSession::Keep::Memory);
            m_dialog->setError(error);
        });
        ask->open();
        return;
    }
    m_dialog->setError(outcome.error);
}

} // namespace crm
