#include "ui/toaststack.h"

#include "models/notificationmodel.h"
#include "ui/noticesurface.h"

#include <QApplication>
#include <QEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QTimer>
#include <QVBoxLayout>

namespace crm {

namespace {

constexpr int kDefaultWidth = 340;
constexpr int kGap = 8;

bool needsAction(NotificationModel::Kind kind)
{
    return kind == NotificationModel::Kind::Conflicted ||
           kind == NotificationModel::Kind::Refused || kind == NotificationModel::Kind::Access;
}

} // namespace

ToastStack::ToastStack(NotificationModel* notifications, QWidget* parent)
    : NoticeStack(parent), m_model(notifications)
{
    setAccessibleName(tr("Notifications"));
    setFixedWidth(kDefaultWidth + 2 * NoticeSurface::kShadowPad);
    connect(notifications, &NotificationModel::notified, this, &ToastStack::add);
    hide();
}

int ToastStack::visibleToasts() const
{
    return static_cast<int>(std::count_if(m_toasts.begin(), m_toasts.end(),
                                          [this](QWidget* t) { return t->isVisibleTo(this); }));
}

QStringList ToastStack::toastTexts() const
{
    QStringList texts;
    for (NoticeSurface* toast : m_toasts)
        texts.append(toast->findChild<QLabel*>()->text());
    return texts;
}

void ToastStack::add(qint64 notificationId)
{
    const QModelIndex index = m_model->index(m_model->rowOfId(notificationId));
    if (!index.isValid())
        return;
    const auto kind = index.data(NotificationModel::KindRole).value<NotificationModel::Kind>();
    const QString title = index.data(NotificationModel::TitleRole).toString();
    const QString detail = index.data(NotificationModel::DetailRole).toString();
    if (m_sound)
        QApplication::beep();
    if (!m_toastsEnabled)
        return;
    auto* toast = new NoticeSurface(this);
    toast->setObjectName(QStringLiteral("toast"));
    toast->setAccent(needsAction(kind) ? QColor(0xf5, 0x9e, 0x0b) : QColor(0x3b, 0x82, 0xf6));
    auto* layout = new QVBoxLayout(toast);
    layout->setContentsMargins(16, 10, 12, 10);
    layout->setSpacing(2);
    auto* label = new QLabel(title, toast); // first label: the one line toastTexts() reports
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    layout->addWidget(label);
    if (!detail.isEmpty()) {
        auto* more = new QLabel(detail, toast);
        more->setWordWrap(true);
        more->setTextFormat(Qt::PlainText);
        // Secondary text: the same colour, a step smaller, so the sentence leads.
        QFont small = more->font();
        small.setPointSizeF(small.pointSizeF() * 0.9);
        more->setFont(small);
        layout->addWidget(more);
    }
    toast->setAccessibleName(detail.isEmpty() ? title : tr("%1. %2").arg(title, detail));
    toast->setToolTip(tr("Click to open"));
    toast->setCursor(Qt::PointingHandCursor);
    toast->setProperty("notificationId", notificationId);
    toast->setProperty("module", index.data(NotificationModel::ModuleRole));
    toast->setProperty("recordId", index.data(NotificationModel::RecordIdRole));
    toast->installEventFilter(this);
    m_toasts.prepend(toast);
    while (m_toasts.size() > m_maxVisible)
        delete m_toasts.takeLast(); // the oldest makes room
    auto* timer = new QTimer(toast);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, toast] { remove(toast); });
    timer->start(needsAction(kind) ? m_needsActionMs : m_showMs);
    toast->show();
    relayout();
}

void ToastStack::remove(NoticeSurface* toast)
{
    m_toasts.removeOne(toast);
    toast->hide();
    toast->deleteLater();
    relayout();
}

void ToastStack::relayout()
{
    if (m_busy)
        return;
    m_busy = true;
    if (m_toasts.isEmpty()) {
        hide();
    } else {
        // Newest at the bottom, nearest the editor's buttons; the oldest rise and leave first,
        // and wait out of sight while the height given has no room for them.
        const int pad = NoticeSurface::kShadowPad;
        const int cardWidth = width() - 2 * pad;
        int room = heightLimit() - 2 * pad;
        QList<NoticeSurface*> fitting;
        for (NoticeSurface* toast : std::as_const(m_toasts)) {
            toast->setFixedWidth(cardWidth);
            toast->setFixedHeight(toast->heightFor(cardWidth));
            const int needed = toast->height() + (fitting.isEmpty() ? 0 : kGap);
            const bool fits = room >= needed;
            toast->setVisible(fits);
            if (!fits) {
                room = 0; // none older shows above a gap
                continue;
            }
            room -= needed;
            fitting.prepend(toast);
        }
        int y = pad;
        for (NoticeSurface* toast : std::as_const(fitting)) {
            toast->move(pad, y);
            y += toast->height() + kGap;
        }
        resize(width(), fitting.isEmpty() ? 0 : y - kGap + pad);
        setVisible(!fitting.isEmpty());
    }
    m_busy = false;
    emit contentChanged();
}

bool ToastStack::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::MouseButtonRelease) {
        auto* toast = qobject_cast<NoticeSurface*>(watched);
        if (toast && m_toasts.contains(toast)) {
            // Seen: the bell stops counting it, then its record opens.
            m_model->markRead(m_model->rowOfId(toast->property("notificationId").toLongLong()));
            emit openRecord(toast->property("module").toString(),
                            toast->property("recordId").toString());
            remove(toast);
            return true;
        }
    }
    return NoticeStack::eventFilter(watched, event);
}

} // namespace crm
