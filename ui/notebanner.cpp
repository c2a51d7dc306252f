#include "ui/notebanner.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>

namespace crm {

NoteBanner::NoteBanner(Tone tone, const QString& action, const QString& actionTip, QWidget* parent)
    : QWidget(parent), m_label(new QLabel(this)), m_action(new QPushButton(action, this))
{
    // Fixed light tints with dark text: they read the same in the light and the dark theme.
    const bool warning = tone == Tone::Warning;
    setObjectName(QStringLiteral("noteBanner"));
    setAttribute(Qt::WA_StyledBackground);
    setStyleSheet(QStringLiteral("QWidget#noteBanner { background: %1; border-left: 4px solid %2; "
                                 "border-radius: 4px; } QLabel { color: %3; }")
                      .arg(warning ? QStringLiteral("#fef3c7") : QStringLiteral("#dbeafe"),
                           warning ? QStringLiteral("#f59e0b") : QStringLiteral("#3b82f6"),
                           warning ? QStringLiteral("#78350f") : QStringLiteral("#1e3a8a")));
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    m_label->setWordWrap(true);
    m_label->setAccessibleName(warning ? tr("Warning") : tr("Note"));
    layout->addWidget(m_label, 1);
    // The button sits on the light tint too: a light button in the dark theme as well, not a
    // dark one on a pale banner.
    m_action->setPalette(QApplication::style()->standardPalette());
    m_action->setToolTip(actionTip);
    m_action->setVisible(!action.isEmpty()); // a note may have nothing to do about it
    layout->addWidget(m_action, 0, Qt::AlignVCenter);
    connect(m_action, &QPushButton::clicked, this, &NoteBanner::actionClicked);
    hide();
}

void NoteBanner::setText(const QString& text)
{
    m_label->setText(text);
    setVisible(!text.isEmpty());
}

QString NoteBanner::text() const
{
    return isHidden() ? QString() : m_label->text();
}

} // namespace crm
