#pragma once

#include <QMessageBox>
#include <QString>

class QWidget;

namespace crm::unsavedchanges {

// Asks whether to save the changes to the record the agent is leaving: Save, Discard or Cancel.
// Save is not offered while some field holds text that is not a valid value yet.
QMessageBox::StandardButton askToSave(QWidget* parent, const QString& recordTitle,
                                      bool hasInvalidText);

// Why the unsaved changes to a record could not be kept: it was deleted by someone else, or it
// left the agent's reach (their team or role changed).
QString lostNote(const QString& recordTitle, bool outOfReach);

} // namespace crm::unsavedchanges
