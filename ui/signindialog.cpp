#include "ui/signindialog.h"

#include "models/serverinfo.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace crm {

SignInDialog::SignInDialog(QWidget* parent)
    : QDialog(parent), m_message(new QLabel(this)), m_server(new QLineEdit(this)),
      m_email(new QLineEdit(this)), m_password(new QLineEdit(this)),
      m_keep(new QCheckBox(tr("Keep me signed in"), this)), m_error(new QLabel(this)),
      m_plainWarning(new QLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Sign in to CRM Desktop"));
    auto* layout = new QVBoxLayout(this);
    m_message->setWordWrap(true);
    m_message->hide();
    layout->addWidget(m_message);
    auto* form = new QFormLayout;
    m_server->setPlaceholderText(QStringLiteral("https://crm.example.com"));
    m_email->setPlaceholderText(tr("you@brokerage.com"));
    m_password->setEchoMode(QLineEdit::Password);
    form->addRow(tr("&Server"), m_server);
    form->addRow(tr("&Email"), m_email);
    form->addRow(tr("&Password"), m_password);
    layout->addLayout(form);
    m_plainWarning->setObjectName(QStringLiteral("plainWarning"));
    m_plainWarning->setWordWrap(true);
    m_plainWarning->setStyleSheet(QStringLiteral("color: #b45309;"));
    m_plainWarning->hide();
    layout->addWidget(m_plainWarning);
    connect(m_server, &QLineEdit::textChanged, this, [this](const QString& text) {
        const QUrl url = QUrl::fromUserInput(text.trimmed());
        m_plainWarning->setText(text.trimmed().isEmpty() ? QString()
                                                         : ServerInfo::plainTextWarning(url));
        m_plainWarning->setVisible(!m_plainWarning->text().isEmpty());
    });
    m_keep->setChecked(true);
    m_keep->setToolTip(tr("Keeps the sign-in in the system keychain, never in a plain file"));
    layout->addWidget(m_keep);
    m_error->setObjectName(QStringLiteral("signInError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b91c1c;"));
    m_error->hide();
    layout->addWidget(m_error);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Sign in"));
    layout->addWidget(m_buttons);
    setMinimumWidth(420);

    for (QLineEdit* field : {m_server, m_email, m_password})
        connect(field, &QLineEdit::textChanged, this, &SignInDialog::updateButton);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        setError({});
        emit signInRequested();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    updateButton();
}

void SignInDialog::setServer(const QString& url)
{
    m_server->setText(url);
}

void SignInDialog::setEmail(const QString& email)
{
    m_email->setText(email);
    if (!email.isEmpty())
        m_password->setFocus();
}

void SignInDialog::setMessage(const QString& message)
{
    m_message->setText(message);
    m_message->setVisible(!message.isEmpty());
}

void SignInDialog::setError(const QString& error)
{
    m_error->setText(error);
    m_error->setVisible(!error.isEmpty());
}

void SignInDialog::setBusy(bool busy)
{
    for (QWidget* field : std::initializer_list<QWidget*>{m_server, m_email, m_password, m_keep})
        field->setEnabled(!busy);
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(!busy);
    m_buttons->button(QDialogButtonBox::Ok)->setText(busy ? tr("Signing in…") : tr("Sign in"));
    if (!busy)
        updateButton();
}

QString SignInDialog::server() const
{
    return m_server->text().trimmed();
}

QString SignInDialog::email() const
{
    return m_email->text().trimmed();
}

QString SignInDialog::password() const
{
    return m_password->text();
}

bool SignInDialog::keepSignedIn() const
{
    return m_keep->isChecked();
}

void SignInDialog::updateButton()
{
    m_buttons->button(QDialogButtonBox::Ok)
        ->setEnabled(!server().isEmpty() && email().contains(u'@') && !password().isEmpty());
}

} // namespace crm
