#pragma once

#include <QStyledItemDelegate>

namespace crm {

struct FieldSpec;
struct ModuleSpec;
class UserDirectoryModel;

// Draws a record table's cells the way an agent reads them: money, numbers and dates in the
// locale's format, enum values by their words, hidden values as dots; a teammate's fresh change
// tinted for a moment; the first cell of a row with a queued, refused or conflicting edit
// carries a coloured edge.
class RecordDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit RecordDelegate(const ModuleSpec& spec, QObject* parent = nullptr);
    // Where people columns find names; without it they show the user id.
    void setUserDirectory(const UserDirectoryModel* users) { m_users = users; }

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;

    // One value as text, by its field's type (also used by the editor's read-only views).
    static QString format(const FieldSpec& field, const QVariant& value, const QLocale& locale);
    // "coming-soon" -> "Coming soon".
    static QString enumLabel(const QString& value);

    // The logical column drawn leftmost in a table view (the row's marks go there).
    static int firstShownColumn(const QWidget* view);

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;

private:
    const ModuleSpec& m_spec;
    const UserDirectoryModel* m_users = nullptr;
};

} // namespace crm
