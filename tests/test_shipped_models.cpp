// SPDX-License-Identifier: GPL-3.0-or-later
// The trained models shipped in models/ load, say what they were trained on, and still score what
// their model cards claim on the images they never saw (the last 20 % per class of the official
// test file, protocol test-80-20), through the same Predictor the Draw tab and `predict` use.
#include "data/dataset_store.h"
#include "data/splits.h"
#include "predict/model_library.h"
#include "predict/predictor.h"
#include "train/checkpoint.h"
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

using namespace kanalab;

namespace {

std::string sourceModelsDir() { return test::testSourceDir() + "/../models"; }

std::string readFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// "| accuracy | **99.25 %** on the 2,000 held-out images" -> 99.25
double cardAccuracy(const std::string& card) {
    std::smatch match;
    if (!std::regex_search(card, match, std::regex(R"(\| accuracy \| \*\*([0-9.]+) %\*\*)")))
        return -1;
    return std::stod(match[1]);
}

class ShippedModel : public ::testing::TestWithParam<const char*> {};

TEST_P(ShippedModel, LoadsAndScoresWhatItsCardSays) {
    const std::string dataset = GetParam();
    const std::string path = sourceModelsDir() + "/" + dataset + "-kanalab-best.pt";
    ASSERT_TRUE(std::ifstream(path).good()) << path << " is missing: the repository ships it (scripts/train-shipped-models.sh)";
    const std::string card = readFile(sourceModelsDir() + "/" + dataset + "-kanalab-best.md");
    const double claimed = cardAccuracy(card);
    ASSERT_GT(claimed, 90.0) << "the model card beside " << path << " states no accuracy";
    EXPECT_NE(card.find("test-80-20"), std::string::npos) << "the card names the protocol it was measured on";

    // The shipped weights are checkpoint format 1 (one normalisation mean and deviation): they
    // must keep loading and scoring exactly as before format 2 (per channel) came.
    const CheckpointMeta meta = readCheckpointMeta(path);
    EXPECT_EQ(meta.formatVersion, 1);
    ASSERT_EQ(meta.normalizationMean.size(), 1u);
    ASSERT_EQ(meta.normalizationStd.size(), 1u);
    EXPECT_GT(meta.normalizationStd[0], 0.1f);

    Predictor predictor(path);
    EXPECT_EQ(predictor.dataset(), dataset);
    EXPECT_EQ(predictor.architecture(), "kanalab-best");
    ASSERT_EQ(predictor.classes().size(), 10u);

    KANALAB_REQUIRE_SHARED(dataset, "t10k-images-idx3-ubyte.gz");
    const ImageSet set =
        loadSplit(locateDataset(findDataset(dataset), {{test::sharedDataDir(), "test"}}, false), Split::Test);
    const IndexSplit split = perClassHeadTail(set.labels, 10, 0.8);
    ASSERT_EQ(split.second.size(), 2000u);
    int correct = 0;
    for (const std::int64_t i : split.second) {
        GrayImage image;
        image.rows = image.cols = 28;
        image.pixels.assign(set.image(i), set.image(i) + 784);
        correct += predictor.predictPrepared(image).ranked.front().index == set.labels[static_cast<std::size_t>(i)];
    }
    const double accuracy = 100.0 * correct / static_cast<double>(split.second.size());
    // At least the card's figure. One image (0.05 %) of slack: a CPU without AVX-512 takes
    // LibTorch's direct convolutions instead of the Winograd ones the card was measured with,
    // and float rounding may tip one borderline image either way.
    EXPECT_GE(accuracy, claimed - 0.05 - 1e-9) << dataset << ": " << correct << " of 2000 held-out images right, card says "
                                       << claimed << " %";
    std::cout << dataset << "-kanalab-best: " << accuracy << " % on the held-out 2000 (card: " << claimed << " %)\n";
}

INSTANTIATE_TEST_SUITE_P(Models, ShippedModel, ::testing::Values("kmnist", "mnist"));

TEST(ShippedModels, AreListedWithTheirCardsBeforeAnyRun) {
    const auto models = availableModels("/nonexistent-runs-folder");
    int shipped = 0;
    for (const auto& model : models) {
        if (!model.shipped)
            continue;
        ++shipped;
        EXPECT_FALSE(model.card.empty()) << model.path << " has no card";
        EXPECT_EQ(model.architecture, "kanalab-best");
    }
    EXPECT_GE(shipped, 2);
}

}  // namespace
