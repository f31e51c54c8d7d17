// SPDX-License-Identifier: GPL-3.0-or-later
// Canvas and image-file preprocessing: synthetic strokes come out cropped, scaled and centred
// the way each dataset's images were made, either polarity works, thin strokes are thickened
// on request, dataset images pass through unchanged, and bad files give clear errors. Photos
// for colour models keep their colour and are never inverted; which way round a gray set
// stores its ink is read from its pixels; a colour model trained on an imported colour folder
// predicts photos, files and gray pictures in colour (the Draw tab's "try an image").
#include "common/error.h"
#include "data/dataset_store.h"
#include "data/import.h"
#include "predict/predictor.h"
#include "predict/preprocess.h"
#include "support/temp_dir.h"
#include "support/test_data.h"
#include "train/trainer.h"

#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <cmath>
#include <filesystem>

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

namespace {

// Planar RGB of one colour with a darker square in the middle (so a fit shows where it went).
DecodedImage colourPicture(int rows, int cols, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
    DecodedImage picture;
    picture.channels = 3;
    picture.rows = rows;
    picture.cols = cols;
    const std::size_t plane = static_cast<std::size_t>(rows) * cols;
    picture.pixels.resize(3 * plane);
    for (int y = 0; y < rows; ++y)
        for (int x = 0; x < cols; ++x) {
            const bool inside = std::abs(y - rows / 2) < rows / 4 && std::abs(x - cols / 2) < cols / 4;
            const std::size_t at = static_cast<std::size_t>(y) * cols + x;
            picture.pixels[at] = inside ? r / 2 : r;
            picture.pixels[plane + at] = inside ? g / 2 : g;
            picture.pixels[2 * plane + at] = inside ? b / 2 : b;
        }
    return picture;
}

ImageSet grayImages(int count, std::uint8_t background, std::uint8_t ink) {
    ImageSet set;
    set.rows = set.cols = 16;
    for (int i = 0; i < count; ++i) {
        GrayImage image = blank(16, 16, background);
        drawRect(image, 3 + i % 4, 4, 9, 3, ink);
        set.pixels.insert(set.pixels.end(), image.pixels.begin(), image.pixels.end());
        set.labels.push_back(0);
    }
    return set;
}

}  // namespace

TEST(Preprocess, PhotosKeepTheirColourAndAreNeverInverted) {
    // A wide white-ish photo with a red square: fitted to 32x32 by padding with its border colour.
    const DecodedImage photo = colourPicture(60, 120, 250, 240, 230);
    const DecodedImage out = preparePhoto(photo, 32, 32, FitMode::Pad);
    ASSERT_EQ(out.channels, 3);
    ASSERT_EQ(out.rows, 32);
    ASSERT_EQ(out.cols, 32);
    // The corners are the photo's own light border, in its colour: not black, not inverted.
    EXPECT_EQ(out.at(0, 0, 0), 250);
    EXPECT_EQ(out.at(1, 0, 0), 240);
    EXPECT_EQ(out.at(2, 0, 0), 230);
    // The darker middle is still darker and still reddish.
    EXPECT_NEAR(out.at(0, 16, 16), 125, 2);
    EXPECT_GT(out.at(0, 16, 16), out.at(2, 16, 16));

    // A centre crop fills the frame: no border colour added, the middle is the photo's middle.
    const DecodedImage cropped = preparePhoto(photo, 32, 32, FitMode::CentreCrop);
    EXPECT_EQ(cropped.rows, 32);
    EXPECT_NEAR(cropped.at(1, 16, 16), 120, 2);

    // A gray picture for a colour model: R = G = B.
    DecodedImage gray;
    gray.rows = gray.cols = 8;
    gray.pixels.assign(64, 77);
    const DecodedImage spread = preparePhoto(gray, 4, 4, FitMode::Pad);
    ASSERT_EQ(spread.channels, 3);
    for (int k = 0; k < 3; ++k)
        EXPECT_EQ(spread.at(k, 2, 2), 77);
    EXPECT_THROW(preparePhoto(DecodedImage{}, 4, 4, FitMode::Pad), Error);
}

TEST(Preprocess, LuminanceWeighsGreenMost) {
    const GrayImage red = toGray(colourPicture(4, 4, 255, 0, 0));
    const GrayImage green = toGray(colourPicture(4, 4, 0, 255, 0));
    const GrayImage blue = toGray(colourPicture(4, 4, 0, 0, 255));
    EXPECT_EQ(red.at(0, 0), 76);     // 0.299 * 255
    EXPECT_EQ(green.at(0, 0), 150);  // 0.587 * 255
    EXPECT_EQ(blue.at(0, 0), 29);    // 0.114 * 255
    EXPECT_EQ(red.rows, 4);
    EXPECT_EQ(red.pixels.size(), 16u);
}

TEST(Preprocess, WhichWayRoundAGraySetStoresItsInkIsReadFromItsPixels) {
    // Scans imported as they were written: dark ink on white paper.
    EXPECT_TRUE(storedOnLightBackground(grayImages(100, 255, 0)));
    // The built-in handwriting sets: bright ink on black.
    EXPECT_FALSE(storedOnLightBackground(grayImages(100, 0, 255)));
    // A few odd scans (a dark one among light ones) do not flip the verdict.
    ImageSet mixed = grayImages(30, 255, 0);
    const ImageSet dark = grayImages(5, 0, 255);
    mixed = appendImages(mixed, dark);
    EXPECT_TRUE(storedOnLightBackground(mixed));
    // Colour sets and empty ones: never shown inverted.
    ImageSet colour;
    colour.channels = 3;
    colour.rows = colour.cols = 2;
    colour.pixels.assign(12, 255);
    colour.labels = {0};
    EXPECT_FALSE(storedOnLightBackground(colour));
    EXPECT_FALSE(storedOnLightBackground(ImageSet{}));
}

// "Try an image" end to end in the core: a colour model (trained here on an imported folder of
// reddish and bluish images) is given photos of another size, files and gray pictures.
TEST(Preprocess, AColourModelPredictsPhotosInColour) {
    test::TempDir dir;
    const std::string input = dir.file("red-or-blue");
    for (int c = 0; c < 2; ++c)
        for (int i = 0; i < 30; ++i) {
            cv::Mat image(12, 12, CV_8UC3);
            cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(50));
            image += c == 0 ? cv::Scalar(20, 30, 200) : cv::Scalar(200, 30, 20);  // BGR: red, blue
            const std::string folder = input + (c == 0 ? "/red" : "/blue");
            std::filesystem::create_directories(folder);
            ASSERT_TRUE(cv::imwrite(folder + "/" + std::to_string(i) + ".png", image));
        }
    ImportOptions options;
    options.threads = 1;
    const ImportResult imported = importDataset(input, dir.file("data"), options);
    ASSERT_EQ(imported.dataset->channels, 3);

    TrainConfig config;
    config.dataset = imported.dataset->name;
    config.dataDir = dir.file("data");
    config.model = "mlp";
    config.epochs = 4;
    config.batchSize = 8;
    config.validationFraction = 0;
    config.seed = 5;
    config.threads = 1;
    config.blasThreads = 1;
    config.runDir = dir.file("run");
    TrainControl control;
    const TrainOutcome outcome = runTraining(config, {}, control);
    ASSERT_EQ(outcome.status, TrainStatus::Completed) << outcome.message;

    Predictor predictor(config.runDir);
    EXPECT_EQ(predictor.inputChannels(), 3);
    ASSERT_EQ(predictor.classes().size(), 2u);
    const int red = predictor.classes()[0].label == "red" ? 0 : 1;

    // A 90x160 photo, reddish: fitted to the model's 12x12, in colour, and read as red.
    const PredictionResult photo = predictor.predictImage(colourPicture(90, 160, 210, 40, 30));
    ASSERT_EQ(photo.colourInput.channels, 3);
    EXPECT_EQ(photo.colourInput.rows, 12);
    EXPECT_EQ(photo.colourInput.cols, 12);
    EXPECT_GT(photo.colourInput.at(0, 0, 0), photo.colourInput.at(2, 0, 0)) << "red stays red";
    EXPECT_EQ(photo.modelInput.rows, 12) << "the gray view of the input, for code that shows gray";
    EXPECT_EQ(photo.ranked.front().index, red);
    const PredictionResult bluish = predictor.predictImage(colourPicture(40, 40, 30, 40, 210));
    EXPECT_EQ(bluish.ranked.front().index, 1 - red);

    // A file: read in colour by the import's decoder, the same answer as the decoded picture.
    cv::Mat file(50, 70, CV_8UC3, cv::Scalar(220, 40, 30));  // BGR: blue
    ASSERT_TRUE(cv::imwrite(dir.file("photo.png"), file));
    const PredictionResult fromFile = predictor.predictFile(dir.file("photo.png"));
    const PredictionResult decoded = predictor.predictImage(loadImageFile(dir.file("photo.png"), 3));
    EXPECT_EQ(fromFile.probabilities, decoded.probabilities);
    EXPECT_EQ(fromFile.ranked.front().index, 1 - red);
    test::writeBytes(dir.file("broken.png"), {0x89, 'P', 'N', 'G', 1, 2, 3});
    EXPECT_THROW(predictor.predictFile(dir.file("broken.png")), Error);

    // A gray picture and a gray prepared input both reach a colour model as R = G = B.
    DecodedImage gray;
    gray.rows = gray.cols = 12;
    gray.pixels.assign(144, 128);
    EXPECT_EQ(predictor.predictImage(gray).probabilities.size(), 2u);
    EXPECT_EQ(predictor.predictPrepared(toGray(gray)).probabilities,
              predictor.predictPrepared(preparePhoto(gray, 12, 12, FitMode::Pad)).probabilities);
    // Feature maps take the colour input too (the mlp has none: a clear error, not a crash).
    EXPECT_THROW(predictor.featureMap(photo.colourInput, "fc1"), Error);
}
