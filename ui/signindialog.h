#pragma once

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace crm {

// Server, email, password and "keep me signed in". It only collects them and shows what the
// app reports back (a refusal, an unreachable server, a keychain that did not answer); the app
// signs in.
class SignInDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SignInDialog(QWidget* parent = nullptr);

    void setServer(const QString& url);
    void setEmail(const QString& email);
    // Shown above the form: "Session expired: sign in again".
    void setMessage(const QString& message);
    void setError(const QString& error);
    void setBusy(bool busy);

    QString server() const;
    QString email() const;
    QString password() const;
    bool keepSignedIn() const;

signals:
    // The agent pressed "Sign in" with complete input; the dialog stays open until accept().
    void signInRequested();

private:
    void updateButton();

    QLabel* m_message;
    QLineEdit* m_server;
    QLineEdit* m_email;
    QLineEdit* m_password;
    QCheckBox* m_keep;
    QLabel* m_error;
    QLabel* m_plainWarning; // an http:// server elsewhere: said before the password is typed
    QDialogButtonBox* m_buttons;
};

} // namespace crm
