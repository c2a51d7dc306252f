#include "ui/activitydelegate.h"

#include "models/activitymodel.h"
#include "protocol/recordschema.h"
#include "ui/recorddelegate.h"

#include <QDateTime>
#include <QPainter>

namespace crm {

QString ActivityDelegate::changesText(const QModelIndex& index, const QLocale& locale)
{
    const ModuleSpec* spec =
        RecordSchema::instance().module(index.data(ActivityModel::ModuleRole).toString());
    QStringList parts;
    for (const auto& item : index.data(ActivityModel::ChangesRole).toList()) {
        const QVariantMap change = item.toMap();
        const QString name = change.value(QStringLiteral("field")).toString();
        const FieldSpec* field = spec ? spec->field(name) : nullptr;
        if (!field) {
            parts.append(name);
            continue;
        }
        // References and user ids mean nothing to a reader: say that they changed.
        if (field->type == FieldSpec::Type::Ref || field->type == FieldSpec::Type::User) {
            parts.append(tr("%1 changed").arg(field->label));
            continue;
        }
        const QString before =
            RecordDelegate::format(*field, change.value(QStringLiteral("before")), locale);
        const QString after =
            RecordDelegate::format(*field, change.value(QStringLiteral("after")), locale);
        parts.append(before.isEmpty() ? tr("%1: %2").arg(field->label, after)
                                      : tr("%1: %2 → %3").arg(field->label, before, after));
    }
    return parts.join(QStringLiteral("; "));
}

void ActivityDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                             const QModelIndex& index) const
{
    const Row row = beginRow(painter, option, index);
    const QStyleOptionViewItem& opt = row.option;
    const QRect& r = row.area;
    const int line = row.lineHeight;
    const QDateTime at =
        QDateTime::fromString(index.data(ActivityModel::AtRole).toString(), Qt::ISODateWithMs);
    const QString when = opt.locale.toString(at.toLocalTime(), QLocale::ShortFormat);
    const int whenWidth = opt.fontMetrics.horizontalAdvance(when) + 8;

    painter->save();
    painter->setFont(opt.font);
    painter->setPen(row.dim);
    painter->drawText(QRect(r.right() - whenWidth, r.top(), whenWidth, line),
                      Qt::AlignRight | Qt::AlignVCenter, when);
    QFont bold = opt.font;
    bold.setBold(true);
    painter->setFont(bold);
    painter->setPen(row.text);
    const QRect summary(r.left(), r.top(), r.width() - whenWidth - 6, line);
    painter->drawText(
        summary, Qt::AlignLeft | Qt::AlignVCenter,
        QFontMetrics(bold).elidedText(index.data(ActivityModel::SummaryRole).toString(),
                                      Qt::ElideRight, summary.width()));
    painter->setFont(opt.font);
    painter->setPen(row.dim);
    const QRect details(r.left(), r.top() + line + 4, r.width(), line);
    painter->drawText(details, Qt::AlignLeft | Qt::AlignVCenter,
                      opt.fontMetrics.elidedText(changesText(index, opt.locale), Qt::ElideRight,
                                                 details.width()));
    painter->restore();
}

} // namespace crm
