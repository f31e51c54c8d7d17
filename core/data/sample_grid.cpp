// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/sample_grid.h"

#include "common/error.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace kanalab {

void writeSampleGrid(const ImageSet& set, const DatasetInfo& info, const std::string& pngPath,
                     const SampleGridOptions& options) {
    const int classes = info.numClasses();
    const int cell = set.rows * options.scale;
    const int cellW = set.cols * options.scale;
    const int gap = 2;
    const int labelWidth = 150;
    const int width = labelWidth + options.perClass * (cellW + gap);
    const int height = classes * (cell + gap) + gap;
    // Colour datasets are drawn in colour (the set is planar RGB; OpenCV writes BGR).
    const bool colour = set.channels == 3;
    cv::Mat canvas(height, width, colour ? CV_8UC3 : CV_8UC1, cv::Scalar::all(options.invert ? 255 : 0));

    std::vector<int> placed(static_cast<std::size_t>(classes), 0);
    for (std::int64_t i = 0; i < set.count(); ++i) {
        const int label = static_cast<int>(set.labels[static_cast<std::size_t>(i)]);
        if (label < 0 || label >= classes || placed[static_cast<std::size_t>(label)] >= options.perClass)
            continue;
        const int column = placed[static_cast<std::size_t>(label)]++;
        cv::Mat image;
        if (colour) {
            const std::size_t plane = static_cast<std::size_t>(set.rows) * set.cols;
            auto* p = const_cast<std::uint8_t*>(set.image(i));
            const std::vector<cv::Mat> bgr = {cv::Mat(set.rows, set.cols, CV_8UC1, p + 2 * plane),
                                              cv::Mat(set.rows, set.cols, CV_8UC1, p + plane),
                                              cv::Mat(set.rows, set.cols, CV_8UC1, p)};
            cv::merge(bgr, image);
        } else {
            image = cv::Mat(set.rows, set.cols, CV_8UC1, const_cast<std::uint8_t*>(set.image(i)));
        }
        cv::Mat scaled;
        cv::resize(image, scaled, cv::Size(cellW, cell), 0, 0, cv::INTER_NEAREST);
        if (options.invert)
            cv::bitwise_not(scaled, scaled);
        scaled.copyTo(canvas(cv::Rect(labelWidth + column * (cellW + gap), gap + label * (cell + gap), cellW, cell)));
    }
    for (int c = 0; c < classes; ++c) {
        const ClassInfo& info_c = info.classes[static_cast<std::size_t>(c)];
        const std::string text = std::to_string(c) + " " + info_c.label;
        cv::putText(canvas, text, cv::Point(6, gap + c * (cell + gap) + cell / 2 + 6), cv::FONT_HERSHEY_SIMPLEX, 0.55,
                    cv::Scalar::all(options.invert ? 0 : 255), 1, cv::LINE_AA);
    }
    bool written = false;
    try {
        written = cv::imwrite(pngPath, canvas);
    } catch (const cv::Exception& e) {
        throw Error(pngPath + ": cannot write the sample grid: " + e.what());
    }
    if (!written)
        throw Error(pngPath + ": cannot write the sample grid (is the folder there and writable, and the name "
                              "ending in .png?)");
}

}  // namespace kanalab
