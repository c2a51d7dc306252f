#include "ui/refusedchangesdialog.h"

#include "models/failuremodel.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QVBoxLayout>

namespace crm {

RefusedChangesDialog::RefusedChangesDialog(FailureModel* failures, QWidget* parent)
    : QDialog(parent), m_failures(failures), m_list(new QListView(this)),
      m_retry(new QPushButton(tr("Send again"), this)),
      m_discard(new QPushButton(tr("Discard"), this)),
      m_open(new QPushButton(tr("Open record"), this)), m_problem(new QLabel(this))
{
    setWindowTitle(tr("Refused changes"));
    auto* layout = new QVBoxLayout(this);
    auto* explain = new QLabel(tr("The server refused these changes. They are kept until you "
                                  "send them again or discard them."),
                               this);
    explain->setWordWrap(true);
    layout->addWidget(explain);
    m_list->setModel(failures);
    m_list->setWordWrap(true);
    m_list->setAccessibleName(tr("Refused changes"));
    layout->addWidget(m_list, 1);
    // Why the last Send again or Discard did not happen; hidden until one fails.
    m_problem->setWordWrap(true);
    m_problem->setAccessibleName(tr("Problem"));
    m_problem->setStyleSheet(QStringLiteral("color: palette(highlight);"));
    m_problem->hide();
    layout->addWidget(m_problem);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_open, QDialogButtonBox::ActionRole);
    buttons->addButton(m_discard, QDialogButtonBox::ActionRole);
    buttons->addButton(m_retry, QDialogButtonBox::ActionRole);
    layout->addWidget(buttons);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_retry, &QPushButton::clicked, this, &RefusedChangesDialog::retrySelected);
    connect(m_discard, &QPushButton::clicked, this, &RefusedChangesDialog::discardSelected);
    connect(m_open, &QPushButton::clicked, this, [this] {
        const QModelIndex current = m_list->currentIndex();
        if (!current.isValid())
            return;
        emit openRecord(current.data(FailureModel::ModuleRole).toString(),
                        current.data(FailureModel::RecordIdRole).toString());
        accept();
    });
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &RefusedChangesDialog::updateButtons);
    connect(failures, &QAbstractItemModel::rowsRemoved, this, &RefusedChangesDialog::updateButtons);
    if (failures->rowCount() > 0)
        m_list->setCurrentIndex(failures->index(0));
    updateButtons();
    resize(560, 300);
}

qint64 RefusedChangesDialog::selectedId() const
{
    const QModelIndex current = m_list->currentIndex();
    return current.isValid() ? current.data(FailureModel::MutationIdRole).toLongLong() : 0;
}

bool RefusedChangesDialog::retrySelected()
{
    const qint64 id = selectedId();
    QString problem;
    return id > 0 && showOutcome(m_failures->retry(id, {}, &problem), problem);
}

bool RefusedChangesDialog::discardSelected()
{
    const qint64 id = selectedId();
    QString problem;
    return id > 0 && showOutcome(m_failures->discard(id, &problem), problem);
}

bool RefusedChangesDialog::showOutcome(bool done, const QString& problem)
{
    m_problem->setText(done ? QString() : problem);
    m_problem->setVisible(!done);
    return done;
}

void RefusedChangesDialog::updateButtons()
{
    const bool any = m_list->currentIndex().isValid();
    m_retry->setEnabled(any);
    m_discard->setEnabled(any);
    m_open->setEnabled(any);
}

} // namespace crm
