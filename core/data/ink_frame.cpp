// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/ink_frame.h"

#include "data/border_median.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace kanalab {
namespace {

cv::Mat asMat(const GrayImage& image) {
    return cv::Mat(image.rows, image.cols, CV_8UC1, const_cast<std::uint8_t*>(image.pixels.data()));
}

GrayImage fromMat(const cv::Mat& gray) {
    GrayImage image;
    image.rows = gray.rows;
    image.cols = gray.cols;
    image.pixels.resize(static_cast<std::size_t>(gray.rows) * gray.cols);
    for (int r = 0; r < gray.rows; ++r)
        std::copy(gray.ptr<std::uint8_t>(r), gray.ptr<std::uint8_t>(r) + gray.cols,
                  image.pixels.begin() + static_cast<std::ptrdiff_t>(r) * gray.cols);
    return image;
}

// Pixels above this count as ink when looking for the bounding box: low enough to keep the
// soft antialiased edges, high enough to ignore scanner noise.
constexpr int kInkThreshold = 30;

}  // namespace

std::uint8_t borderMedian(const std::uint8_t* plane, int rows, int cols) {
    std::vector<std::uint8_t> border;
    border.reserve(2 * static_cast<std::size_t>(rows + cols));
    for (int c = 0; c < cols; ++c) {
        border.push_back(plane[c]);
        border.push_back(plane[static_cast<std::size_t>(rows - 1) * cols + c]);
    }
    for (int r = 0; r < rows; ++r) {
        border.push_back(plane[static_cast<std::size_t>(r) * cols]);
        border.push_back(plane[static_cast<std::size_t>(r) * cols + cols - 1]);
    }
    const auto middle = border.begin() + static_cast<std::ptrdiff_t>(border.size() / 2);
    std::nth_element(border.begin(), middle, border.end());
    return *middle;
}

bool hasLightBackground(const GrayImage& image) {
    return !image.empty() && borderMedian(image.pixels.data(), image.rows, image.cols) > 127;
}

GrayImage prepareForModel(const GrayImage& image, const PreprocessOptions& options) {
    const int size = options.outputSize;
    GrayImage out;
    out.rows = out.cols = size;
    out.pixels.assign(static_cast<std::size_t>(size) * size, 0);
    if (image.empty())
        return out;

    const bool light = hasLightBackground(image);
    // Already in the model's frame (a dataset image, saved and read back): taken as it is, so
    // the CLI's predict on a test image sees exactly what evaluation saw.
    if (!light && image.rows == size && image.cols == size)
        return image;
    cv::Mat ink = asMat(image).clone();
    if (light)
        ink = 255 - ink;

    cv::Mat mask = ink > kInkThreshold;
    std::vector<cv::Point> points;
    cv::findNonZero(mask, points);
    if (points.empty())
        return out;
    cv::Rect box = cv::boundingRect(points);
    cv::Mat cropped = ink(box);

    if (options.strokeFraction > 0) {
        // Thicken strokes drawn with a thin pen toward the dataset's typical stroke, measured at
        // the drawing's own resolution (a hairline would vanish once shrunk to 28 pixels):
        // stroke width ~ ink area / half the ink's perimeter.
        const cv::Mat binary = cropped > 127;
        const double area = cv::countNonZero(binary);
        std::vector<std::vector<cv::Point>> contours;
        cv::findContours(binary.clone(), contours, cv::RETR_LIST, cv::CHAIN_APPROX_NONE);
        double perimeter = 0;
        for (const auto& contour : contours)
            perimeter += cv::arcLength(contour, true);
        const double width = perimeter > 0 ? 2.0 * area / perimeter : 0;
        const double target = options.strokeFraction * std::max(box.width, box.height);
        const int grow = static_cast<int>(std::floor((target - width) / 2.0 + 0.5));
        if (width > 0 && grow > 0) {
            // Pad first so the thicker strokes keep their ends; the box grows by the same amount.
            cv::Mat padded;
            cv::copyMakeBorder(cropped, padded, grow, grow, grow, grow, cv::BORDER_CONSTANT, cv::Scalar(0));
            const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(2 * grow + 1, 2 * grow + 1));
            cv::dilate(padded, cropped, kernel);
            box = cv::Rect(0, 0, cropped.cols, cropped.rows);
        }
    }

    // Scale the longer side to the box size; INTER_AREA averages when shrinking, as the
    // datasets' anti-aliased downsampling did.
    const double scale = static_cast<double>(options.boxSize) / std::max(box.width, box.height);
    const int w = std::max(1, static_cast<int>(std::lround(box.width * scale)));
    const int h = std::max(1, static_cast<int>(std::lround(box.height * scale)));
    cv::Mat scaled;
    if (w == box.width && h == box.height)
        scaled = cropped.clone();
    else
        cv::resize(cropped, scaled, cv::Size(w, h), 0, 0, scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);

    cv::Mat canvas = cv::Mat::zeros(size, size, CV_8UC1);
    int left = (size - w) / 2, top = (size - h) / 2;
    if (options.centreOfMass) {
        const cv::Moments m = cv::moments(scaled, false);
        if (m.m00 > 0) {
            left = static_cast<int>(std::lround(size / 2.0 - m.m10 / m.m00));
            top = static_cast<int>(std::lround(size / 2.0 - m.m01 / m.m00));
        }
    }
    // Clip where the centre of mass pushes the box past the frame.
    const cv::Rect target(left, top, w, h);
    const cv::Rect visible = target & cv::Rect(0, 0, size, size);
    if (visible.area() > 0)
        scaled(cv::Rect(visible.x - left, visible.y - top, visible.width, visible.height)).copyTo(canvas(visible));
    return fromMat(canvas);
}

}  // namespace kanalab
