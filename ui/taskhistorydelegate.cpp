#include "ui/taskhistorydelegate.h"

#include "models/tasklistmodel.h"

#include <QDateTime>
#include <QLocale>
#include <QPainter>

namespace crm {

namespace {

QColor statusColor(const QString& status, const QPalette& palette)
{
    if (status == u"failed")
        return QColor(0xdc, 0x26, 0x26);
    if (status == u"completed")
        return QColor(0x16, 0xa3, 0x4a);
    if (status == u"running" || status == u"queued")
        return QColor(0x7c, 0x3a, 0xed);
    return palette.color(QPalette::PlaceholderText);
}

} // namespace

QString TaskHistoryDelegate::statusText(const QString& status)
{
    if (status == u"queued")
        return tr("Queued");
    if (status == u"running")
        return tr("Running");
    if (status == u"completed")
        return tr("Completed");
    if (status == u"failed")
        return tr("Failed");
    if (status == u"cancelled")
        return tr("Cancelled");
    return status;
}

void TaskHistoryDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                                const QModelIndex& index) const
{
    const Row row = beginRow(painter, option, index);
    const QStyleOptionViewItem& opt = row.option;
    const bool selected = opt.state & QStyle::State_Selected;
    const QPalette& palette = opt.palette;
    const QColor& text = row.text;
    const QColor& dim = row.dim;
    const QString status = index.data(TaskListModel::StatusRole).toString();
    const QRect& r = row.area;
    const int line = row.lineHeight;

    painter->save();
    // Right side: status and when.
    QDateTime when = index.data(TaskListModel::FinishedAtRole).toDateTime();
    if (!when.isValid())
        when = index.data(TaskListModel::CreatedAtRole).toDateTime();
    const QString right = tr("%1 · %2").arg(
        statusText(status), QLocale().toString(when.toLocalTime(), QLocale::ShortFormat));
    QFont bold = opt.font;
    bold.setBold(true);
    const int rightWidth = QFontMetrics(opt.font).horizontalAdvance(right) + 8;
    painter->setPen(selected ? text : statusColor(status, palette));
    painter->setFont(opt.font);
    painter->drawText(QRect(r.right() - rightWidth, r.top(), rightWidth, line),
                      Qt::AlignRight | Qt::AlignVCenter, right);

    QString title = index.data(TaskListModel::TitleRole).toString();
    const QString agent = index.data(TaskListModel::AgentRole).toString();
    if (!agent.isEmpty())
        title = tr("%1 · %2").arg(title, agent);
    painter->setPen(text);
    painter->setFont(bold);
    const QRect titleRect(r.left(), r.top(), r.width() - rightWidth - 8, line);
    painter->drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
                      QFontMetrics(bold).elidedText(title, Qt::ElideRight, titleRect.width()));

    QString detail = index.data(TaskListModel::StepRole).toString();
    if (status == u"failed")
        detail = index.data(TaskListModel::ErrorRole).toString();
    const bool active = index.data(TaskListModel::ActiveRole).toBool();
    const int barWidth = active ? 90 : 0;
    const QRect detailRect(r.left(), r.top() + line + 4, r.width() - barWidth - (active ? 10 : 0),
                           line);
    painter->setFont(opt.font);
    painter->setPen(dim);
    painter->drawText(detailRect, Qt::AlignLeft | Qt::AlignVCenter,
                      opt.fontMetrics.elidedText(detail, Qt::ElideRight, detailRect.width()));
    if (active) {
        const QRect bar(r.right() - barWidth, detailRect.center().y() - 3, barWidth, 6);
        painter->setPen(Qt::NoPen);
        painter->setBrush(palette.color(QPalette::Mid));
        painter->drawRoundedRect(bar, 3, 3);
        const int progress = index.data(TaskListModel::ProgressRole).toInt();
        painter->setBrush(statusColor(status, palette));
        painter->drawRoundedRect(QRect(bar.left(), bar.top(), bar.width() * progress / 100, 6), 3,
                                 3);
    }
    painter->restore();
}

} // namespace crm
