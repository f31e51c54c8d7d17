// SPDX-License-Identifier: GPL-3.0-or-later
// Canvas and image-file preprocessing: synthetic strokes come out cropped, scaled and centred
// the way each dataset's images were made, either polarity works, thin strokes are thickened
// on request, dataset images pass through unchanged, and bad files give clear errors.
#include "common/error.h"
#include "data/dataset_store.h"
#include "predict/preprocess.h"
#include "support/temp_dir.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace kanalab;

namespace {

GrayImage blank(int rows, int cols, std::uint8_t value) {
    GrayImage image;
    image.rows = rows;
    image.cols = cols;
    image.pixels.assign(static_cast<std::size_t>(rows) * cols, value);
    return image;
}

// A filled rectangle of `ink` on `paper`, like a pen stroke on a canvas.
void drawRect(GrayImage& image, int top, int left, int height, int width, std::uint8_t ink) {
    for (int r = top; r < top + height; ++r)
        for (int c = left; c < left + width; ++c)
            image.pixels[static_cast<std::size_t>(r) * image.cols + c] = ink;
}

struct Box {
    int top = 1000, left = 1000, bottom = -1, right = -1;
    int height() const { return bottom - top + 1; }
    int width() const { return right - left + 1; }
};

Box inkBox(const GrayImage& image, int threshold = 30) {
    Box box;
    for (int r = 0; r < image.rows; ++r)
        for (int c = 0; c < image.cols; ++c)
            if (image.at(r, c) > threshold) {
                box.top = std::min(box.top, r);
                box.left = std::min(box.left, c);
                box.bottom = std::max(box.bottom, r);
                box.right = std::max(box.right, c);
            }
    return box;
}

std::pair<double, double> centreOfMass(const GrayImage& image) {
    double sum = 0, rows = 0, cols = 0;
    for (int r = 0; r < image.rows; ++r)
        for (int c = 0; c < image.cols; ++c) {
            const double v = image.at(r, c);
            sum += v;
            rows += v * r;
            cols += v * c;
        }
    return {rows / sum, cols / sum};
}

double inkFraction(const GrayImage& image) {
    int ink = 0;
    for (auto p : image.pixels)
        ink += p > 127;
    return static_cast<double>(ink) / static_cast<double>(image.pixels.size());
}

}  // namespace

TEST(Preprocess, MnistStyleScalesTheLongerSideTo20AndCentresByMass) {
    // A "1": a tall thin stroke far in the top-left corner of a large white canvas.
    GrayImage canvas = blank(400, 400, 255);
    drawRect(canvas, 20, 30, 200, 24, 0);
    const GrayImage out = prepareForModel(canvas, preprocessFor("mnist"));
    ASSERT_EQ(out.rows, 28);
    ASSERT_EQ(out.cols, 28);
    const Box box = inkBox(out);
    EXPECT_NEAR(box.height(), 20, 1);
    EXPECT_NEAR(box.width(), 20.0 * 24 / 200, 1.5);
    const auto [r, c] = centreOfMass(out);
    // Measured on MNIST's test set: the centre of mass sits at 14.0 (pixel index), +-0.3.
    EXPECT_NEAR(r, 14.0, 0.6);
    EXPECT_NEAR(c, 14.0, 0.6);
}

TEST(Preprocess, KmnistStyleFillsTheFrameAndCentresTheBox) {
    GrayImage canvas = blank(400, 400, 255);
    drawRect(canvas, 300, 250, 60, 120, 0);  // wide, low and right
    const GrayImage out = prepareForModel(canvas, preprocessFor("kmnist"));
    const Box box = inkBox(out);
    EXPECT_EQ(box.width(), 28);
    EXPECT_NEAR(box.height(), 14, 1);
    EXPECT_NEAR((box.top + box.bottom) / 2.0, 13.5, 1.0);
}

TEST(Preprocess, DarkInkOnWhiteAndWhiteInkOnBlackGiveTheSameInput) {
    GrayImage paper = blank(200, 200, 255);
    drawRect(paper, 50, 60, 100, 30, 0);
    GrayImage night = blank(200, 200, 0);
    drawRect(night, 50, 60, 100, 30, 255);
    const auto options = preprocessFor("mnist");
    EXPECT_TRUE(hasLightBackground(paper));
    EXPECT_FALSE(hasLightBackground(night));
    EXPECT_EQ(prepareForModel(paper, options).pixels, prepareForModel(night, options).pixels);
}

TEST(Preprocess, ThinStrokesAreThickenedWhenAsked) {
    // A thin ring: a 2 px pen on a big canvas becomes a hairline at 28x28.
    GrayImage canvas = blank(400, 400, 255);
    for (int r = 0; r < 400; ++r)
        for (int c = 0; c < 400; ++c) {
            const double d = std::hypot(r - 200.0, c - 200.0);
            if (d > 148 && d < 152)
                canvas.pixels[static_cast<std::size_t>(r) * 400 + c] = 0;
        }
    PreprocessOptions options = preprocessFor("kmnist");
    options.strokeFraction = 0;
    const double thin = inkFraction(prepareForModel(canvas, options));
    options.strokeFraction = 0.12;
    const double thick = inkFraction(prepareForModel(canvas, options));
    EXPECT_LT(thin, 0.10);
    EXPECT_GT(thick, 2 * thin);
}

TEST(Preprocess, EmptyDrawingGivesABlackInput) {
    const GrayImage out = prepareForModel(blank(100, 100, 255), preprocessFor("kmnist"));
    EXPECT_EQ(inkBox(out).bottom, -1);
    EXPECT_EQ(out.pixels.size(), 28u * 28u);
}

TEST(Preprocess, KmnistTestImagesPassThroughOrComeBackClose) {
    // A dataset image saved as a file and read back reaches the model exactly as in the dataset;
    // the same image on a larger white sheet (a scan, a screenshot) comes back close to it.
    KANALAB_REQUIRE_SHARED("kmnist", "t10k-images-idx3-ubyte.gz");
    const DatasetInfo& info = findDataset("kmnist");
    const ImageSet set = loadSplit(locateDataset(info, {{test::sharedDataDir(), "test"}}, false), Split::Test);
    int close = 0;
    const int samples = 200;
    for (int i = 0; i < samples; ++i) {
        GrayImage image;
        image.rows = image.cols = 28;
        image.pixels.assign(set.image(i * 50), set.image(i * 50) + 784);
        EXPECT_EQ(prepareForModel(image, preprocessFor("kmnist")).pixels, image.pixels);

        // Dark ink on a 112x112 white sheet, 4x larger.
        GrayImage sheet = blank(112, 112, 255);
        for (int r = 0; r < 112; ++r)
            for (int c = 0; c < 112; ++c)
                sheet.pixels[static_cast<std::size_t>(r) * 112 + c] = static_cast<std::uint8_t>(255 - image.at(r / 4, c / 4));
        const GrayImage out = prepareForModel(sheet, preprocessFor("kmnist"));
        double difference = 0;
        for (std::size_t p = 0; p < 784; ++p)
            difference += std::abs(static_cast<int>(out.pixels[p]) - static_cast<int>(image.pixels[p]));
        close += difference / 784.0 < 20.0;
    }
    EXPECT_GE(close, samples * 8 / 10);
}

TEST(Preprocess, ImageFilesAreReadAndBadOnesNamed) {
    test::TempDir dir;
    GrayImage image = blank(40, 30, 255);
    drawRect(image, 5, 5, 30, 8, 0);
    saveGrayImage(image, dir.file("stroke.png"));
    const GrayImage loaded = loadGrayImage(dir.file("stroke.png"));
    EXPECT_EQ(loaded.rows, 40);
    EXPECT_EQ(loaded.cols, 30);
    EXPECT_EQ(loaded.pixels, image.pixels);

    test::writeBytes(dir.file("not-an-image.png"), {1, 2, 3, 4, 5});
    try {
        loadGrayImage(dir.file("not-an-image.png"));
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("not-an-image.png"), std::string::npos) << e.what();
    }
    EXPECT_THROW(loadGrayImage(dir.file("missing.png")), Error);
    EXPECT_THROW(loadGrayImage(dir.path()), Error);
}
