#pragma once

#include <QDateTime>
#include <QFont>
#include <QHash>
#include <QPixmap>
#include <QWidget>

class QAbstractItemModel;
class QModelIndex;

namespace crm {

// Who is here: one round avatar per user of a presence model (their picture, or initials on
// their colour; a status dot: green online, amber away, red busy, ringed in the background colour
// so it reads on any avatar), newest first up to maxVisible, then "+N", and "N online". Hovering
// an avatar tells who it is and where they are. No two avatars shown share a colour.
// While the model says its rows are stale (the link is down) the avatars are grey, without a
// dot, and the text says "last known: N online": presence the client cannot confirm is not shown
// as live. Binds to PresenceStore's roles only, so it also shows "who views this record" when
// given a filtered model.
class AvatarStrip : public QWidget
{
    Q_OBJECT
public:
    explicit AvatarStrip(QAbstractItemModel* presence, QWidget* parent = nullptr);

    void setMaxVisible(int count);
    void setShowCount(bool show);
    // Leaves this user out (the agent themself, in "who else views this").
    void setExcludedUser(const QString& userId);
    void setDiameter(int pixels);

    int visibleAvatars() const;
    int overflow() const;
    QSize sizeHint() const override;

    // The fill of each visible avatar drawn with initials, left to right (what a picture would
    // cover too): distinct, and grey while stale.
    QList<QColor> shownColors() const;
    // Where the status dot of visible avatar `slot` is, its ring included; empty while stale.
    QRect statusDotRect(int slot) const;
    // What hovering visible avatar `slot` says.
    QString avatarToolTip(int slot) const;
    // The text beside the avatars ("3 online", "last known: 3 online").
    QString countText() const;

    // "online", "away", "busy" -> the dot's colour.
    static QColor statusColor(const QString& status);
    // Bold, sized from the diameter, smaller only when these initials would not fit the circle.
    static QFont initialsFont(const QFont& base, int diameter, const QString& initials);
    // The initials drawn at this diameter: both letters, or the first where two cannot fit.
    static QString fittedInitials(const QFont& base, int diameter, const QString& initials);
    // Where visible avatar `slot` (or the "+N" after them) is drawn.
    QRect avatarRect(int slot) const;
    // "just now", "5 min ago", "2 h ago", or the date.
    static QString lastSeenText(const QDateTime& when, const QDateTime& now);

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    QList<int> shownRows() const;
    bool stale() const;
    QList<QColor> resolvedColors(const QList<int>& rows, int shown) const;
    QPixmap pictureFor(const QModelIndex& index, const QSize& size, bool grey) const;
    void paintStatusDot(QPainter& painter, int slot, const QColor& colour) const;

    struct DecodedPicture
    {
        QByteArray bytes;
        QPixmap pixmap; // device pixels
        QPixmap grey;   // the same without colour, made when first needed
    };

    QAbstractItemModel* m_model;
    int m_maxVisible = 5;
    bool m_showCount = true;
    int m_diameter = 28;
    QString m_excluded;
    mutable QHash<QString, DecodedPicture> m_pictures; // userId ->
};

} // namespace crm
