// SPDX-License-Identifier: GPL-3.0-or-later
#include "predict/preprocess.h"

#include "common/error.h"
#include "data/catalogue.h"
#include "data/data_dirs.h"
#include "data/image_set.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace kanalab {
namespace {

cv::Mat asMat(const GrayImage& image) {
    return cv::Mat(image.rows, image.cols, CV_8UC1, const_cast<std::uint8_t*>(image.pixels.data()));
}

GrayImage fromMat(const cv::Mat& mat) {
    cv::Mat gray = mat;
    if (mat.channels() == 4)
        cv::cvtColor(mat, gray, cv::COLOR_BGRA2GRAY);
    else if (mat.channels() == 3)
        cv::cvtColor(mat, gray, cv::COLOR_BGR2GRAY);
    if (gray.depth() != CV_8U)
        gray.convertTo(gray, CV_8U, gray.depth() == CV_16U ? 1.0 / 257.0 : 1.0);
    GrayImage image;
    image.rows = gray.rows;
    image.cols = gray.cols;
    image.pixels.resize(static_cast<std::size_t>(gray.rows) * gray.cols);
    for (int r = 0; r < gray.rows; ++r)
        std::copy(gray.ptr<std::uint8_t>(r), gray.ptr<std::uint8_t>(r) + gray.cols,
                  image.pixels.begin() + static_cast<std::ptrdiff_t>(r) * gray.cols);
    return image;
}

}  // namespace

PreprocessOptions preprocessFor(const std::string& dataset) {
    // Imported or unknown datasets (a checkpoint from elsewhere) get the plain frame: the ink's
    // box filling the image, centred.
    const DatasetInfo* info = tryFindDataset(dataset);
    return info ? info->traits.canvas : PreprocessOptions{};
}

GrayImage loadGrayImage(const std::string& path) {
    if (isDirectory(path))
        throw Error(path + ": is a folder, not an image");
    if (!isRegularFile(path))
        throw Error(path + ": no such image file");
    cv::Mat mat;
    try {
        mat = cv::imread(path, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception&) {
    }
    if (mat.empty())
        throw Error(path + ": not an image OpenCV can read (PNG, JPEG, BMP, TIFF and PGM work)");
    if (mat.channels() == 4) {
        // Transparent drawings: put them on white so the ink stays where it was drawn.
        std::vector<cv::Mat> planes;
        cv::split(mat, planes);
        cv::Mat bgr;
        cv::merge(std::vector<cv::Mat>{planes[0], planes[1], planes[2]}, bgr);
        cv::Mat white(bgr.size(), bgr.type(), cv::Scalar::all(255));
        cv::Mat alpha;
        planes[3].convertTo(alpha, CV_32F, 1.0 / 255.0);
        cv::Mat alpha3;
        cv::merge(std::vector<cv::Mat>{alpha, alpha, alpha}, alpha3);
        cv::Mat blended;
        bgr.convertTo(bgr, CV_32FC3);
        white.convertTo(white, CV_32FC3);
        blended = bgr.mul(alpha3) + white.mul(cv::Scalar::all(1.0) - alpha3);
        blended.convertTo(mat, CV_8UC3);
    }
    return fromMat(mat);
}

GrayImage decodeGrayImage(const std::vector<std::uint8_t>& bytes, const std::string& name) {
    cv::Mat mat;
    try {
        mat = cv::imdecode(bytes, cv::IMREAD_GRAYSCALE);
    } catch (const cv::Exception&) {
    }
    if (mat.empty())
        throw Error(name + ": not an image OpenCV can read");
    return fromMat(mat);
}

void saveGrayImage(const GrayImage& image, const std::string& path) {
    bool ok = false;
    try {
        ok = cv::imwrite(path, asMat(image));
    } catch (const cv::Exception&) {
    }
    if (!ok)
        throw Error("cannot write " + path + " (does the folder exist, and does the name end in .png?)");
}

DecodedImage preparePhoto(const DecodedImage& picture, int rows, int cols, FitMode fit) {
    if (picture.empty() || (picture.channels != 1 && picture.channels != 3))
        throw Error("a picture needs 1 or 3 channels of pixels to be shown to a colour model");
    DecodedImage colour = picture;
    if (picture.channels == 1) {
        colour.channels = 3;
        colour.pixels.reserve(picture.pixels.size() * 3);
        colour.pixels.insert(colour.pixels.end(), picture.pixels.begin(), picture.pixels.end());
        colour.pixels.insert(colour.pixels.end(), picture.pixels.begin(), picture.pixels.end());
    }
    return fitImage(colour, rows, cols, fit);
}

GrayImage toGray(const DecodedImage& picture) {
    GrayImage gray;
    gray.rows = picture.rows;
    gray.cols = picture.cols;
    const std::size_t plane = static_cast<std::size_t>(picture.rows) * picture.cols;
    if (picture.channels != 3) {
        gray.pixels.assign(picture.pixels.begin(), picture.pixels.begin() + static_cast<std::ptrdiff_t>(plane));
        return gray;
    }
    // Planar RGB, so OpenCV's cvtColor (interleaved) would need a copy first; the same weights.
    gray.pixels.resize(plane);
    const std::uint8_t* r = picture.pixels.data();
    const std::uint8_t* g = r + plane;
    const std::uint8_t* b = g + plane;
    for (std::size_t i = 0; i < plane; ++i)
        gray.pixels[i] = static_cast<std::uint8_t>(std::lround(0.299 * r[i] + 0.587 * g[i] + 0.114 * b[i]));
    return gray;
}

bool storedOnLightBackground(const ImageSet& set) {
    if (set.channels != 1 || set.count() == 0 || set.rows <= 0 || set.cols <= 0)
        return false;
    constexpr std::int64_t kSamples = 64;
    const std::int64_t samples = std::min(kSamples, set.count());
    std::int64_t light = 0;
    GrayImage image;
    image.rows = set.rows;
    image.cols = set.cols;
    for (std::int64_t k = 0; k < samples; ++k) {
        // Spread over the set: an imported pool is stored class by class.
        const std::int64_t index = k * set.count() / samples;
        image.pixels.assign(set.image(index), set.image(index) + set.imageBytes());
        light += hasLightBackground(image);
    }
    return 2 * light > samples;
}

}  // namespace kanalab
