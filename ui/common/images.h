// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "predict/preprocess.h"

#include <QImage>

#include <cstdint>

namespace kanalab::ui {

// A dataset image (bright ink on black) as a QImage; `paper` shows it as dark ink on white,
// the way the characters were written.
QImage grayToImage(const std::uint8_t* pixels, int rows, int cols, bool paper = true);
QImage grayToImage(const GrayImage& image, bool paper = true);
// One image of a dataset as stored (planar, channels x rows x cols): colour datasets as RGB,
// gray ones as grayToImage does (ink on paper when `paper`). Photos are never inverted.
QImage datasetImage(const std::uint8_t* pixels, int channels, int rows, int cols, bool paper = true);
// A QImage (any format) as 8-bit gray, e.g. a canvas or a pasted picture.
GrayImage imageToGray(const QImage& image);
// A pasted or dropped picture as planar RGB, what the predictor takes for photos; transparent
// parts are put on white, as the core's image loader does with files.
DecodedImage imageToPicture(const QImage& image);
// A picture (planar, 1 or 3 channels) as it is, never inverted.
QImage pictureToImage(const DecodedImage& picture);

}  // namespace kanalab::ui
