#pragma once

#include <QDialog>

class QCheckBox;
class QComboBox;
class QSpinBox;

namespace crm {

// Preferences kept in QSettings (never a secret): notifications (toasts, system tray, sound),
// when to turn "away", and the theme. The server and account are shown; changing them is
// "Switch account".
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
};

} // namespace crm
