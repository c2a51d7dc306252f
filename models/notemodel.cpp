#include "models/notemodel.h"

#include "core/clientcore.h"

namespace crm {

NoteModel::NoteModel(ClientCore& core, const QString& module, const QString& id,
                     const QString& ownName, const QString& ownColor, const QString& ownUserId,
                     QObject* parent)
    : QObject(parent), m_core(&core),
      m_session(
          core.openNote(NoteRef{module, id}, NoteSession::Author{ownName, ownColor, ownUserId}))
{
    connect(m_session, &NoteSession::textChanged, this,
            [this](const crdt::TextChanges& changes, bool) {
                for (const crdt::TextChange& change : changes)
                    emit changed(change.position, change.removed, change.inserted);
            });
    connect(m_session, &NoteSession::caretsChanged, this, &NoteModel::caretsChanged);
    connect(m_session, &NoteSession::syncChanged, this, &NoteModel::statusChanged);
    connect(m_session, &NoteSession::unsentChanged, this, &NoteModel::statusChanged);
    connect(m_session, &NoteSession::undoStateChanged, this, &NoteModel::undoStateChanged);
}

NoteModel::~NoteModel()
{
    if (m_core && m_session)
        m_core->closeNote(m_session);
}

QString NoteModel::text() const
{
    return m_session ? m_session->text() : QString();
}

bool NoteModel::isReadOnly() const
{
    return !m_session || m_session->sync() == NoteSession::Sync::Refused;
}

QString NoteModel::status() const
{
    if (!m_session)
        return tr("Closed");
    const bool unsent = m_session->unsentCount() > 0;
    switch (m_session->sync()) {
    case NoteSession::Sync::Refused:
        return tr("Read-only");
    case NoteSession::Sync::Offline:
        return unsent ? tr("Offline - not sent yet") : tr("Offline");
    case NoteSession::Sync::Joining:
        return tr("Connecting…");
    case NoteSession::Sync::Live:
        if (!m_session->problem().isEmpty())
            return tr("Not saved on the server");
        return unsent ? tr("Sending…") : tr("Live");
    }
    return {};
}

QString NoteModel::statusDetail() const
{
    if (!m_session)
        return {};
    if (m_session->sync() == NoteSession::Sync::Refused)
        return tr("These notes cannot be changed here: %1").arg(m_session->problem());
    if (!m_session->problem().isEmpty())
        return m_session->problem();
    const int unsent = m_session->unsentCount();
    if (unsent == 0)
        return m_session->sync() == NoteSession::Sync::Live
                   ? tr("Everything typed here is on the server; colleagues see it as you type")
                   : tr("Edits are kept on this computer and sent when the connection is back");
    return tr("%1 edits typed here are kept on this computer and not on the server yet; they are "
              "sent and merged with colleagues' text when the connection is back")
        .arg(unsent);
}

bool NoteModel::isTrouble() const
{
    return !m_session || !m_session->problem().isEmpty();
}

QString NoteModel::typing() const
{
    const QStringList names = m_session ? m_session->typing() : QStringList();
    if (names.isEmpty())
        return {};
    if (names.size() == 1)
        return tr("%1 is typing").arg(names.first());
    if (names.size() == 2)
        return tr("%1 and %2 are typing").arg(names.at(0), names.at(1));
    return tr("%1 and %n other(s) are typing", nullptr, int(names.size() - 1)).arg(names.first());
}

QList<NoteModel::Caret> NoteModel::carets() const
{
    QList<Caret> carets;
    if (!m_session)
        return carets;
    for (const NoteSession::Caret& caret : m_session->carets())
        carets.append(
            {caret.name, caret.color, caret.userId, caret.anchor, caret.head, caret.typing});
    return carets;
}

void NoteModel::edit(qsizetype position, qsizetype removed, const QString& inserted)
{
    if (m_session)
        m_session->edit(position, removed, inserted);
}

bool NoteModel::canUndo() const
{
    return m_session && m_session->canUndo();
}

bool NoteModel::canRedo() const
{
    return m_session && m_session->canRedo();
}

void NoteModel::undo()
{
    if (m_session)
        m_session->undo();
}

void NoteModel::redo()
{
    if (m_session)
        m_session->redo();
}

void NoteModel::stopCapturing()
{
    if (m_session)
        m_session->stopCapturing();
}

void NoteModel::setCaret(qsizetype anchor, qsizetype head)
{
    if (m_session)
        m_session->setCaret(anchor, head);
}

} // namespace crm
