// SPDX-License-Identifier: GPL-3.0-or-later
#include "train/feature_maps.h"

#include "common/atomic_file.h"
#include "common/error.h"

#include <torch/torch.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>

namespace kanalab {
namespace {

// One map [H, W] scaled to 0..255 by its own minimum and maximum (a flat map is mid-gray).
cv::Mat scaledMap(const at::Tensor& map) {
    const at::Tensor m = map.to(at::kCPU).contiguous().to(at::kFloat);
    const float low = m.min().item<float>(), high = m.max().item<float>();
    cv::Mat out(static_cast<int>(m.size(0)), static_cast<int>(m.size(1)), CV_8UC1);
    const float* values = m.data_ptr<float>();
    const float range = high - low;
    for (int i = 0; i < out.rows * out.cols; ++i)
        out.data[i] = range > 1e-12f ? static_cast<std::uint8_t>(std::lround(255.0f * (values[i] - low) / range)) : 128;
    return out;
}

// The channels of [C, H, W] side by side in a near-square grid, each cell enlarged so small
// maps (4x4) stay visible, with a 1-pixel gap.
cv::Mat tiled(const at::Tensor& maps) {
    const int channels = static_cast<int>(maps.size(0));
    const int columns = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(channels))));
    const int rows = (channels + columns - 1) / columns;
    const int h = static_cast<int>(maps.size(1)), w = static_cast<int>(maps.size(2));
    const int zoom = std::max(1, 48 / std::max(h, w));
    const int cellH = h * zoom, cellW = w * zoom;
    cv::Mat grid(rows * (cellH + 1) + 1, columns * (cellW + 1) + 1, CV_8UC1, cv::Scalar(40));
    for (int c = 0; c < channels; ++c) {
        cv::Mat cell;
        cv::resize(scaledMap(maps[c]), cell, cv::Size(cellW, cellH), 0, 0, cv::INTER_NEAREST);
        const int r = c / columns, col = c % columns;
        cell.copyTo(grid(cv::Rect(1 + col * (cellW + 1), 1 + r * (cellH + 1), cellW, cellH)));
    }
    return grid;
}

std::string writePng(const std::string& folder, const std::string& name, const cv::Mat& image) {
    std::vector<std::uint8_t> bytes;
    if (!cv::imencode(".png", image, bytes))
        throw Error("could not encode the feature map " + name + " as PNG");
    const std::string path = folder + "/" + name + ".png";
    writeFileAtomically(path, std::string(bytes.begin(), bytes.end()));
    return path;
}

}  // namespace

std::vector<std::string> writeFeatureMaps(Classifier& model, const at::Tensor& input, const std::string& folder) {
    makeDirectories(folder);
    std::vector<std::string> written;
    const bool wasTraining = model->is_training();
    model->eval();
    {
        torch::NoGradGuard noGrad;
        const at::Tensor image = input[0];
        if (image.size(0) == 3) {
            // Colour: each channel scaled alike, shown as the picture (BGR for OpenCV).
            cv::Mat planes[3];
            for (int c = 0; c < 3; ++c)
                planes[2 - c] = scaledMap(image[c]);
            cv::Mat colour;
            cv::merge(planes, 3, colour);
            written.push_back(writePng(folder, "input", colour));
        } else {
            written.push_back(writePng(folder, "input", tiled(image)));
        }
        model->forwardObserved(input, [&](const std::string& name, const torch::Tensor& output) {
            if (output.dim() == 4 && output.size(2) > 1 && output.size(3) > 1)
                written.push_back(writePng(folder, name, tiled(output[0])));
        });
    }
    if (wasTraining)
        model->train();
    return written;
}

}  // namespace kanalab
