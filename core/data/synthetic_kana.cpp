// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/synthetic_kana.h"

#include "common/error.h"
#include "common/random.h"
#include "data/data_dirs.h"
#include "data/glyph_renderer.h"
#include "data/ink_frame.h"

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include <cmath>
#include <memory>

namespace kanalab {
namespace {

std::vector<std::string> existing(const std::vector<std::string>& specs) {
    std::vector<std::string> found;
    for (const auto& spec : specs) {
        const auto hash = spec.rfind('#');
        if (isRegularFile(hash == std::string::npos ? spec : spec.substr(0, hash)))
            found.push_back(spec);
    }
    return found;
}

double uniform(SeededRandom& random, double low, double high) { return low + (high - low) * random.uniform(); }

// Handwriting-like variation of a clean glyph (bright on black, any size): stroke weight,
// slant and rotation, uneven aspect, and a smooth wobble of the strokes.
cv::Mat distort(const cv::Mat& glyph, SeededRandom& random) {
    const int pad = glyph.rows / 4 + 8;
    cv::Mat image;
    cv::copyMakeBorder(glyph, image, pad, pad, pad, pad, cv::BORDER_CONSTANT, cv::Scalar(0));

    const int weight = static_cast<int>(std::lround(uniform(random, -1.0, 4.0)));
    if (weight != 0) {
        const int k = 2 * std::abs(weight) + 1;
        const cv::Mat kernel = cv::getStructuringElement(cv::MORPH_ELLIPSE, cv::Size(k, k));
        if (weight > 0)
            cv::dilate(image, image, kernel);
        else
            cv::erode(image, image, kernel);
    }

    const double angle = uniform(random, -10, 10);
    const double shear = std::tan(uniform(random, -12, 12) * CV_PI / 180.0);
    const double sx = uniform(random, 0.85, 1.15), sy = uniform(random, 0.85, 1.15);
    const cv::Point2f centre(image.cols / 2.0f, image.rows / 2.0f);
    cv::Mat rotation = cv::getRotationMatrix2D(centre, angle, 1.0);
    cv::Mat a = (cv::Mat_<double>(3, 3) << sx, shear, 0, 0, sy, 0, 0, 0, 1);
    cv::Mat r3 = cv::Mat::eye(3, 3, CV_64F);
    rotation.copyTo(r3(cv::Rect(0, 0, 3, 2)));
    const cv::Mat t1 = (cv::Mat_<double>(3, 3) << 1, 0, centre.x, 0, 1, centre.y, 0, 0, 1);
    const cv::Mat t0 = (cv::Mat_<double>(3, 3) << 1, 0, -centre.x, 0, 1, -centre.y, 0, 0, 1);
    const cv::Mat m = r3 * t1 * a * t0;
    cv::warpAffine(image, image, m(cv::Rect(0, 0, 3, 2)), image.size(), cv::INTER_LINEAR, cv::BORDER_CONSTANT);

    // Elastic wobble (Simard et al.): a smooth random displacement of a few pixels.
    const double alpha = uniform(random, 0.0, 0.05) * image.rows;
    if (alpha > 0.5) {
        cv::Mat dx(image.size(), CV_32F), dy(image.size(), CV_32F);
        for (int r = 0; r < image.rows; ++r)
            for (int c = 0; c < image.cols; ++c) {
                dx.at<float>(r, c) = static_cast<float>(random.uniform() * 2 - 1);
                dy.at<float>(r, c) = static_cast<float>(random.uniform() * 2 - 1);
            }
        const double sigma = image.rows / 10.0;
        cv::GaussianBlur(dx, dx, cv::Size(0, 0), sigma);
        cv::GaussianBlur(dy, dy, cv::Size(0, 0), sigma);
        double maxX = 0, maxY = 0;
        cv::minMaxLoc(cv::abs(dx), nullptr, &maxX);
        cv::minMaxLoc(cv::abs(dy), nullptr, &maxY);
        cv::Mat mapX(image.size(), CV_32F), mapY(image.size(), CV_32F);
        for (int r = 0; r < image.rows; ++r)
            for (int c = 0; c < image.cols; ++c) {
                mapX.at<float>(r, c) = static_cast<float>(c + alpha * dx.at<float>(r, c) / std::max(maxX, 1e-6));
                mapY.at<float>(r, c) = static_cast<float>(r + alpha * dy.at<float>(r, c) / std::max(maxY, 1e-6));
            }
        cv::remap(image, image, mapX, mapY, cv::INTER_LINEAR, cv::BORDER_CONSTANT);
    }
    return image;
}

}  // namespace

std::vector<std::string> installedPrintFonts() {
    return existing({
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#0",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc#0",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc#0",
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc#0",
        "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
        "/usr/share/fonts/opentype/ipafont-mincho/ipam.ttf",
        "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
        "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
        "/usr/share/fonts/truetype/vlgothic/VL-Gothic-Regular.ttf",
        "/usr/share/fonts/truetype/takao-gothic/TakaoGothic.ttf",
        "/usr/share/fonts/truetype/horai-umefont/ume-tgo4.ttf",
        "/usr/share/fonts/truetype/horai-umefont/ume-tmo3.ttf",
        "/usr/share/fonts/truetype/horai-umefont/ume-tgc5.ttf",
        "/usr/share/fonts/truetype/motoya-l-cedar/MTLc3m.ttf",
        "/usr/share/fonts/truetype/motoya-l-maruberi/MTLmr3m.ttf",
        "/usr/share/fonts/truetype/komatuna/komatuna.ttf",
        "/usr/share/fonts/opentype/mplus/Mplus1-Regular.otf",
        "/usr/share/fonts/opentype/mplus/Mplus1-Black.otf",
        "/usr/share/fonts/opentype/mplus/Mplus2-Thin.otf",
        "/usr/share/fonts/opentype/mplus/Mplus2-Medium.otf",
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    });
}

std::vector<std::string> installedHandwritingFonts() {
    return existing({
        "/usr/share/fonts/truetype/seto/setofont.ttf",
        "/usr/share/fonts/truetype/klee/KleeOne-Regular.ttf",
        "/usr/share/fonts/truetype/klee/KleeOne-SemiBold.ttf",
        "/usr/share/fonts/truetype/yozvox-yozfont/YOzRA_.ttf",
        "/usr/share/fonts/truetype/yozvox-yozfont/YOzBA_.ttf",
        "/usr/share/fonts/truetype/kiloji/kiloji.ttf",
        "/usr/share/fonts/truetype/kiloji/kiloji_b.ttf",
        "/usr/share/fonts/truetype/aoyagi-soseki/aoyagi-soseki.ttf",
        "/usr/share/fonts/truetype/kouzan-mouhitsu/kouzan-mouhitsu-gyosho.ttf",
        "/usr/share/fonts/truetype/kouzan-mouhitsu/kouzan-mouhitsu.ttf",
    });
}

ImageSet renderSyntheticSet(const DatasetInfo& info, const SyntheticOptions& options) {
    std::vector<std::pair<int, char32_t>> classes;
    for (const auto& c : info.classes)
        if (const char32_t cp = firstCodepoint(c.glyph); cp != 0)
            classes.emplace_back(c.index, cp);
    if (classes.empty())
        throw Error(info.name + " has no glyphs to draw: synthetic forms are made for kana datasets such as kmnist");

    std::vector<std::unique_ptr<GlyphRenderer>> renderers;
    for (const auto& font : options.fonts) {
        try {
            renderers.push_back(std::make_unique<GlyphRenderer>(font));
        } catch (const Error&) {
            // An uninstalled font is skipped; the caller sees how many images came out.
        }
    }
    if (renderers.empty())
        throw Error("none of the " + std::to_string(options.fonts.size()) +
                    " fonts could be opened: install Japanese fonts (e.g. fonts-noto-cjk, fonts-ipafont)");

    // Framed exactly as the canvas frames a drawing, stroke floor included: the model learns from
    // what it will be shown.
    const PreprocessOptions frame = info.traits.canvas;
    ImageSet set;
    set.channels = 1;
    set.rows = info.rows;
    set.cols = info.cols;
    set.source = info.name + " synthetic modern forms";
    SeededRandom random(options.seed);
    for (const auto& renderer : renderers) {
        for (const auto& [label, codepoint] : classes) {
            const int copies = options.distort ? options.perFontPerClass : 1;
            for (int i = 0; i < copies; ++i) {
                const int size = options.distort ? 64 + static_cast<int>(random.below(48)) : 96;
                const GrayImage glyph = renderer->render(codepoint, size);
                if (glyph.empty())
                    break;  // this font lacks the character
                cv::Mat mat(glyph.rows, glyph.cols, CV_8UC1, const_cast<std::uint8_t*>(glyph.pixels.data()));
                cv::Mat shaped = options.distort ? distort(mat, random) : mat.clone();
                GrayImage drawn;
                drawn.rows = shaped.rows;
                drawn.cols = shaped.cols;
                drawn.pixels.assign(shaped.datastart, shaped.dataend);
                const GrayImage framed = prepareForModel(drawn, frame);
                set.pixels.insert(set.pixels.end(), framed.pixels.begin(), framed.pixels.end());
                set.labels.push_back(label);
            }
        }
    }
    return set;
}

}  // namespace kanalab
