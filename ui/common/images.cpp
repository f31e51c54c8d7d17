// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/images.h"

#include <QPainter>

namespace kanalab::ui {

QImage grayToImage(const std::uint8_t* pixels, int rows, int cols, bool paper) {
    QImage image(cols, rows, QImage::Format_Grayscale8);
    for (int r = 0; r < rows; ++r) {
        uchar* line = image.scanLine(r);
        for (int c = 0; c < cols; ++c) {
            const std::uint8_t v = pixels[static_cast<std::size_t>(r) * cols + c];
            line[c] = paper ? static_cast<uchar>(255 - v) : v;
        }
    }
    return image;
}

QImage grayToImage(const GrayImage& image, bool paper) {
    return grayToImage(image.pixels.data(), image.rows, image.cols, paper);
}

QImage datasetImage(const std::uint8_t* pixels, int channels, int rows, int cols, bool paper) {
    if (channels != 3)
        return grayToImage(pixels, rows, cols, paper);
    QImage image(cols, rows, QImage::Format_RGB888);
    const std::size_t plane = static_cast<std::size_t>(rows) * cols;
    for (int r = 0; r < rows; ++r) {
        uchar* line = image.scanLine(r);
        for (int c = 0; c < cols; ++c) {
            const std::size_t at = static_cast<std::size_t>(r) * cols + c;
            line[3 * c] = pixels[at];
            line[3 * c + 1] = pixels[plane + at];
            line[3 * c + 2] = pixels[2 * plane + at];
        }
    }
    return image;
}

GrayImage imageToGray(const QImage& source) {
    const QImage gray = source.convertToFormat(QImage::Format_Grayscale8);
    GrayImage out;
    out.rows = gray.height();
    out.cols = gray.width();
    out.pixels.resize(static_cast<std::size_t>(out.rows) * out.cols);
    for (int r = 0; r < out.rows; ++r)
        std::copy(gray.constScanLine(r), gray.constScanLine(r) + out.cols,
                  out.pixels.begin() + static_cast<std::ptrdiff_t>(r) * out.cols);
    return out;
}

DecodedImage imageToPicture(const QImage& source) {
    DecodedImage out;
    if (source.isNull())
        return out;
    QImage rgb(source.size(), QImage::Format_RGB888);
    rgb.fill(Qt::white);
    {
        QPainter painter(&rgb);
        painter.drawImage(0, 0, source);
    }
    out.channels = 3;
    out.rows = rgb.height();
    out.cols = rgb.width();
    const std::size_t plane = static_cast<std::size_t>(out.rows) * out.cols;
    out.pixels.resize(3 * plane);
    for (int r = 0; r < out.rows; ++r) {
        const uchar* line = rgb.constScanLine(r);
        for (int c = 0; c < out.cols; ++c) {
            const std::size_t at = static_cast<std::size_t>(r) * out.cols + c;
            out.pixels[at] = line[3 * c];
            out.pixels[plane + at] = line[3 * c + 1];
            out.pixels[2 * plane + at] = line[3 * c + 2];
        }
    }
    return out;
}

QImage pictureToImage(const DecodedImage& picture) {
    if (picture.empty())
        return QImage();
    return datasetImage(picture.pixels.data(), picture.channels, picture.rows, picture.cols, /*paper=*/false);
}

}  // namespace kanalab::ui
