#pragma once

#include <optional>
#include <QByteArray>
#include <QCoreApplication>
#include <QString>

class QImage;

namespace crm {

// A picture made fit for an avatar: its centre square, at most kSide pixels, as JPEG (PNG when
// it has transparency), within the server's 256 KB. Null, with the reason, when the image
// cannot be read.
struct AvatarPicture
{
    Q_DECLARE_TR_FUNCTIONS(AvatarPicture)

public:
    static constexpr int kSide = 256;
    static constexpr qsizetype kMaxBytes = 256 * 1024;

    static std::optional<QByteArray> fromFile(const QString& path, QString* error);
    static std::optional<QByteArray> fromImage(const QImage& image, QString* error);
    // The largest square in the middle of `image` (what a round avatar shows of it).
    static QImage centreSquare(const QImage& image);
};

} // namespace crm
