#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace crm {

// A strip above a form that says something about the record shown, with one action beside
// it: "Sam changed the price while your edit waited... [Resolve…]" (a warning, amber) or "Your
// unsaved changes are back [Discard draft]" (information, blue). Hidden while it has no text.
class NoteBanner : public QWidget
{
    Q_OBJECT
public:
    enum class Tone
    {
        Warning,
        Information,
    };

    NoteBanner(Tone tone, const QString& action, const QString& actionTip = {},
               QWidget* parent = nullptr);

    void setText(const QString& text);
    QString text() const;

signals:
    void actionClicked();

private:
    QLabel* m_label;
    QPushButton* m_action;
};

} // namespace crm
