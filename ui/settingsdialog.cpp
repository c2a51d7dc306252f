#include "ui/settingsdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QVBoxLayout>

namespace crm {

SettingsDialog::SettingsDialog(const QString& account, QWidget* parent)
    : QDialog(parent), m_toasts(new QCheckBox(tr("Show toasts in the window"), this)),
      m_tray(
          new QCheckBox(tr("Use system notifications when the window is in the background"), this)),
      m_sound(new QCheckBox(tr("Play a sound"), this)), m_away(new QSpinBox(this)),
      m_theme(new QComboBox(this)), m_leaving(new QComboBox(this)), m_caFile(new QLineEdit(this))
{
    setWindowTitle(tr("Settings"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    form->addRow(tr("Account"), new QLabel(account, this));
    auto* notifications = new QVBoxLayout;
    notifications->addWidget(m_toasts);
    notifications->addWidget(m_tray);
    notifications->addWidget(m_sound);
    form->addRow(tr("Notifications"), notifications);
    m_away->setRange(1, 120);
    m_away->setSuffix(tr(" min"));
    form->addRow(tr("Away after idle"), m_away);
    m_theme->addItem(tr("Follow the system"), QStringLiteral("system"));
    m_theme->addItem(tr("Light"), QStringLiteral("light"));
    m_theme->addItem(tr("Dark"), QStringLiteral("dark"));
    form->addRow(tr("Theme"), m_theme);
    m_leaving->addItem(tr("Keep them as a draft"), false);
    m_leaving->addItem(tr("Ask me"), true);
    form->addRow(tr("Unsaved changes when I open another record"), m_leaving);
    // A brokerage that runs its own certificate authority: trusted from the next start on.
    auto* ca = new QHBoxLayout;
    m_caFile->setObjectName(QStringLiteral("caFile"));
    m_caFile->setPlaceholderText(tr("None: the system's authorities"));
    m_caFile->setToolTip(tr("A PEM file with your brokerage's certificate authority, for a "
                            "server whose certificate it signed. Used from the next start."));
    auto* browse = new QPushButton(tr("Choose…"), this);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file =
            QFileDialog::getOpenFileName(this, tr("Certificate authority"), {},
                                         tr("PEM certificates (*.pem *.crt);;All files (*)"));
        if (!file.isEmpty())
            m_caFile->setText(file);
    });
    ca->addWidget(m_caFile, 1);
    ca->addWidget(browse);
    form->addRow(tr("Certificate authority"), ca);
    layout->addLayout(form);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    setValues(load());
}

SettingsDialog::Values SettingsDialog::load()
{
    QSettings settings;
    Values v;
    v.toasts = settings.value(QStringLiteral("notifications/toasts"), v.toasts).toBool();
    v.tray = settings.value(QStringLiteral("notifications/tray"), v.tray).toBool();
    v.sound = settings.value(QStringLiteral("notifications/sound"), v.sound).toBool();
    v.awayMinutes = settings.value(QStringLiteral("presence/awayMinutes"), v.awayMinutes).toInt();
    v.theme = settings.value(QStringLiteral("appearance/theme"), v.theme).toString();
    v.askBeforeLeavingEdits =
        settings.value(QStringLiteral("editing/askBeforeLeaving"), v.askBeforeLeavingEdits)
            .toBool();
    v.caFile = settings.value(QStringLiteral("tls/caFile")).toString();
    return v;
}

void SettingsDialog::save(const Values& v)
{
    QSettings settings;
    settings.setValue(QStringLiteral("notifications/toasts"), v.toasts);
    settings.setValue(QStringLiteral("notifications/tray"), v.tray);
    settings.setValue(QStringLiteral("notifications/sound"), v.sound);
    settings.setValue(QStringLiteral("presence/awayMinutes"), v.awayMinutes);
    settings.setValue(QStringLiteral("appearance/theme"), v.theme);
    settings.setValue(QStringLiteral("editing/askBeforeLeaving"), v.askBeforeLeavingEdits);
    if (v.caFile.trimmed().isEmpty())
        settings.remove(QStringLiteral("tls/caFile"));
    else
        settings.setValue(QStringLiteral("tls/caFile"), v.caFile.trimmed());
}

SettingsDialog::Values SettingsDialog::values() const
{
    Values v;
    v.toasts = m_toasts->isChecked();
    v.tray = m_tray->isChecked();
    v.sound = m_sound->isChecked();
    v.awayMinutes = m_away->value();
    v.theme = m_theme->currentData().toString();
    v.askBeforeLeavingEdits = m_leaving->currentData().toBool();
    v.caFile = m_caFile->text();
    return v;
}

void SettingsDialog::setValues(const Values& v)
{
    m_toasts->setChecked(v.toasts);
    m_tray->setChecked(v.tray);
    m_sound->setChecked(v.sound);
    m_away->setValue(v.awayMinutes);
    m_theme->setCurrentIndex(std::max(0, m_theme->findData(v.theme)));
    m_leaving->setCurrentIndex(v.askBeforeLeavingEdits ? 1 : 0);
    m_caFile->setText(v.caFile);
}

} // namespace crm
