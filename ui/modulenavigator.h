#pragma once

#include <QListWidget>

namespace crm {

class RecordTableModel;

// The module list on the left: "Escrows 42", one entry per table, counts kept current as rows
// arrive and leave. Ctrl+1 ... Ctrl+6 pick a module.
class ModuleNavigator : public QListWidget
{
    Q_OBJECT
public:
    ModuleNavigator(const QList<RecordTableModel*>& tables, QWidget* parent = nullptr);

signals:
    void moduleChosen(int index);

private:
    void updateCount(int index);

    QList<RecordTableModel*> m_tables;
};

} // namespace crm
