#include "ui/avatarstrip.h"

#include "models/presencestore.h"
#include "ui/avatarpicture.h"

#include <QHelpEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

namespace crm {

namespace {

constexpr int kOverlap = 6; // avatars overlap a little, as a group

QString whereText(const QStringList& viewing)
{
    if (viewing.isEmpty())
        return {};
    const QString first = viewing.first();
    return QObject::tr("viewing %1").arg(first.section(u'/', 0, 0));
}

} // namespace

AvatarStrip::AvatarStrip(QAbstractItemModel* presence, QWidget* parent)
    : QWidget(parent), m_model(presence)
{
    setAccessibleName(tr("People online"));
    setMouseTracking(true);
    auto repaint = [this] {
        updateGeometry();
        update();
        setAccessibleDescription(countText());
    };
    connect(presence, &QAbstractItemModel::rowsInserted, this, repaint);
    connect(presence, &QAbstractItemModel::rowsRemoved, this, repaint);
    connect(presence, &QAbstractItemModel::modelReset, this, repaint);
    connect(presence, &QAbstractItemModel::layoutChanged, this, repaint);
    connect(presence, &QAbstractItemModel::dataChanged, this, repaint);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
}

void AvatarStrip::setMaxVisible(int count)
{
    m_maxVisible = std::max(1, count);
    updateGeometry();
    update();
}

void AvatarStrip::setShowCount(bool show)
{
    m_showCount = show;
    updateGeometry();
    update();
}

void AvatarStrip::setExcludedUser(const QString& userId)
{
    m_excluded = userId;
    updateGeometry();
    update();
}

void AvatarStrip::setDiameter(int pixels)
{
    m_diameter = std::max(12, pixels);
    updateGeometry();
    update();
}

QList<int> AvatarStrip::shownRows() const
{
    QList<int> rows;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->index(row, 0).data(PresenceStore::UserIdRole).toString() != m_excluded)
            rows.append(row);
    }
    return rows;
}

int AvatarStrip::visibleAvatars() const
{
    return std::min<int>(static_cast<int>(shownRows().size()), m_maxVisible);
}

int AvatarStrip::overflow() const
{
    return std::max(0, static_cast<int>(shownRows().size()) - m_maxVisible);
}

QString AvatarStrip::countText() const
{
    return tr("%n online", nullptr, static_cast<int>(shownRows().size()));
}

QRect AvatarStrip::avatarRect(int slot) const
{
    const int top = (height() - m_diameter) / 2;
    return QRect(slot * (m_diameter - kOverlap), top, m_diameter, m_diameter);
}

QSize AvatarStrip::sizeHint() const
{
    const int circles = visibleAvatars() + (overflow() > 0 ? 1 : 0);
    int width = circles > 0 ? circles * (m_diameter - kOverlap) + kOverlap : 0;
    if (m_showCount)
        width += 8 + fontMetrics().horizontalAdvance(countText());
    return QSize(std::max(width, 1), m_diameter + 4);
}

QColor AvatarStrip::statusColor(const QString& status)
{
    if (status == QStringLiteral("away"))
        return QColor(0xf5, 0x9e, 0x0b);
    if (status == QStringLiteral("busy"))
        return QColor(0xdc, 0x26, 0x26);
    return QColor(0x16, 0xa3, 0x4a);
}

QColor AvatarStrip::avatarColor(int hue)
{
    // Saturation and lightness chosen so white initials stay readable on every hue.
    return QColor::fromHsl(hue, 150, 105);
}

QPixmap AvatarStrip::pictureFor(const QModelIndex& index, const QSize& size) const
{
    const QByteArray bytes = index.data(PresenceStore::PictureRole).toByteArray();
    const QString userId = index.data(PresenceStore::UserIdRole).toString();
    if (bytes.isEmpty()) {
        m_pictures.remove(userId);
        return {};
    }
    const qreal dpr = devicePixelRatioF();
    auto cached = m_pictures.constFind(userId);
    if (cached != m_pictures.constEnd() && cached->bytes == bytes &&
        cached->pixmap.size() == size * dpr)
        return cached->pixmap;
    // Decoded and scaled once per picture and size, never per paint. A file that does not
    // decode shows the initials instead.
    const QImage image = QImage::fromData(bytes);
    if (image.isNull())
        return {};
    QPixmap pixmap = QPixmap::fromImage(AvatarPicture::centreSquare(image).scaled(
        size * dpr, Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
    pixmap.setDevicePixelRatio(dpr);
    m_pictures.insert(userId, {bytes, pixmap});
    return pixmap;
}

void AvatarStrip::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QList<int> rows = shownRows();
    const int shown = std::min<int>(static_cast<int>(rows.size()), m_maxVisible);
    QFont initialsFont = font();
    initialsFont.setBold(true);
    initialsFont.setPixelSize(m_diameter * 2 / 5);
    const QColor ring = palette().color(QPalette::Window);
    for (int slot = 0; slot < shown; ++slot) {
        const QModelIndex index = m_model->index(rows.at(slot), 0);
        const QRect circle = avatarRect(slot);
        const QRect inner = circle.adjusted(1, 1, -1, -1);
        const QPixmap picture = pictureFor(index, inner.size());
        if (!picture.isNull()) {
            QPainterPath round;
            round.addEllipse(QRectF(inner));
            painter.save();
            painter.setClipPath(round);
            painter.drawPixmap(inner, picture);
            painter.restore();
            painter.setPen(QPen(ring, 2));
            painter.setBrush(Qt::NoBrush);
            painter.drawEllipse(inner);
        } else {
            painter.setPen(QPen(ring, 2));
            painter.setBrush(avatarColor(index.data(PresenceStore::HueRole).toInt()));
            painter.drawEllipse(inner);
            painter.setPen(Qt::white);
            painter.setFont(initialsFont);
            painter.drawText(circle, Qt::AlignCenter,
                             index.data(PresenceStore::InitialsRole).toString());
        }
        const int dot = std::max(8, m_diameter / 3);
        const QRect dotRect(circle.right() - dot + 2, circle.bottom() - dot + 2, dot, dot);
        painter.setPen(QPen(ring, 2));
        painter.setBrush(statusColor(index.data(PresenceStore::StatusRole).toString()));
        painter.drawEllipse(dotRect);
    }
    int x = shown > 0 ? avatarRect(shown - 1).right() + 1 : 0;
    if (overflow() > 0) {
        const QRect circle = avatarRect(shown);
        painter.setPen(QPen(ring, 2));
        painter.setBrush(palette().color(QPalette::Mid));
        painter.drawEllipse(circle.adjusted(1, 1, -1, -1));
        painter.setPen(palette().color(QPalette::BrightText));
        painter.setFont(initialsFont);
        painter.drawText(circle, Qt::AlignCenter, tr("+%1").arg(overflow()));
        x = circle.right() + 1;
    }
    if (m_showCount) {
        painter.setFont(font());
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRect(x + 8, 0, width() - x - 8, height()), Qt::AlignVCenter, countText());
    }
}

bool AvatarStrip::event(QEvent* event)
{
    if (event->type() != QEvent::ToolTip)
        return QWidget::event(event);
    auto* help = static_cast<QHelpEvent*>(event);
    const QList<int> rows = shownRows();
    const int shown = std::min<int>(static_cast<int>(rows.size()), m_maxVisible);
    // The last drawn avatar is on top: hit-test from the right.
    for (int slot = shown - 1; slot >= 0; --slot) {
        if (!avatarRect(slot).contains(help->pos()))
            continue;
        const QModelIndex index = m_model->index(rows.at(slot), 0);
        const QString where = whereText(index.data(PresenceStore::ViewingRole).toStringList());
        QToolTip::showText(help->globalPos(),
                           where.isEmpty()
                               ? tr("%1 — %2").arg(index.data(PresenceStore::NameRole).toString(),
                                                   index.data(PresenceStore::StatusRole).toString())
                               : tr("%1 — %2, %3")
                                     .arg(index.data(PresenceStore::NameRole).toString(),
                                          index.data(PresenceStore::StatusRole).toString(), where),
                           this);
        return true;
    }
    if (overflow() > 0 && avatarRect(shown).contains(help->pos())) {
        QStringList names;
        for (int i = shown; i < rows.size(); ++i)
            names.append(m_model->index(rows.at(i), 0).data(PresenceStore::NameRole).toString());
        QToolTip::showText(help->globalPos(), names.join(u'\n'), this);
        return true;
    }
    QToolTip::hideText();
    event->ignore();
    return true;
}

} // namespace crm
