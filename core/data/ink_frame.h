// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// How a handwriting dataset framed its characters, and the function that frames a drawing or a
// scanned character the same way. A dataset's source states its frame (DatasetTraits::canvas);
// the predictor and the synthetic glyphs both use it.

#include "data/gray_image.h"

namespace kanalab {

// How the dataset's images were made, so a drawing is brought into the same frame:
//   MNIST: the ink's bounding box scaled to 20x20 (aspect kept), placed in 28x28 by its
//          centre of mass (measured: longest side 20 px in every image, centre of mass at 14.0);
//   KMNIST, Fashion-MNIST: the bounding box scaled to fill 28x28 and centred (measured on
//          KMNIST: longest side 28 px in every image, centre of mass spread by 1.4 px).
struct PreprocessOptions {
    int outputSize = 28;
    int boxSize = 28;
    bool centreOfMass = false;
    // Stroke thickness as a fraction of the box (0: keep what was drawn). Thin pen strokes are
    // thickened toward what the dataset shows: KMNIST's brush strokes are thick.
    double strokeFraction = 0.0;
};

// True when the image looks like dark ink on a light background (its border is mostly light).
bool hasLightBackground(const GrayImage& image);

// Brings a drawing or photo into the model's input frame: bright ink on black, cropped to the
// ink, scaled and placed as the dataset's images were. An image without ink comes back black.
// An image already in the frame (outputSize square, dark background) is returned unchanged.
GrayImage prepareForModel(const GrayImage& image, const PreprocessOptions& options);

}  // namespace kanalab
