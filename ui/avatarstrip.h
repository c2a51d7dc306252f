#pragma once

#include <QHash>
#include <QPixmap>
#include <QWidget>

class QAbstractItemModel;
class QModelIndex;

namespace crm {

// Who is here: one round avatar per user of a presence model (their picture, or initials on
// their own colour; a status dot: green online, amber away, red busy), newest first up to
// maxVisible, then "+N", and "N online". Hovering an avatar tells who it is and where they are.
// Binds to PresenceStore's roles only, so it also shows "who views this record" when given a
// filtered model.
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

    // "online", "away", "busy" -> the dot's colour.
    static QColor statusColor(const QString& status);
    static QColor avatarColor(int hue);

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    QList<int> shownRows() const;
    QString countText() const;
    QRect avatarRect(int slot) const;
    QPixmap pictureFor(const QModelIndex& index, const QSize& size) const;

    struct DecodedPicture
    {
        QByteArray bytes;
        QPixmap pixmap; // device pixels
    };

    QAbstractItemModel* m_model;
    int m_maxVisible = 5;
    bool m_showCount = true;
    int m_diameter = 28;
    QString m_excluded;
    mutable QHash<QString, DecodedPicture> m_pictures; // userId ->
};

} // namespace crm
