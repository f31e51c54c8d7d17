// SPDX-License-Identifier: GPL-3.0-or-later
// Canvas-to-result latency of live prediction: a 400x400 drawing (as the Draw view's canvas
// holds it) through preprocessing (crop, scale, centre, stroke floor) and the forward pass, as
// the Draw view's prediction thread runs it. Reports p50 and p99 over many drawings.
//
//   canvas_latency [--models cnn-vgg,kanalab-best] [--runs 1000] [--threads 1]
// Prints: case=latency-cnn-vgg p50_ms=... p99_ms=... mean_ms=... threads=...
// Weights do not change the time, so each architecture is timed with fresh weights saved as a
// checkpoint and loaded by the same Predictor the app uses.

#include "common/threads.h"
#include "data/catalogue.h"
#include "models/classifier.h"
#include "predict/predictor.h"
#include "predict/preprocess.h"
#include "train/checkpoint.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

using namespace kanalab;

namespace {

// A random scribble of 1-3 thick strokes, dark on white, like a character on the canvas.
GrayImage scribble(std::mt19937& random) {
    GrayImage image;
    image.rows = image.cols = 400;
    image.pixels.assign(400 * 400, 255);
    std::uniform_real_distribution<double> position(60, 340), step(-12, 12);
    const int strokes = 1 + static_cast<int>(random() % 3);
    for (int s = 0; s < strokes; ++s) {
        double x = position(random), y = position(random);
        for (int i = 0; i < 40; ++i) {
            x = std::clamp(x + step(random), 20.0, 380.0);
            y = std::clamp(y + step(random), 20.0, 380.0);
            for (int dy = -9; dy <= 9; ++dy)
                for (int dx = -9; dx <= 9; ++dx)
                    if (dx * dx + dy * dy <= 81)
                        image.pixels[static_cast<std::size_t>(y + dy) * 400 + static_cast<std::size_t>(x + dx)] = 20;
        }
    }
    return image;
}

std::vector<std::string> split(const std::string& text) {
    std::vector<std::string> parts;
    std::stringstream stream(text);
    std::string part;
    while (std::getline(stream, part, ','))
        parts.push_back(part);
    return parts;
}

}  // namespace

int main(int argc, char** argv) {
    std::string models = "cnn-vgg,kanalab-best";
    int runs = 1000;
    int threads = 1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--models"))
            models = argv[i + 1];
        else if (!std::strcmp(argv[i], "--runs"))
            runs = std::atoi(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--threads"))
            threads = std::atoi(argv[i + 1]);
    }
    // One image at a time: a single thread avoids OpenMP's hand-offs, which cost more than they
    // save on tensors this small (measured: 1 thread gives the lower p99 on 2 cores).
    applyThreadSettings({threads, 1});
    const DatasetInfo& kmnist = findDataset("kmnist");
    for (const auto& name : split(models)) {
        torch::manual_seed(1);
        Classifier model = createModel(name, ModelSpec{});
        CheckpointMeta meta;
        meta.architecture = name;
        meta.spec = model->spec();
        meta.dataset = kmnist.name;
        meta.classes = kmnist.classes;
        meta.normalizationMean = {0.19f};
        meta.normalizationStd = {0.35f};
        const std::string path = "/tmp/kanalab-latency-" + name + ".pt";
        saveCheckpoint(path, {&model, nullptr, nullptr, nullptr}, meta);
        Predictor predictor(path);

        std::mt19937 random(7);
        std::vector<GrayImage> drawings;
        for (int i = 0; i < 50; ++i)
            drawings.push_back(scribble(random));
        for (int i = 0; i < 50; ++i)  // warm-up: allocator, oneDNN kernels
            predictor.predictDrawing(drawings[static_cast<std::size_t>(i) % drawings.size()]);
        std::vector<double> ms;
        for (int i = 0; i < runs; ++i) {
            const auto start = std::chrono::steady_clock::now();
            predictor.predictDrawing(drawings[static_cast<std::size_t>(i) % drawings.size()]);
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        }
        std::sort(ms.begin(), ms.end());
        double mean = 0;
        for (double v : ms)
            mean += v / static_cast<double>(ms.size());
        std::printf("case=latency-%s p50_ms=%.2f p99_ms=%.2f mean_ms=%.2f runs=%d threads=%d\n", name.c_str(),
                    ms[ms.size() / 2], ms[ms.size() * 99 / 100], mean, runs, threads);
        std::remove(path.c_str());
    }
    return 0;
}
