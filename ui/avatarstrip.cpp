#include "ui/avatarstrip.h"

#include "models/presencestore.h"
#include "ui/avatarpalette.h"
#include "ui/avatarpicture.h"

#include <cmath>
#include <QHelpEvent>
#include <QLocale>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>

namespace crm {

namespace {

// Avatars overlap a little, as a group; in proportion, so that the next one never covers the
// initials of a small one (a fixed 6 px hid a quarter of a 22 px avatar).
int overlapFor(int diameter)
{
    return std::max(3, diameter / 7);
}

// Smaller than this, initials are a blur.
constexpr int kMinInitialsPixels = 7;

QString whereText(const QStringList& viewing)
{
    if (viewing.isEmpty())
        return {};
    const QString first = viewing.first();
    return AvatarStrip::tr("viewing %1").arg(first.section(u'/', 0, 0));
}

QString statusText(const QString& status)
{
    if (status == QStringLiteral("away"))
        return AvatarStrip::tr("away");
    if (status == QStringLiteral("busy"))
        return AvatarStrip::tr("busy");
    if (status == QStringLiteral("online"))
        return AvatarStrip::tr("online");
    return status;
}

// The dot and its ring scale with the avatar, so that the ring stays two pixels or more wide:
// thinner, antialiasing blends it into the avatar and a green dot on a green avatar is lost.
int dotDiameter(int diameter)
{
    return std::max(6, static_cast<int>(std::lround(diameter * 0.26)));
}

int ringWidth(int diameter)
{
    return std::max(2, static_cast<int>(std::lround(diameter / 14.0)));
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
    connect(presence, &QAbstractItemModel::headerDataChanged, this, repaint);
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
    setAccessibleDescription(countText());
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

bool AvatarStrip::stale() const
{
    // The model's header says it for the whole list, so that an empty one can tell as well.
    return m_model->headerData(0, Qt::Horizontal, PresenceStore::StaleRole).toBool();
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
    const int count = static_cast<int>(shownRows().size());
    if (!stale())
        return tr("%n online", nullptr, count);
    // Nobody known and no link: say nothing rather than "0 online", which is not known either.
    return count > 0 ? tr("last known: %n online", nullptr, count) : QString();
}

QRect AvatarStrip::avatarRect(int slot) const
{
    const int top = (height() - m_diameter) / 2;
    return QRect(slot * (m_diameter - overlapFor(m_diameter)), top, m_diameter, m_diameter);
}

QRect AvatarStrip::statusDotRect(int slot) const
{
    if (stale() || slot < 0 || slot >= visibleAvatars())
        return {};
    // In the avatar's bottom-right corner, inside its square: never clipped by the widget.
    const int outer = dotDiameter(m_diameter) + 2 * ringWidth(m_diameter);
    const QRect circle = avatarRect(slot);
    return QRect(circle.right() + 1 - outer, circle.bottom() + 1 - outer, outer, outer);
}

QSize AvatarStrip::sizeHint() const
{
    const int circles = visibleAvatars() + (overflow() > 0 ? 1 : 0);
    const int overlap = overlapFor(m_diameter);
    int width = circles > 0 ? circles * (m_diameter - overlap) + overlap : 0;
    const QString text = countText();
    if (m_showCount && !text.isEmpty())
        width += 8 + fontMetrics().horizontalAdvance(text);
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

QFont AvatarStrip::initialsFont(const QFont& base, int diameter, const QString& initials)
{
    QFont font = base;
    font.setBold(true);
    // Two fifths of the diameter reads well; wide pairs ("WM") step down until their ink fits
    // within 64% of the circle's width, which keeps it clear of the own ring on the left and of
    // the next avatar on the right at every size.
    int pixels = std::max(kMinInitialsPixels, diameter * 2 / 5);
    const qreal room = diameter * 0.64;
    for (; pixels > kMinInitialsPixels; --pixels) {
        font.setPixelSize(pixels);
        if (QFontMetricsF(font).tightBoundingRect(initials).width() <= room)
            break;
    }
    font.setPixelSize(pixels);
    return font;
}

QString AvatarStrip::fittedInitials(const QFont& base, int diameter, const QString& initials)
{
    // A pair that does not fit even at the smallest legible size shows its first letter alone.
    const QFont font = initialsFont(base, diameter, initials);
    if (initials.size() < 2 ||
        QFontMetricsF(font).tightBoundingRect(initials).width() <= diameter * 0.64)
        return initials;
    return initials.left(1);
}

QString AvatarStrip::lastSeenText(const QDateTime& when, const QDateTime& now)
{
    const qint64 seconds = when.secsTo(now);
    if (seconds < 60)
        return tr("just now");
    if (seconds < 3600)
        return tr("%n min ago", nullptr, static_cast<int>(seconds / 60));
    if (seconds < 24 * 3600)
        return tr("%n h ago", nullptr, static_cast<int>(seconds / 3600));
    return tr("on %1").arg(QLocale().toString(when.toLocalTime().date(), QLocale::ShortFormat));
}

QList<QColor> AvatarStrip::resolvedColors(const QList<int>& rows, int shown) const
{
    // The model keeps everyone present apart; this only acts when more people are present than
    // there are colours, so that the few shown together still differ.
    QList<int> used;
    QList<QColor> colours;
    const bool grey = stale();
    for (int slot = 0; slot < shown; ++slot) {
        int colourSlot =
            m_model->index(rows.at(slot), 0).data(PresenceStore::ColorSlotRole).toInt();
        for (int step = 0; step < AvatarPalette::size() && used.contains(colourSlot); ++step)
            colourSlot = (colourSlot + 1) % AvatarPalette::size();
        used.append(colourSlot);
        const QColor colour = AvatarPalette::color(colourSlot);
        colours.append(grey ? AvatarPalette::greyed(colour) : colour);
    }
    return colours;
}

QList<QColor> AvatarStrip::shownColors() const
{
    const QList<int> rows = shownRows();
    return resolvedColors(rows, std::min<int>(static_cast<int>(rows.size()), m_maxVisible));
}

QPixmap AvatarStrip::pictureFor(const QModelIndex& index, const QSize& size, bool grey) const
{
    const QByteArray bytes = index.data(PresenceStore::PictureRole).toByteArray();
    const QString userId = index.data(PresenceStore::UserIdRole).toString();
    if (bytes.isEmpty()) {
        m_pictures.remove(userId);
        return {};
    }
    const qreal dpr = devicePixelRatioF();
    auto cached = m_pictures.find(userId);
    if (cached == m_pictures.end() || cached->bytes != bytes ||
        cached->pixmap.size() != size * dpr) {
        // Decoded and scaled once per picture and size, never per paint. A file that does not
        // decode shows the initials instead.
        const QImage image = QImage::fromData(bytes);
        if (image.isNull())
            return {};
        QPixmap pixmap = QPixmap::fromImage(AvatarPicture::centreSquare(image).scaled(
            size * dpr, Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
        pixmap.setDevicePixelRatio(dpr);
        cached = m_pictures.insert(userId, {bytes, pixmap, {}});
    }
    if (!grey)
        return cached->pixmap;
    if (cached->grey.isNull()) {
        cached->grey =
            QPixmap::fromImage(cached->pixmap.toImage().convertToFormat(QImage::Format_Grayscale8));
        cached->grey.setDevicePixelRatio(dpr);
    }
    return cached->grey;
}

void AvatarStrip::paintStatusDot(QPainter& painter, int slot, const QColor& colour) const
{
    const QRect outer = statusDotRect(slot);
    if (outer.isEmpty())
        return;
    // A filled disc of the background under the dot rather than a pen around it: a pen is
    // centred on the edge and half of it blends into the avatar.
    const int ring = ringWidth(m_diameter);
    painter.setPen(Qt::NoPen);
    painter.setBrush(palette().color(QPalette::Window));
    painter.drawEllipse(QRectF(outer));
    painter.setBrush(colour);
    painter.drawEllipse(QRectF(outer).adjusted(ring, ring, -ring, -ring));
}

void AvatarStrip::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const QList<int> rows = shownRows();
    const int shown = std::min<int>(static_cast<int>(rows.size()), m_maxVisible);
    const bool grey = stale();
    const QList<QColor> colours = resolvedColors(rows, shown);
    const QColor ring = palette().color(QPalette::Window);
    for (int slot = 0; slot < shown; ++slot) {
        const QModelIndex index = m_model->index(rows.at(slot), 0);
        const QRect circle = avatarRect(slot);
        const QRect inner = circle.adjusted(1, 1, -1, -1);
        const QPixmap picture = pictureFor(index, inner.size(), grey);
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
            const QString initials = fittedInitials(
                font(), m_diameter, index.data(PresenceStore::InitialsRole).toString());
            painter.setPen(QPen(ring, 2));
            painter.setBrush(colours.at(slot));
            painter.drawEllipse(inner);
            painter.setPen(Qt::white);
            painter.setFont(initialsFont(font(), m_diameter, initials));
            painter.drawText(circle, Qt::AlignCenter, initials);
        }
    }
    // Dots after all the avatars, so that the next avatar, overlapping, never covers one. Stale:
    // no dot at all, whether they are online, away or busy is not known now.
    for (int slot = 0; slot < shown && !grey; ++slot)
        paintStatusDot(
            painter, slot,
            statusColor(
                m_model->index(rows.at(slot), 0).data(PresenceStore::StatusRole).toString()));
    int x = shown > 0 ? avatarRect(shown - 1).right() + 1 : 0;
    if (overflow() > 0) {
        const QRect circle = avatarRect(shown);
        const QString more = tr("+%1").arg(overflow());
        painter.setPen(QPen(ring, 2));
        painter.setBrush(palette().color(QPalette::Mid));
        painter.drawEllipse(circle.adjusted(1, 1, -1, -1));
        painter.setPen(palette().color(QPalette::BrightText));
        painter.setFont(initialsFont(font(), m_diameter, more));
        painter.drawText(circle, Qt::AlignCenter, more);
        x = circle.right() + 1;
    }
    if (m_showCount) {
        painter.setFont(font());
        // Dimmed while stale: a number the client cannot confirm.
        painter.setPen(palette().color(grey ? QPalette::PlaceholderText : QPalette::WindowText));
        painter.drawText(QRect(x + 8, 0, width() - x - 8, height()), Qt::AlignVCenter, countText());
    }
}

QString AvatarStrip::avatarToolTip(int slot) const
{
    const QList<int> rows = shownRows();
    if (slot < 0 || slot >= std::min<int>(static_cast<int>(rows.size()), m_maxVisible))
        return {};
    const QModelIndex index = m_model->index(rows.at(slot), 0);
    const QString name = index.data(PresenceStore::NameRole).toString();
    if (stale()) {
        const QDateTime seen = index.data(PresenceStore::LastSeenRole).toDateTime();
        return seen.isValid() ? tr("%1 - last seen %2 (you are offline)")
                                    .arg(name, lastSeenText(seen, QDateTime::currentDateTimeUtc()))
                              : tr("%1 - not known while you are offline").arg(name);
    }
    const QString status = statusText(index.data(PresenceStore::StatusRole).toString());
    const QString where = whereText(index.data(PresenceStore::ViewingRole).toStringList());
    return where.isEmpty() ? tr("%1 - %2").arg(name, status)
                           : tr("%1 - %2, %3").arg(name, status, where);
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
        QToolTip::showText(help->globalPos(), avatarToolTip(slot), this);
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
