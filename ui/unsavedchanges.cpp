#include "ui/unsavedchanges.h"

#include <QCoreApplication>

namespace crm::unsavedchanges {

// The strings keep the record editor's translation context, where they were first written;
// written out as translate() calls so that lupdate finds them.
QMessageBox::StandardButton askToSave(QWidget* parent, const QString& recordTitle,
                                      bool hasInvalidText)
{
    QMessageBox box(QMessageBox::Question,
                    QCoreApplication::translate("crm::RecordEditor", "Unsaved changes"),
                    QCoreApplication::translate("crm::RecordEditor", "Save your changes to %1?")
                        .arg(recordTitle),
                    QMessageBox::Discard | QMessageBox::Cancel, parent);
    if (hasInvalidText)
        box.setInformativeText(QCoreApplication::translate(
            "crm::RecordEditor", "Some fields hold text that is not a valid value yet, so it "
                                 "cannot be saved as it is."));
    else
        box.addButton(QMessageBox::Save);
    box.setDefaultButton(hasInvalidText ? QMessageBox::Cancel : QMessageBox::Save);
    return static_cast<QMessageBox::StandardButton>(box.exec());
}

QString lostNote(const QString& recordTitle, bool outOfReach)
{
    return outOfReach ? QCoreApplication::translate(
                            "crm::RecordEditor",
                            "%1 is no longer among the records you may see (your team or role "
                            "changed): your unsaved changes to it could not be kept.")
                            .arg(recordTitle)
                      : QCoreApplication::translate(
                            "crm::RecordEditor",
                            "%1 was deleted by someone else while you were changing it: your "
                            "unsaved changes to it could not be kept.")
                            .arg(recordTitle);
}

} // namespace crm::unsavedchanges
