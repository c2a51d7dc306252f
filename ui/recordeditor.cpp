#include "ui/recordeditor.h"

#include "models/conflictmodel.h"
#include "models/presencestore.h"
#include "models/recordtablemodel.h"
#include "models/recordviewersfilter.h"
#include "protocol/recordschema.h"
#include "ui/avatarpalette.h"
#include "ui/avatarstrip.h"
#include "ui/fieldinput.h"
#include "ui/notebanner.h"
#include "ui/notespane.h"
#include "ui/notestextedit.h"
#include "ui/recorddelegate.h"
#include "ui/recorddraft.h"
#include "ui/recordform.h"
#include "ui/unsavedchanges.h"

#include <QEvent>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace crm {

namespace {

enum Page
{
    HintPage,
    FormPage,
};

// "escrow" -> "Escrow": a record's kind starts its title.
QString capitalized(QString word)
{
    if (!word.isEmpty())
        word[0] = word[0].toUpper();
    return word;
}

} // namespace

RecordEditor::RecordEditor(PresenceStore* presence, const QString& ownUserId, QWidget* parent)
    : QWidget(parent), m_presence(presence), m_ownUserId(ownUserId), m_title(new QLabel(this)),
      m_pages(new QStackedWidget(this)),
      m_conflictBanner(new NoteBanner(NoteBanner::Tone::Warning, tr("Resolve…"),
                                      tr("Choose, field by field, which values to keep"), this)),
      m_draftBanner(new NoteBanner(NoteBanner::Tone::Information, tr("Discard draft"),
                                   tr("Put back the record's saved values"), this)),
      m_viewersFilter(new RecordViewersFilter(this)), m_form(new RecordForm(this)),
      m_error(new QLabel(this)),
      m_readOnly(new NoteBanner(NoteBanner::Tone::Warning, {}, {}, this)),
      m_save(new QPushButton(tr("Save"), this)), m_undoButton(new QPushButton(tr("Undo"), this)),
      m_delete(new QPushButton(tr("Delete"), this)), m_notes(new NotesPane(this))
{
    // A colleague's caret in the notes has the colour of their avatar here.
    m_notes->editor()->setColorOf([presence](const QString& userId) {
        const auto shown = presence ? presence->presenceOf(userId) : std::nullopt;
        return shown ? AvatarPalette::color(shown->colorSlot) : QColor();
    });
    setAccessibleName(tr("Record editor"));
    m_viewersFilter->setSourceModel(presence);
    m_viewers = new AvatarStrip(m_viewersFilter, this);
    m_viewers->setExcludedUser(ownUserId);
    m_viewers->setDiameter(22);
    m_viewers->setMaxVisible(4);
    m_viewers->setShowCount(false);
    m_viewers->setAccessibleName(tr("Also viewing this record"));

    auto* layout = new QVBoxLayout(this);
    auto* header = new QHBoxLayout;
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setWordWrap(true);
    header->addWidget(m_title, 1);
    header->addWidget(m_viewers);
    layout->addLayout(header);
    m_readOnly->setAccessibleName(tr("Read-only"));
    layout->addWidget(m_readOnly);

    m_conflictBanner->setAccessibleName(tr("Conflict"));
    connect(m_conflictBanner, &NoteBanner::actionClicked, this, [this] {
        if (m_conflictId != 0)
            emit resolveRequested(m_conflictId);
    });
    layout->addWidget(m_conflictBanner);
    m_draftBanner->setAccessibleName(tr("Draft"));
    connect(m_draftBanner, &NoteBanner::actionClicked, this, &RecordEditor::discardDraft);
    layout->addWidget(m_draftBanner);

    auto* hint = new QLabel(tr("Select a record in the table to see and edit it here.\n\n"
                               "Ctrl+N starts a new one."),
                            this);
    hint->setAlignment(Qt::AlignCenter);
    hint->setWordWrap(true);
    hint->setAccessibleName(tr("No record selected"));
    hint->setForegroundRole(QPalette::PlaceholderText);
    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_form);
    connect(m_form, &RecordForm::edited, this, &RecordEditor::validate);
    connect(m_form, &RecordForm::fieldFocused, this, [this](const QString& field) {
        // Teammates see which field is being edited.
        if (!m_recordId.isEmpty()) {
            m_presence->editField(field);
            refreshNotes();
        }
    });
    m_pages->insertWidget(HintPage, hint);
    // The fields above, the notes written together below; the agent drags the divide.
    m_formAndNotes = new QSplitter(Qt::Vertical, this);
    m_formAndNotes->setChildrenCollapsible(false);
    m_formAndNotes->addWidget(scroll);
    m_formAndNotes->addWidget(m_notes);
    m_formAndNotes->setStretchFactor(0, 3);
    m_formAndNotes->setStretchFactor(1, 2);
    m_formAndNotes->installEventFilter(this);
    connect(m_formAndNotes, &QSplitter::splitterMoved, this, [this] { m_splitByAgent = true; });
    m_pages->insertWidget(FormPage, m_formAndNotes);
    layout->addWidget(m_pages, 1);

    m_error->setObjectName(QStringLiteral("editorError")); // notices keep clear of it
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #dc2626;"));
    m_error->hide();
    layout->addWidget(m_error);
    auto* buttons = new QHBoxLayout;
    m_save->setToolTip(tr("Save the changes (Ctrl+S)"));
    m_undoButton->setToolTip(tr("Put back the values from before the last save (Ctrl+Z)"));
    m_delete->setToolTip(tr("Delete this record"));
    buttons->addWidget(m_delete);
    buttons->addStretch(1);
    buttons->addWidget(m_undoButton);
    buttons->addWidget(m_save);
    layout->addLayout(buttons);
    m_save->setDefault(true);

    connect(m_save, &QPushButton::clicked, this, &RecordEditor::save);
    connect(m_undoButton, &QPushButton::clicked, this, &RecordEditor::undoLastSave);
    connect(m_delete, &QPushButton::clicked, this, [this] {
        if (!m_table || m_recordId.isEmpty())
            return;
        if (QMessageBox::question(this, tr("Delete record"),
                                  tr("Delete %1? Teammates see it go at once.").arg(titleText())) !=
            QMessageBox::Yes)
            return;
        QString error;
        if (!m_table->deleteRecord(m_table->rowOf(m_recordId), &error)) {
            m_error->setText(error);
            m_error->show();
        }
    });
    auto* saveShortcut = new QShortcut(QKeySequence::Save, this);
    connect(saveShortcut, &QShortcut::activated, this, &RecordEditor::save);
    auto* undoShortcut = new QShortcut(QKeySequence::Undo, this);
    undoShortcut->setContext(Qt::WidgetWithChildrenShortcut);
    connect(undoShortcut, &QShortcut::activated, this, &RecordEditor::undoLastSave);
    connect(presence, &PresenceStore::userChanged, this, &RecordEditor::refreshNotes);
    connect(presence, &QAbstractItemModel::rowsRemoved, this, &RecordEditor::refreshNotes);
    connect(presence, &PresenceStore::liveChanged, this, &RecordEditor::refreshNotes);
    showRecord(nullptr, -1);
}

QString RecordEditor::draftKey() const
{
    if (!m_table || (!m_creating && m_recordId.isEmpty()))
        return {};
    return m_table->spec().name + u'/' + (m_creating ? QString() : m_recordId);
}

bool RecordEditor::leaveRecord()
{
    if (!m_table || (!m_creating && m_recordId.isEmpty()))
        return true;
    const RecordDraft draft = RecordDraft::of(m_form->inputs(), m_shown);
    if (draft.isEmpty())
        return true;
    if (!m_creating && (m_table->isRemoving(m_recordId) || m_table->rowOf(m_recordId) < 0)) {
        // Gone meanwhile: nothing to save into, and never a question from a model signal.
        m_goneNote = unsavedchanges::lostNote(m_title->text(), m_outOfReach);
        return true;
    }
    if (m_leavePolicy == LeavePolicy::KeepDraft) {
        m_drafts.insert(draftKey(), draft);
        return true;
    }
    const auto answer = unsavedchanges::askToSave(this, titleText(), draft.hasInvalidText());
    if (answer == QMessageBox::Cancel)
        return false;
    return answer == QMessageBox::Discard || save();
}

bool RecordEditor::showRecord(RecordTableModel* table, int row)
{
    const QString id = table && row >= 0 ? table->recordId(row) : QString();
    // The same record (a re-sort, the module shown again, a new record's form with nothing
    // selected): nothing to leave.
    if (table == m_table && id == m_recordId && (m_creating ? row < 0 : !id.isEmpty()))
        return true;
    const bool leavingGone = m_table && !m_creating &&
                             (m_table->isRemoving(m_recordId) ||
                              (!m_recordId.isEmpty() && m_table->rowOf(m_recordId) < 0));
    if (!leavingGone)
        m_goneNote.clear(); // said until the agent moves on
    if (!leaveRecord())
        return false;
    const bool sameTable = table == m_table;
    if (!sameTable && m_table)
        disconnect(m_table, nullptr, this, nullptr);
    m_table = table;
    m_creating = false;
    m_recordId = id;
    if (!sameTable && table) {
        // A teammate's change to the open record shows at once; mid-edit, on untouched fields.
        connect(table, &QAbstractItemModel::dataChanged, this,
                [this](const QModelIndex& topLeft, const QModelIndex& bottomRight,
                       const QList<int>& roles) {
                    // Values (and permission) only: a fading "changed just now" mark must not
                    // refill the form.
                    const bool values = roles.isEmpty() || roles.contains(Qt::DisplayRole) ||
                                        roles.contains(RecordTableModel::ReadOnlyReasonRole);
                    const int open =
                        m_table && !m_recordId.isEmpty() ? m_table->rowOf(m_recordId) : -1;
                    if (!values || open < topLeft.row() || open > bottomRight.row())
                        return;
                    if (!RecordDraft::of(m_form->inputs(), m_shown).isEmpty())
                        follow(m_table->recordValues(open));
                    else
                        fill(m_table->recordValues(open));
                });
        connect(table, &QAbstractItemModel::rowsRemoved, this, [this] {
            if (!m_table || m_recordId.isEmpty() || m_table->rowOf(m_recordId) >= 0)
                return;
            showRecord(m_table, -1); // gone under the agent's hands
        });
        // A reload (the agent's access changed) keeps the form while the copy comes back; a
        // record that did not come back is out of reach, and said so.
        connect(table, &RecordTableModel::reloaded, this, [this] {
            if (!m_table || m_creating || m_recordId.isEmpty() || m_table->rowOf(m_recordId) >= 0)
                return;
            // Said in place of the form; with unsaved changes, leaveRecord() says they are lost.
            m_goneNote = tr("%1 is no longer among the records you may see (your team or role "
                            "changed).")
                             .arg(m_title->text());
            m_outOfReach = true;
            showRecord(m_table, -1);
            m_outOfReach = false;
        });
    }
    if (!sameTable)
        rebuild();
    m_viewersFilter->setRecord(table ? table->spec().name : QString(), m_recordId);
    m_presence->viewRecord(table ? table->spec().name : QString(), m_recordId);
    fill(table && row >= 0 ? table->recordValues(row) : QJsonObject());
    restoreDraft();
    openNotes();
    return true;
}

void RecordEditor::setNoteOpener(NoteOpener opener)
{
    m_noteOpener = std::move(opener);
    m_notesKey.clear();
    openNotes();
}

void RecordEditor::splitFormAndNotes()
{
    const int height = m_formAndNotes->height();
    if (m_splitByAgent || !m_notes->isVisibleTo(m_formAndNotes) || height <= 0)
        return;
    m_formAndNotes->setSizes({height * 3 / 5, height - height * 3 / 5});
}

bool RecordEditor::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_formAndNotes && event->type() == QEvent::Resize)
        splitFormAndNotes();
    return QWidget::eventFilter(watched, event);
}

void RecordEditor::openNotes()
{
    const bool has = m_noteOpener && m_table && !m_creating && !m_recordId.isEmpty() &&
                     m_table->spec().hasNotesDocument;
    const QString key = has ? m_table->spec().name + u'/' + m_recordId : QString();
    if (key == m_notesKey)
        return;
    m_notesKey = key;
    m_notes->setModel(has ? m_noteOpener(m_table->spec().name, m_recordId) : nullptr);
    splitFormAndNotes();
}

void RecordEditor::setOwnUserId(const QString& userId)
{
    m_ownUserId = userId;
    m_viewers->setExcludedUser(userId);
    refreshNotes();
}

void RecordEditor::setReferenceTables(const QList<RecordTableModel*>& tables)
{
    m_references = tables;
    rebuild();
    refill(); // a form rebuilt under an open record shows that record, never empty fields
}

void RecordEditor::setUserDirectory(UserDirectoryModel* users)
{
    m_users = users;
    rebuild();
    refill();
}

void RecordEditor::refill()
{
    const int row = m_table && !m_recordId.isEmpty() ? m_table->rowOf(m_recordId) : -1;
    if (m_table && (row >= 0 || m_creating))
        fill(row >= 0 ? m_table->recordValues(row) : QJsonObject());
}

void RecordEditor::setConflicts(ConflictModel* conflicts)
{
    m_conflicts = conflicts;
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(conflicts, signal, this, &RecordEditor::refreshConflict);
    connect(conflicts, &QAbstractItemModel::dataChanged, this, &RecordEditor::refreshConflict);
    connect(conflicts, &QAbstractItemModel::modelReset, this, &RecordEditor::refreshConflict);
    refreshConflict();
}

bool RecordEditor::createNew(RecordTableModel* table)
{
    if (m_creating && table == m_table) { // already on a new one: keep what is typed
        if (!m_form->inputs().isEmpty())
            m_form->inputs().first()->setFocus();
        return true;
    }
    if (!showRecord(table, -1))
        return false;
    m_creating = true;
    openNotes(); // a record not yet created has no notes to share
    fill({});
    restoreDraft();
    if (!m_form->inputs().isEmpty())
        m_form->inputs().first()->setFocus();
    return true;
}

void RecordEditor::rebuild()
{
    m_form->build(m_table ? &m_table->spec() : nullptr, m_references, m_users);
}

void RecordEditor::fill(const QJsonObject& values)
{
    m_filling = true;
    m_shown = {};
    m_changedWhileEditing.clear();
    m_draftBanner->setText({});
    const int row = m_table && !m_recordId.isEmpty() ? m_table->rowOf(m_recordId) : -1;
    // The server refused an edit of this record for lack of permission: look, don't touch.
    const QString readOnly = row >= 0 ? m_table->readOnlyReason(row) : QString();
    m_readOnly->setText(readOnly.isEmpty()
                            ? m_goneNote
                            : tr("Read-only: %1. Edit > Refused changes lets you discard the "
                                 "refused edit.")
                                  .arg(readOnly));
    const bool shown = m_table && (row >= 0 || m_creating);
    m_pages->setCurrentIndex(shown ? FormPage : HintPage);
    for (int i = 0; m_table && i < m_form->inputs().size(); ++i) {
        FieldInput* input = m_form->inputs().at(i);
        input->setValue(values.value(input->field().name));
        const bool masked =
            row >= 0 && m_table->index(row, i).data(RecordTableModel::MaskedRole).toBool();
        input->setMasked(masked);
        input->setEditable(shown && readOnly.isEmpty() && !masked);
        m_shown.insert(input->field().name, input->value().value_or(QJsonValue()));
    }
    m_filling = false;
    m_title->setText(titleText());
    m_delete->setEnabled(row >= 0 && readOnly.isEmpty());
    validate();
    refreshNotes();
    refreshConflict();
}

QString RecordEditor::titleText() const
{
    if (!m_table)
        return tr("No record selected");
    const QString kind = capitalized(m_table->spec().singular);
    if (m_creating)
        return tr("New %1").arg(kind);
    const int row = m_recordId.isEmpty() ? -1 : m_table->rowOf(m_recordId);
    if (row < 0)
        return tr("No %1 selected").arg(m_table->spec().singular);
    const QString name =
        m_table->recordValues(row).value(m_table->spec().titleField).toVariant().toString();
    return name.isEmpty() ? kind : tr("%1 %2").arg(kind, name);
}

void RecordEditor::follow(const QJsonObject& values)
{
    for (FieldInput* input : std::as_const(m_form->inputs())) {
        const QString name = input->field().name;
        const QJsonValue now = values.value(name);
        const QJsonValue before = m_shown.value(name);
        if (now == before)
            continue;
        const auto current = input->value();
        if (current && *current == before) { // untouched: follows the teammate
            input->setValue(now);
            m_shown.insert(name, input->value().value_or(QJsonValue()));
        } else { // the agent is changing it: say so, never overwrite what they typed
            m_changedWhileEditing.insert(
                name, RecordDelegate::format(input->field(), now.toVariant(), QLocale()));
        }
    }
    m_title->setText(titleText());
    validate();
    refreshNotes();
}

void RecordEditor::restoreDraft()
{
    const auto draft = m_drafts.constFind(draftKey());
    if (draftKey().isEmpty() || draft == m_drafts.cend())
        return;
    const QJsonObject changedSince = draft->restoreInto(m_form->inputs(), m_shown);
    for (FieldInput* input : std::as_const(m_form->inputs())) {
        if (changedSince.contains(input->field().name))
            m_changedWhileEditing.insert(
                input->field().name,
                RecordDelegate::format(input->field(),
                                       changedSince.value(input->field().name).toVariant(),
                                       QLocale()));
    }
    m_drafts.remove(draftKey()); // it lives in the form now
    m_draftBanner->setText(tr("Your unsaved changes to this record are back. Save sends them."));
    validate();
    refreshNotes();
}

void RecordEditor::discardDraft()
{
    m_drafts.remove(draftKey());
    const int row = m_table && !m_recordId.isEmpty() ? m_table->rowOf(m_recordId) : -1;
    fill(row >= 0 ? m_table->recordValues(row) : QJsonObject());
}

void RecordEditor::setBottomReserve(int pixels)
{
    m_form->setContentsMargins(0, 0, 0, std::max(0, pixels));
}

int RecordEditor::unsavedCount() const
{
    return static_cast<int>(m_drafts.size()) +
           (RecordDraft::of(m_form->inputs(), m_shown).isEmpty() ? 0 : 1);
}

bool RecordEditor::hasDraft(const QString& module, const QString& recordId) const
{
    const bool open = m_table && m_table->spec().name == module && m_recordId == recordId;
    return m_drafts.contains(module + u'/' + recordId) ||
           (open && !RecordDraft::of(m_form->inputs(), m_shown).isEmpty());
}

QJsonObject RecordEditor::editedValues() const
{
    return RecordDraft::of(m_form->inputs(), m_shown).values();
}

QStringList RecordEditor::invalidFields() const
{
    QStringList labels;
    for (FieldInput* input : m_form->inputs()) {
        if (input->isEditable() && !input->problem().isEmpty())
            labels.append(input->field().label);
    }
    return labels;
}

bool RecordEditor::isDirty() const
{
    return !editedValues().isEmpty();
}

QString RecordEditor::readOnlyText() const
{
    return m_readOnly->text();
}

QString RecordEditor::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

QString RecordEditor::conflictText() const
{
    return m_conflictBanner->text();
}

QString RecordEditor::draftText() const
{
    return m_draftBanner->text();
}

bool RecordEditor::isFormShown() const
{
    return m_pages->currentIndex() == FormPage;
}

void RecordEditor::validate()
{
    if (m_filling)
        return;
    QString problem;
    const QStringList invalid = invalidFields();
    const RecordDraft draft = RecordDraft::of(m_form->inputs(), m_shown); // read once per edit
    if (!invalid.isEmpty()) {
        // Each field says what is wrong with it; this says why Save waits.
        problem =
            tr("Not saved yet: give %1 a valid value").arg(invalid.join(QStringLiteral(", ")));
    } else if (m_table) {
        if (const auto refused = RecordSchema::instance().validate(
                m_table->spec(), valuesToSend(draft.values()), m_creating)) {
            const FieldSpec* field = m_table->spec().field(refused->field);
            problem = field ? tr("%1: %2").arg(field->label, refused->message) : refused->message;
        }
    }
    m_error->setText(problem);
    m_error->setVisible(!problem.isEmpty());
    m_save->setEnabled(m_table && problem.isEmpty() && (m_creating || !draft.values().isEmpty()));
    // Undo puts back saved values: with unsaved typing in the form it would wipe that too.
    m_undoButton->setEnabled(!m_undo.isEmpty() && m_undoRecordId == m_recordId && draft.isEmpty());
}

QJsonObject RecordEditor::valuesToSend(QJsonObject values) const
{
    if (m_creating) { // a create sends only what is set
        for (auto it = values.begin(); it != values.end();)
            it = it.value().isNull() ? values.erase(it) : std::next(it);
    }
    return values;
}

bool RecordEditor::save()
{
    if (!m_table || !m_save->isEnabled()) {
        for (FieldInput* input : std::as_const(m_form->inputs())) {
            if (input->isEditable() && !input->problem().isEmpty()) {
                input->setFocus(); // Ctrl+S on a wrong value: straight to it
                break;
            }
        }
        return false;
    }
    QString error;
    if (m_creating) {
        const QString id = m_table->createRecord(valuesToSend(editedValues()), &error);
        if (id.isEmpty()) {
            m_error->setText(error);
            m_error->show();
            return false;
        }
        m_creating = false;
        m_recordId = id;
        emit created(id);
        fill(m_table->recordValues(m_table->rowOf(id)));
        return true;
    }
    const QJsonObject changed = editedValues();
    QJsonObject before;
    for (auto it = changed.begin(); it != changed.end(); ++it)
        before.insert(it.key(), m_shown.value(it.key()));
    if (!m_table->updateRecord(m_table->rowOf(m_recordId), changed, &error)) {
        m_error->setText(error);
        m_error->show();
        return false;
    }
    m_undo = before;
    m_undoRecordId = m_recordId;
    m_presence->editField({});
    fill(m_table->recordValues(m_table->rowOf(m_recordId)));
    return true;
}

bool RecordEditor::undoLastSave()
{
    if (!m_table || !m_undoButton->isEnabled())
        return false;
    const int row = m_table->rowOf(m_recordId);
    if (!m_table->updateRecord(row, m_undo))
        return false;
    m_undo = {};
    fill(m_table->recordValues(row));
    return true;
}

QWidget* RecordEditor::editorFor(const QString& field) const
{
    FieldInput* input = m_form->input(field);
    return input ? input->editor() : nullptr;
}

QString RecordEditor::fieldNote(const QString& field) const
{
    return m_form->note(field);
}

void RecordEditor::refreshNotes()
{
    for (int i = 0; m_table && i < m_form->inputs().size(); ++i) {
        const QString field = m_form->inputs().at(i)->field().name;
        QStringList lines;
        if (m_changedWhileEditing.contains(field))
            lines.append(tr("Changed to %1 by someone else while you were editing: saving "
                            "replaces it")
                             .arg(m_changedWhileEditing.value(field)));
        // Offline, who is editing is not known: an old "is editing" would be a guess.
        const QString editorId =
            m_recordId.isEmpty() || !m_presence->isLive()
                ? QString()
                : m_presence->editorOf(m_table->spec().name, m_recordId, field, m_ownUserId);
        if (const auto who = editorId.isEmpty() ? std::nullopt : m_presence->presenceOf(editorId))
            // A soft warning when the agent is in that same field.
            lines.append(
                m_form->inputs().at(i)->editor()->hasFocus()
                    ? tr("%1 is editing this too: your save may meet theirs").arg(who->name)
                    : tr("%1 is editing").arg(who->name));
        m_form->setNote(field, lines.join(u'\n'));
    }
}

void RecordEditor::refreshConflict()
{
    const int row = m_conflicts && m_table && !m_recordId.isEmpty()
                        ? m_conflicts->rowOfRecord(m_table->spec().name, m_recordId)
                        : -1;
    const QModelIndex conflict = row >= 0 ? m_conflicts->index(row) : QModelIndex();
    m_conflictId = conflict.data(ConflictModel::ConflictIdRole).toLongLong();
    m_conflictBanner->setText(conflict.data(ConflictModel::SummaryRole).toString());
}

} // namespace crm
