// SPDX-License-Identifier: GPL-3.0-or-later
#include "predict/preprocess.h"

#include "common/error.h"
#include "data/catalogue.h"
#include "data/data_dirs.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>

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

}  // namespace kanalab
