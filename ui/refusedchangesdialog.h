#pragma once

#include <QDialog>

class QLabel;
class QListView;
class QPushButton;

namespace crm {

class FailureModel;

// The edits the server refused, each with its reason: send one again (after fixing what the
// server objected to elsewhere, such as a permission), drop it, or open its record.
class RefusedChangesDialog : public QDialog
{
    Q_OBJECT
public:
    explicit RefusedChangesDialog(FailureModel* failures, QWidget* parent = nullptr);

    QListView* list() const { return m_list; }
    // Why the last action failed (empty and hidden when it did not).
    QLabel* problem() const { return m_problem; }
    bool retrySelected();
    bool discardSelected();

signals:
    void openRecord(const QString& module, const QString& recordId);

private:
    void updateButtons();
    qint64 selectedId() const;
    bool showOutcome(bool done, const QString& problem);

    FailureModel* m_failures;
    QListView* m_list;
    QPushButton* m_retry;
    QPushButton* m_discard;
    QPushButton* m_open;
    QLabel* m_problem;
};

} // namespace crm
