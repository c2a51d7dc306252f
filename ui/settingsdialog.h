#pragma once

#include <QDialog>

class QCheckBox;
class QLineEdit;
class QComboBox;
class QSpinBox;

namespace crm {

// Preferences kept in QSettings (never a secret): notifications (toasts, system tray, sound),
// when to turn "away", the theme, and what happens to unsaved edits when the agent moves
// to another record, and the certificate authority a brokerage's own server is trusted by.
// The server and account are shown; changing them is "Switch account".
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    struct Values
    {
        bool toasts = true;
        bool tray = true;
        bool sound = false;
        int awayMinutes = 5;
        QString theme = QStringLiteral("system"); // system, light, dark
        bool askBeforeLeavingEdits = false;       // else unsaved edits are kept as a draft
        QString caFile; // the brokerage's own certificate authority (PEM), from the next start
    };

    SettingsDialog(const QString& account, QWidget* parent = nullptr);

    static Values load();
    static void save(const Values& values);
    Values values() const;
    void setValues(const Values& values);

private:
    QCheckBox* m_toasts;
    QCheckBox* m_tray;
    QCheckBox* m_sound;
    QSpinBox* m_away;
    QComboBox* m_theme;
    QComboBox* m_leaving;
    QLineEdit* m_caFile;
};

} // namespace crm
