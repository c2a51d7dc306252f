#pragma once

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QVariantMap>

class QAction;
class QMenu;
class QSettings;
class QTableView;

namespace crm {

struct FieldSpec;
struct ModuleSpec;

// Which of a module's columns a table shows, in which order and how wide. The defaults come from
// the shared schema (ModuleSpec::columns: what an agent scans first); the header's context menu
// shows or hides any column and resets to the defaults; the agent's choice is kept by field name
// in QSettings, so a schema that gains or loses a field still restores the rest. Only what is
// shown changes: search and filters still read every column of the model.
class ColumnLayout : public QObject
{
    Q_OBJECT
public:
    ColumnLayout(QTableView* view, const ModuleSpec& spec);

    // The schema's columns, or, for a module that names none, every field a reader can read.
    static QStringList defaultColumns(const ModuleSpec& spec);

    // Field names of the shown columns, left to right.
    QStringList visibleColumns() const;
    void setColumnVisible(const QString& field, bool visible);
    // Back to the schema's columns, order and widths.
    void reset();

    // Kept under columns/<module>/ in the given settings.
    void save(QSettings& settings) const;
    // The saved choice, or the defaults when nothing (usable) was saved.
    void restore(QSettings& settings);

    // The chooser: a checkable entry per column, then "Reset columns". Also the header's
    // context menu.
    QMenu* menu() const { return m_menu; }

signals:
    void changed();

private:
    void apply(const QStringList& visible, const QVariantMap& widths);
    int defaultWidth(int column) const;
    // Lets the longest visible text column (the address, the title) take the spare width.
    void updateStretch();
    void fill();
    bool eventFilter(QObject* watched, QEvent* event) override;
    // Check marks follow the table; the order is refreshed each time the menu opens.
    void syncMenu();
    void orderMenu();
    bool offered(const FieldSpec& field) const;

    QTableView* m_view;
    QObject* m_viewport = nullptr; // compared only, never called
    const ModuleSpec& m_spec;
    QMenu* m_menu;
    QHash<int, QAction*> m_actions; // column -> its entry in the chooser
    QAction* m_reset = nullptr;
    int m_stretch = -1;     // the column that fills the row, or -1
    bool m_filling = false; // fill() is resizing it
};

} // namespace crm
