#include "ui/columnlayout.h"

#include "protocol/recordschema.h"
#include "ui/recorddelegate.h"
#include "ui/uilogging.h"

#include <algorithm>
#include <QDate>
#include <QEvent>
#include <QHeaderView>
#include <QMenu>
#include <QSettings>
#include <QStyleOptionHeader>
#include <QTableView>

namespace crm {

namespace {

QString groupOf(const ModuleSpec& spec)
{
    return QStringLiteral("columns/") + spec.name;
}

int indexOf(const ModuleSpec& spec, const QString& field)
{
    for (int i = 0; i < spec.fields.size(); ++i) {
        if (spec.fields.at(i).name == field)
            return i;
    }
    return -1;
}

} // namespace

ColumnLayout::ColumnLayout(QTableView* view, const ModuleSpec& spec)
    : QObject(view), m_view(view), m_spec(spec), m_menu(new QMenu(view))
{
    QHeaderView* header = view->horizontalHeader();
    header->setSectionsMovable(true);
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(header, &QWidget::customContextMenuRequested, this,
            [this, header](const QPoint& at) { m_menu->popup(header->mapToGlobal(at)); });
    for (int column = 0; column < spec.fields.size(); ++column) {
        const FieldSpec& field = spec.fields.at(column);
        if (!offered(field))
            continue;
        auto* action = new QAction(field.label, this);
        action->setCheckable(true);
        action->setData(field.name);
        connect(action, &QAction::toggled, this,
                [this, name = field.name](bool on) { setColumnVisible(name, on); });
        m_actions.insert(column, action);
    }
    m_reset = new QAction(tr("Reset columns"), this);
    connect(m_reset, &QAction::triggered, this, &ColumnLayout::reset);
    // The text column takes what the others leave, as the table or a neighbour changes width.
    m_viewport = view->viewport();
    m_viewport->installEventFilter(this);
    connect(header, &QHeaderView::sectionResized, this, [this](int column) {
        if (column != m_stretch)
            fill();
    });
    // The chooser lists the columns as they stand now (dragged, shown, hidden).
    connect(m_menu, &QMenu::aboutToShow, this, &ColumnLayout::orderMenu);
    apply(defaultColumns(spec), {});
    orderMenu();
}

bool ColumnLayout::offered(const FieldSpec& field) const
{
    // A reference cell would only show another record's id; the editor shows its title.
    return field.type != FieldSpec::Type::Ref;
}

QStringList ColumnLayout::defaultColumns(const ModuleSpec& spec)
{
    if (!spec.columns.isEmpty())
        return spec.columns;
    QStringList names;
    for (const auto& field : spec.fields) {
        if (field.type != FieldSpec::Type::Ref && field.type != FieldSpec::Type::User)
            names.append(field.name);
    }
    return names;
}

QStringList ColumnLayout::visibleColumns() const
{
    const QHeaderView* header = m_view->horizontalHeader();
    QStringList names;
    for (int visual = 0; visual < header->count(); ++visual) {
        const int column = header->logicalIndex(visual);
        if (column >= 0 && column < m_spec.fields.size() && !header->isSectionHidden(column))
            names.append(m_spec.fields.at(column).name);
    }
    return names;
}

void ColumnLayout::setColumnVisible(const QString& field, bool visible)
{
    const int column = indexOf(m_spec, field);
    QHeaderView* header = m_view->horizontalHeader();
    if (column < 0 || header->isSectionHidden(column) == !visible)
        return;
    // The last column stays: a table with no column looks empty, not filtered.
    if (!visible && visibleColumns().size() <= 1)
        return;
    header->setSectionHidden(column, !visible);
    updateStretch();
    syncMenu();
    emit changed();
}

void ColumnLayout::reset()
{
    apply(defaultColumns(m_spec), {});
    emit changed();
}

void ColumnLayout::save(QSettings& settings) const
{
    const QHeaderView* header = m_view->horizontalHeader();
    QVariantMap widths;
    for (const QString& name : visibleColumns()) {
        const int column = indexOf(m_spec, name);
        if (column != m_stretch) // the stretched column's width is whatever is left
            widths.insert(name, header->sectionSize(column));
    }
    settings.beginGroup(groupOf(m_spec));
    settings.setValue(QStringLiteral("visible"), visibleColumns());
    settings.setValue(QStringLiteral("widths"), widths);
    settings.endGroup();
}

void ColumnLayout::restore(QSettings& settings)
{
    settings.beginGroup(groupOf(m_spec));
    QStringList visible = settings.value(QStringLiteral("visible")).toStringList();
    const QVariantMap widths = settings.value(QStringLiteral("widths")).toMap();
    settings.endGroup();
    // Fields the schema no longer has are dropped; an empty result means "nothing usable".
    visible.erase(std::remove_if(visible.begin(), visible.end(),
                                 [this](const QString& name) {
                                     const FieldSpec* field = m_spec.field(name);
                                     return !field || !offered(*field);
                                 }),
                  visible.end());
    if (visible.isEmpty()) {
        qCDebug(lcUi) << m_spec.name << "columns: no saved choice, the schema's defaults";
        visible = defaultColumns(m_spec);
    }
    apply(visible, widths);
}

void ColumnLayout::apply(const QStringList& visible, const QVariantMap& widths)
{
    QHeaderView* header = m_view->horizontalHeader();
    QList<int> order;
    for (const QString& name : visible) {
        const int column = indexOf(m_spec, name);
        if (column >= 0 && !order.contains(column))
            order.append(column);
    }
    const qsizetype shown = order.size();
    for (int column = 0; column < m_spec.fields.size(); ++column) {
        if (!order.contains(column))
            order.append(column); // the others keep the schema's order, after the shown ones
    }
    for (int visual = 0; visual < order.size(); ++visual)
        header->moveSection(header->visualIndex(order.at(visual)), visual);
    for (int i = 0; i < order.size(); ++i) {
        const int column = order.at(i);
        header->setSectionHidden(column, i >= shown);
        const int saved = widths.value(m_spec.fields.at(column).name).toInt();
        // A hidden section keeps this size for when it is shown.
        header->resizeSection(column, saved > 0 ? std::max(saved, header->minimumSectionSize())
                                                : defaultWidth(column));
    }
    updateStretch();
    syncMenu();
}

int ColumnLayout::defaultWidth(int column) const
{
    // Sized to what the column holds at most in everyday data, in the locale's format, or to
    // its title, whichever is wider: money and dates are never cut, codes are not padded.
    const FieldSpec& field = m_spec.fields.at(column);
    const QLocale locale = m_view->locale();
    using Type = FieldSpec::Type;
    QString sample;
    switch (field.type) {
    case Type::Money:
        sample = locale.toCurrencyString(9999999.0, QStringLiteral("$"), 0);
        break;
    case Type::Date:
        sample = locale.toString(QDate(2026, 12, 28), QLocale::ShortFormat);
        break;
    case Type::DateTime:
        sample =
            locale.toString(QDateTime(QDate(2026, 12, 28), QTime(22, 58)), QLocale::ShortFormat);
        break;
    case Type::Integer:
        sample = locale.toString(static_cast<qint64>(field.max.value_or(99999)));
        break;
    case Type::Number:
        sample = locale.toString(99.95);
        break;
    case Type::Enum:
        for (const QString& value : field.values) {
            const QString label = RecordDelegate::enumLabel(value);
            if (label.size() > sample.size())
                sample = label;
        }
        break;
    case Type::Phone:
        sample = QStringLiteral("(555) 555-0123");
        break;
    case Type::Email:
        sample = QString(24, u'n');
        break;
    case Type::User:
        sample = QString(16, u'n'); // a person's name
        break;
    default:
        // Codes (a few dozen characters at most) stay narrow, names and titles get more.
        sample = QString(std::clamp(field.maxLength / 6, 10, 28), u'n');
        break;
    }
    const int cell = m_view->fontMetrics().horizontalAdvance(sample) + 16;
    const int breathing = 6; // titles do not touch the section lines
    // No room is kept for the sort arrow: four columns more fit at half a screen, and the one
    // sorted column's title may shorten with an ellipsis (the agent can widen it).
    QStyleOptionHeader option;
    option.initFrom(m_view->horizontalHeader());
    option.text = field.label;
    const int title = m_view->horizontalHeader()
                          ->style()
                          ->sizeFromContents(QStyle::CT_HeaderSection, &option, QSize(),
                                             m_view->horizontalHeader())
                          .width() +
                      breathing;
    return std::max(cell, title);
}

void ColumnLayout::updateStretch()
{
    const QHeaderView* header = m_view->horizontalHeader();
    int longest = -1;
    for (int visual = 0; visual < header->count(); ++visual) {
        const int column = header->logicalIndex(visual);
        if (header->isSectionHidden(column))
            continue;
        const FieldSpec& field = m_spec.fields.at(column);
        if (field.type == FieldSpec::Type::Text &&
            (longest < 0 || field.maxLength > m_spec.fields.at(longest).maxLength))
            longest = column;
    }
    if (m_stretch >= 0 && longest != m_stretch)
        m_view->horizontalHeader()->resizeSection(m_stretch, defaultWidth(m_stretch));
    m_stretch = longest;
    // Without a text column the last one fills the row, so no empty header trails.
    m_view->horizontalHeader()->setStretchLastSection(m_stretch < 0);
    fill();
}

void ColumnLayout::fill()
{
    // QHeaderView::Stretch would squeeze the column to a sliver at half a screen, or keep it
    // wide and push the columns after it out of sight; this keeps it readable and lets the
    // table scroll instead.
    if (m_stretch < 0 || m_filling)
        return;
    QHeaderView* header = m_view->horizontalHeader();
    int others = 0;
    for (int column = 0; column < header->count(); ++column) {
        if (column != m_stretch && !header->isSectionHidden(column))
            others += header->sectionSize(column);
    }
    const int least = m_view->fontMetrics().horizontalAdvance(QString(16, u'n'));
    m_filling = true;
    header->resizeSection(m_stretch, std::max(least, m_view->viewport()->width() - others));
    m_filling = false;
}

bool ColumnLayout::eventFilter(QObject* watched, QEvent* event)
{
    // The viewport as it was when watched: asking the view for it while the view is being
    // destroyed (its children go last) would call into a half-destroyed object.
    if (event->type() == QEvent::Resize && watched == m_viewport)
        fill();
    return QObject::eventFilter(watched, event);
}

void ColumnLayout::syncMenu()
{
    const QHeaderView* header = m_view->horizontalHeader();
    const bool lastOne = visibleColumns().size() <= 1;
    for (auto it = m_actions.cbegin(); it != m_actions.cend(); ++it) {
        const QSignalBlocker blocker(it.value()); // a state shown, not a choice made
        it.value()->setChecked(!header->isSectionHidden(it.key()));
        it.value()->setEnabled(!(lastOne && it.value()->isChecked()));
    }
}

void ColumnLayout::orderMenu()
{
    // Shown columns in their order, then the others in the schema's. The actions belong to this
    // object, so clear() only takes them off the menu.
    m_menu->clear();
    const QHeaderView* header = m_view->horizontalHeader();
    QList<int> order;
    for (const QString& name : visibleColumns())
        order.append(indexOf(m_spec, name));
    for (int column = 0; column < m_spec.fields.size(); ++column) {
        if (header->isSectionHidden(column))
            order.append(column);
    }
    for (const int column : order) {
        if (QAction* action = m_actions.value(column))
            m_menu->addAction(action);
    }
    m_menu->addSeparator();
    m_menu->addAction(m_reset);
    syncMenu();
}

} // namespace crm
