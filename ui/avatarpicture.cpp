#include "ui/avatarpicture.h"

#include <QBuffer>
#include <QImage>
#include <QImageReader>

namespace crm {

std::optional<QByteArray> AvatarPicture::fromFile(const QString& path, QString* error)
{
    QImageReader reader(path);
    reader.setAutoTransform(true); // a phone photo's EXIF rotation
    const QImage image = reader.read();
    if (image.isNull()) {
        *error = tr("This file is not a picture Qt can read (%1)").arg(reader.errorString());
        return std::nullopt;
    }
    return fromImage(image, error);
}

std::optional<QByteArray> AvatarPicture::fromImage(const QImage& image, QString* error)
{
    if (image.isNull()) {
        *error = tr("The picture is empty");
        return std::nullopt;
    }
    QImage square = centreSquare(image);
    const int side = square.width();
    if (side > kSide)
        square = square.scaled(kSide, kSide, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    // JPEG is a tenth of PNG's size for a photo; only transparency needs PNG.
    const bool transparent = square.hasAlphaChannel();
    for (int quality = 90; quality >= 40; quality -= 10) {
        QByteArray bytes;
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        if (!square.save(&buffer, transparent ? "PNG" : "JPEG", transparent ? -1 : quality)) {
            *error = tr("The picture could not be encoded");
            return std::nullopt;
        }
        if (bytes.size() <= kMaxBytes)
            return bytes;
        if (transparent)
            break;
    }
    *error = tr("The picture is too large even when made small");
    return std::nullopt;
}

QImage AvatarPicture::centreSquare(const QImage& image)
{
    const int side = std::min(image.width(), image.height());
    return image.copy((image.width() - side) / 2, (image.height() - side) / 2, side, side);
}

} // namespace crm
