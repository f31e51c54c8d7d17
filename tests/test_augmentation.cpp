// SPDX-License-Identifier: GPL-3.0-or-later
// On-the-fly augmentation (what each transform does to real pixels, seeding) and the recipes
// that choose it: every model has a default, the published presets are exact, and the default
// augmentation follows the dataset (handwriting is never mirrored, clothing is never rotated).
#include "common/threads.h"
#include "eval/evaluator.h"
#include "models/classifier.h"
#include "models/model_spec.h"
#include "train/augment.h"
#include "train/augment_preview.h"
#include "train/recipes.h"
#include "train/train_config.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>
#include <string>

using namespace kanalab;

namespace {

const ThreadSettings kOneThread = applyThreadSettings({1, 1});

// Images with no left-right symmetry: a bright bar in the left third and a dot lower right, so
// a mirror, a shift and an untouched image are all told apart.
torch::Tensor asymmetricImages(int count) {
    auto images = torch::zeros({count, 1, 28, 28});
    images.index_put_({torch::indexing::Slice(), 0, torch::indexing::Slice(4, 24), torch::indexing::Slice(3, 8)}, 1.0);
    images.index_put_({torch::indexing::Slice(), 0, torch::indexing::Slice(20, 23), torch::indexing::Slice(20, 23)},
                      0.8);
    return images;
}

bool same(const torch::Tensor& a, const torch::Tensor& b) { return torch::allclose(a, b, 1e-5, 1e-5); }

}  // namespace

TEST(Augmenter, FlipAlwaysMirrorsEveryImageExactly) {
    AugmentConfig config;
    config.flipProbability = 1.0;
    Augmenter augmenter(config, 7);
    const auto images = asymmetricImages(8);
    EXPECT_TRUE(same(augmenter.apply(images), images.flip({3})));
}

TEST(Augmenter, FlipHalfMirrorsSomeAndLeavesTheOthersUntouched) {
    AugmentConfig config;
    config.flipProbability = 0.5;
    Augmenter augmenter(config, 11);
    const auto images = asymmetricImages(64);
    const auto out = augmenter.apply(images);
    int mirrored = 0, untouched = 0;
    for (int i = 0; i < 64; ++i) {
        if (same(out[i], images[i].flip({2})))
            ++mirrored;
        else if (same(out[i], images[i]))
            ++untouched;
    }
    EXPECT_EQ(mirrored + untouched, 64) << "every image is either mirrored or left as it was";
    EXPECT_GT(mirrored, 16);
    EXPECT_GT(untouched, 16);
}

TEST(Augmenter, NothingAskedForChangesNothing) {
    Augmenter augmenter(AugmentConfig{}, 3);
    EXPECT_FALSE(augmenter.active());
    const auto images = asymmetricImages(4);
    EXPECT_TRUE(same(augmenter.apply(images), images));
}

TEST(Augmenter, RotationMovesInkButKeepsMostOfIt) {
    AugmentConfig config;
    config.rotationDegrees = 15;
    Augmenter augmenter(config, 5);
    const auto images = asymmetricImages(16);
    const auto out = augmenter.apply(images);
    EXPECT_FALSE(same(out, images));
    // Bilinear resampling of a shape well inside the frame keeps its total ink within a few %.
    const auto ratio = (out.sum({1, 2, 3}) / images.sum({1, 2, 3}));
    EXPECT_GT(ratio.min().item<double>(), 0.9);
    EXPECT_LT(ratio.max().item<double>(), 1.1);
}

TEST(Augmenter, ErasingBlanksToTheBackgroundOnly) {
    AugmentConfig config;
    config.eraseProbability = 1.0;
    Augmenter augmenter(config, 9);
    const auto images = torch::ones({32, 1, 28, 28});
    const auto out = augmenter.apply(images);
    // Every image lost one rectangle of 2-20 % of its area, set to 0; nothing else changed.
    const auto blanked = (out == 0).sum({1, 2, 3}).to(torch::kDouble) / (28.0 * 28.0);
    EXPECT_GE(blanked.min().item<double>(), 0.015);
    EXPECT_LE(blanked.max().item<double>(), 0.25);
    EXPECT_TRUE(((out == 0) | (out == 1)).all().item<bool>());
}

TEST(Augmenter, SameSeedSameDistortionsAndAFlipDoesNotReshuffleTheOthers) {
    AugmentConfig config = handwritingAugmentation();
    config.eraseProbability = 0.3;
    const auto images = asymmetricImages(16);
    Augmenter a(config, 42), b(config, 42), c(config, 43);
    const auto outA = a.apply(images);
    EXPECT_TRUE(same(outA, b.apply(images)));
    EXPECT_FALSE(same(outA, c.apply(images)));
}

TEST(TestTimeAugmentation, MirrorCopyAveragesTheImageAndItsMirror) {
    ModelSpec spec;
    spec.numClasses = 10;
    torch::manual_seed(1);
    Classifier model = createModel("lenet5", spec);
    model->eval();
    torch::NoGradGuard noGrad;
    const auto images = asymmetricImages(4);
    const auto plain = torch::softmax(model->forward(images), 1);
    const auto mirrored = torch::softmax(model->forward(images.flip({3})), 1);
    ASSERT_FALSE(same(plain, mirrored)) << "the test needs a model that tells the mirror apart";
    EXPECT_TRUE(same(predictProbabilities(model, images, 1, true), (plain + mirrored) / 2));
    EXPECT_FALSE(same(predictProbabilities(model, images, 1, false), (plain + mirrored) / 2));
    EXPECT_TRUE(same(predictProbabilities(model, images, 0, true), plain)) << "no copies: no mirror either";
}

TEST(Recipes, EveryModelHasADefaultRecipeAndEveryRecipeIsValid) {
    for (const auto& info : modelInfos()) {
        const Recipe& recipe = defaultRecipeFor(info.name);
        EXPECT_EQ(recipe.model, info.name);
        EXPECT_FALSE(recipe.published) << info.name << " needs a tuned default, not only a published preset";
    }
    std::set<std::string> names;
    for (const auto& recipe : recipes()) {
        EXPECT_TRUE(names.insert(recipe.name).second) << recipe.name << " appears twice";
        for (const std::string dataset : {"kmnist", "mnist", "fashion-mnist"}) {
            TrainConfig c;
            c.dataset = dataset;
            recipe.apply(c);
            EXPECT_EQ(c.model, recipe.model);
            EXPECT_EQ(c.recipe, recipe.name);
            EXPECT_NO_THROW(validateTrainConfig(c)) << recipe.name << " on " << dataset;
        }
    }
}

TEST(Recipes, PublishedPresetsAreTheStudiesSettings) {
    const auto mlp = configWithRecipe({}, "mlp-published");
    EXPECT_EQ(mlp.optimizer.name, "adagrad");
    EXPECT_DOUBLE_EQ(mlp.optimizer.learningRate, 0.01);
    EXPECT_EQ(mlp.batchSize, 32);
    EXPECT_EQ(mlp.epochs, 20);
    EXPECT_FALSE(mlp.augment.enabled());
    const auto cnn = configWithRecipe({}, "cnn-vgg-published");
    EXPECT_EQ(cnn.optimizer.name, "adam");
    EXPECT_EQ(cnn.batchSize, 32);
    EXPECT_EQ(cnn.epochs, 5);
    const auto sep = configWithRecipe({}, "sep1d-published");
    EXPECT_EQ(sep.optimizer.name, "adadelta");
    EXPECT_EQ(sep.batchSize, 250);
    EXPECT_EQ(sep.earlyStop.mode, "drop");
    const auto lenet = configWithRecipe({}, "lenet5-published");
    EXPECT_EQ(lenet.batchSize, 10);
    EXPECT_EQ(lenet.epochs, 10);
}

TEST(Recipes, DefaultAugmentationFollowsTheDataset) {
    for (const std::string handwriting : {"kmnist", "mnist", "a-folder-of-my-own"}) {
        const auto a = defaultAugmentationFor(handwriting);
        EXPECT_GT(a.rotationDegrees, 0) << handwriting;
        EXPECT_EQ(a.flipProbability, 0) << handwriting << ": a mirrored character is not the same character";
    }
    const auto clothing = defaultAugmentationFor("fashion-mnist");
    EXPECT_EQ(clothing.rotationDegrees, 0);
    EXPECT_EQ(clothing.shearDegrees, 0);
    EXPECT_GT(clothing.flipProbability, 0);
    EXPECT_EQ(clothing.translate, 0.08);

    TrainConfig c;
    c.dataset = "fashion-mnist";
    c.threads = 2;
    c.seed = 7;
    const auto fashion = configWithRecipe(c, "lenet5-default");
    EXPECT_GT(fashion.augment.flipProbability, 0);
    EXPECT_EQ(fashion.augment.rotationDegrees, 0);
    EXPECT_EQ(fashion.threads, 2) << "a recipe keeps the data, seed and thread settings";
    EXPECT_EQ(fashion.seed, 7u);
    c.dataset = "kmnist";
    EXPECT_EQ(configWithRecipe(c, "lenet5-default").augment.flipProbability, 0);
}

TEST(Recipes, DenseNetsDoNotShiftClothing) {
    TrainConfig c;
    for (const std::string recipe : {"mlp-default", "mlp-deep-default"}) {
        c.dataset = "fashion-mnist";
        const auto clothing = configWithRecipe(c, recipe).augment;
        EXPECT_EQ(clothing.flipProbability > 0, recipe == "mlp-default") << recipe << ": as measured, see recipes.cpp";
        EXPECT_EQ(clothing.translate, 0) << recipe << ": a dense net has no notion of a shifted shape";
        EXPECT_EQ(clothing.scaleMin, 1.0) << recipe;
        EXPECT_EQ(clothing.scaleMax, 1.0) << recipe;
        c.dataset = "kmnist";
        const auto handwriting = configWithRecipe(c, recipe).augment;
        EXPECT_EQ(handwriting.flipProbability, 0) << recipe;
        EXPECT_GT(handwriting.translate, 0) << recipe << ": shifts are what lift dense nets on 8,000 images";
    }
}

TEST(Augmenter, MirrorsAloneFlipWithoutResamplingAndMixedWithShiftsStillMirror) {
    // Mirrors alone take the flip path; with a shift they go through the sampling grid. Either
    // way an always-mirrored image must come out as its mirror (the shift here is below a
    // hundredth of a pixel, so the grid's result is the mirror up to rounding).
    const auto images = asymmetricImages(8);
    AugmentConfig alone;
    alone.flipProbability = 1.0;
    AugmentConfig withShift = alone;
    withShift.translate = 1e-4;
    Augmenter a(alone, 3), b(withShift, 3);
    EXPECT_TRUE(torch::equal(a.apply(images), images.flip({3}))) << "a flip moves whole pixels: exact";
    EXPECT_TRUE(torch::allclose(b.apply(images), images.flip({3}), 1e-3, 1e-2));
}

TEST(Recipes, KanalabBestFitsItsTimeBudgetOnTheLargeDataset) {
    TrainConfig c;
    c.dataset = "kmnist";
    const TrainConfig kana = configWithRecipe(c, "kanalab-best-default");
    EXPECT_EQ(kana.epochs, 16);
    EXPECT_EQ(kana.testTimeAugmentation, 0);
    c.dataset = "fashion-mnist";
    const TrainConfig clothing = configWithRecipe(c, "kanalab-best-default");
    EXPECT_EQ(clothing.epochs, 20);
    EXPECT_EQ(clothing.testTimeAugmentation, 4);
}

TEST(Augmenter, ElasticMovesEachPixelByAtMostAlpha) {
    AugmentConfig config;
    config.elasticAlpha = 2.0;
    config.elasticSigma = 4.0;
    Augmenter augmenter(config, 13);
    // One bright pixel in the middle of each image: after the warp its ink's centre of mass lies
    // within alpha pixels of where it was, and most of the ink survives bilinear resampling.
    auto images = torch::zeros({32, 1, 28, 28});
    images.index_put_({torch::indexing::Slice(), 0, torch::indexing::Slice(12, 16), torch::indexing::Slice(12, 16)}, 1.0);
    const auto out = augmenter.apply(images);
    const auto ys = torch::arange(28, torch::kFloat).view({1, 1, 28, 1});
    const auto xs = torch::arange(28, torch::kFloat).view({1, 1, 1, 28});
    const auto mass = out.sum({1, 2, 3});
    const auto cy = (out * ys).sum({1, 2, 3}) / mass, cx = (out * xs).sum({1, 2, 3}) / mass;
    const auto moved = torch::sqrt((cy - 13.5).pow(2) + (cx - 13.5).pow(2));
    EXPECT_LE(moved.max().item<double>(), 2.0 * std::sqrt(2.0) + 0.1);
    EXPECT_GT(moved.max().item<double>(), 0.2) << "the warp moved nothing";
    EXPECT_GT((mass / 16.0).min().item<double>(), 0.5);
}

TEST(Augmenter, ColourJitterFollowsTorchvisionsFormulas) {
    // A colour batch of mid-range pixels so that no factor in [0.5, 1.5] clips.
    torch::manual_seed(3);
    const auto images = torch::rand({16, 3, 8, 8}) * 0.4 + 0.3;
    // Brightness alone: every image is its own scalar multiple, the factors spread over [0.5, 1.5].
    AugmentConfig bright;
    bright.brightness = 0.5;
    Augmenter brightener(bright, 5);
    EXPECT_TRUE(brightener.active());
    const auto b = brightener.apply(images);
    double lowest = 2, highest = 0;
    for (int i = 0; i < 16; ++i) {
        const double f = (b[i].sum() / images[i].sum()).item<double>();
        EXPECT_TRUE(torch::allclose(b[i], images[i] * f, 1e-4, 1e-5)) << "image " << i;
        EXPECT_GE(f, 0.5 - 1e-6);
        EXPECT_LE(f, 1.5 + 1e-6);
        lowest = std::min(lowest, f);
        highest = std::max(highest, f);
    }
    EXPECT_GT(highest - lowest, 0.3) << "the factor is drawn per image";
    // Saturation alone keeps each pixel's luma (ITU-R 601) and only scales the distance from it.
    AugmentConfig saturate;
    saturate.saturation = 0.5;
    Augmenter saturator(saturate, 5);
    const auto s = saturator.apply(images);
    auto luma = [](const torch::Tensor& x) { return x.select(1, 0) * 0.299 + x.select(1, 1) * 0.587 + x.select(1, 2) * 0.114; };
    EXPECT_TRUE(torch::allclose(luma(s), luma(images), 1e-4, 1e-5));
    EXPECT_FALSE(same(s, images));
    // Contrast alone keeps each image's mean gray level.
    AugmentConfig contrast;
    contrast.contrast = 0.5;
    Augmenter contraster(contrast, 5);
    const auto c = contraster.apply(images);
    EXPECT_TRUE(torch::allclose(luma(c).mean({1, 2}), luma(images).mean({1, 2}), 1e-4, 1e-5));
    // Grayscale images take brightness and contrast; saturation has nothing to act on.
    const auto gray = images.narrow(1, 0, 1).contiguous();
    EXPECT_TRUE(same(Augmenter(saturate, 5).apply(gray), gray));
    // The preview makes the same copies from bytes, colour included (planar channels).
    std::vector<std::uint8_t> pixels(3 * 8 * 8);
    for (std::size_t i = 0; i < pixels.size(); ++i)
        pixels[i] = static_cast<std::uint8_t>(80 + (i * 7) % 90);
    const auto copies = augmentPreview(bright, pixels.data(), 8, 8, 4, 9, 3);
    ASSERT_EQ(copies.size(), 4u);
    EXPECT_EQ(copies[0].size(), pixels.size());
    EXPECT_NE(copies[0], copies[1]);
}
