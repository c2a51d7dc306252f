#include "ui/notespane.h"

#include "models/notemodel.h"
#include "ui/notestextedit.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace crm {

NotesPane::NotesPane(QWidget* parent)
    : QWidget(parent), m_typing(new QLabel(this)), m_status(new QLabel(this)),
      m_editor(new NotesTextEdit(this))
{
    setAccessibleName(tr("Notes"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* header = new QHBoxLayout;
    auto* title = new QLabel(tr("Notes"), this);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    header->addWidget(title);
    QFont italic = m_typing->font();
    italic.setItalic(true);
    m_typing->setFont(italic);
    m_typing->setForegroundRole(QPalette::PlaceholderText);
    m_typing->setAccessibleName(tr("Who is typing"));
    header->addWidget(m_typing, 1);
    m_status->setAccessibleName(tr("Notes status"));
    header->addWidget(m_status);
    layout->addLayout(header);
    layout->addWidget(m_editor, 1);
    setModel(nullptr);
}

void NotesPane::setModel(NoteModel* model)
{
    if (m_model == model)
        return;
    m_editor->setModel(model);
    delete m_model;
    m_model = model;
    setVisible(model != nullptr);
    if (!model)
        return;
    model->setParent(this);
    connect(model, &NoteModel::caretsChanged, this, &NotesPane::refresh);
    connect(model, &NoteModel::statusChanged, this, &NotesPane::refresh);
    refresh();
}

QString NotesPane::typingText() const
{
    return m_typing->text();
}

QString NotesPane::statusText() const
{
    return m_status->text();
}

QString NotesPane::statusDetail() const
{
    return m_status->toolTip();
}

void NotesPane::refresh()
{
    m_typing->setText(m_model ? m_model->typing() : QString());
    m_status->setText(m_model ? m_model->status() : QString());
    m_status->setToolTip(m_model ? m_model->statusDetail() : QString());
    m_status->setStyleSheet(m_model && m_model->isTrouble() ? QStringLiteral("color: #dc2626;")
                                                            : QString());
}

} // namespace crm
