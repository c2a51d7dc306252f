#include "ui/activitypanel.h"

#include "models/activityfilter.h"
#include "models/activitymodel.h"
#include "models/userdirectorymodel.h"
#include "protocol/recordschema.h"
#include "ui/activitydelegate.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QListView>
#include <QVBoxLayout>

namespace crm {

ActivityPanel::ActivityPanel(ActivityModel* activity, UserDirectoryModel* users, QWidget* parent)
    : QWidget(parent), m_filter(new ActivityFilter(this)), m_user(new QComboBox(this)),
      m_module(new QComboBox(this)), m_thisRecord(new QCheckBox(tr("This record only"), this)),
      m_view(new QListView(this))
{
    setAccessibleName(tr("Activity"));
    m_filter->setSourceModel(activity);
    auto* layout = new QVBoxLayout(this);
    auto* filters = new QHBoxLayout;
    m_user->setAccessibleName(tr("Teammate"));
    m_user->addItem(tr("Everyone"), QString());
    if (users) {
        // The directory's people, kept in step as it refreshes.
        auto fillUsers = [this, users] {
            const QString chosen = m_user->currentData().toString();
            while (m_user->count() > 1)
                m_user->removeItem(1);
            for (int row = 0; row < users->rowCount(); ++row) {
                const QModelIndex index = users->index(row);
                m_user->addItem(index.data().toString(),
                                index.data(UserDirectoryModel::UserIdRole));
            }
            m_user->setCurrentIndex(std::max(0, m_user->findData(chosen)));
        };
        connect(users, &QAbstractItemModel::modelReset, this, fillUsers);
        connect(users, &QAbstractItemModel::rowsInserted, this, fillUsers);
        fillUsers();
    }
    m_module->setAccessibleName(tr("Module"));
    m_module->addItem(tr("All modules"), QString());
    for (const auto& module : RecordSchema::instance().modules())
        m_module->addItem(module.label, module.name);
    filters->addWidget(m_user, 1);
    filters->addWidget(m_module, 1);
    filters->addWidget(m_thisRecord);
    layout->addLayout(filters);

    m_view->setModel(m_filter);
    m_view->setItemDelegate(new ActivityDelegate(m_view));
    m_view->setUniformItemSizes(true); // thousands of entries: no per-row size queries
    m_view->setAccessibleName(tr("Activity feed"));
    layout->addWidget(m_view, 1);

    connect(m_user, &QComboBox::currentIndexChanged, this, &ActivityPanel::applyFilters);
    connect(m_module, &QComboBox::currentIndexChanged, this, &ActivityPanel::applyFilters);
    connect(m_thisRecord, &QCheckBox::toggled, this, &ActivityPanel::applyFilters);
    connect(m_view, &QListView::activated, this, [this](const QModelIndex& index) {
        if (index.data(ActivityModel::KindRole) != QStringLiteral("deleted"))
            emit openRecord(index.data(ActivityModel::ModuleRole).toString(),
                            index.data(ActivityModel::RecordIdRole).toString());
    });
}

void ActivityPanel::setCurrentRecord(const QString& module, const QString& recordId)
{
    m_currentModule = module;
    m_currentRecord = recordId;
    if (m_thisRecord->isChecked())
        applyFilters();
}

void ActivityPanel::applyFilters()
{
    m_filter->setUser(m_user->currentData().toString());
    const bool thisRecord = m_thisRecord->isChecked();
    m_filter->setModule(thisRecord ? m_currentModule : m_module->currentData().toString());
    m_filter->setRecord(thisRecord ? m_currentRecord : QString());
    m_module->setEnabled(!thisRecord);
}

} // namespace crm
