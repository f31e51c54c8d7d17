// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "train/train_config.h"

#include <string>
#include <vector>

namespace kanalab {

// A named set of training settings for one model. Every model has a default recipe, used when
// the user changes nothing; "published" recipes reproduce a study's settings exactly.
struct Recipe {
    std::string name;         // "lenet5-default", "cnn-vgg-published"
    std::string model;
    std::string description;  // one line: what it is and what it scored where
    bool published = false;
    // Applies the recipe's model, optimisation and augmentation settings; data, seed, threads,
    // device and output settings of `config` are kept.
    void (*apply)(TrainConfig& config);
};

const std::vector<Recipe>& recipes();
const Recipe& findRecipe(const std::string& name);  // throws kanalab::Error listing the names
const Recipe& defaultRecipeFor(const std::string& model);
std::vector<const Recipe*> recipesFor(const std::string& model);

// Mild geometric augmentation that suits handwriting (small rotations, shifts, scale, shear).
AugmentConfig handwritingAugmentation();
// For pictures of things such as clothing: mirrors, shifts, a little zoom and random erasing,
// no rotation or shear (Fashion-MNIST's articles are all upright).
AugmentConfig objectAugmentation();
// The one of the two that suits the dataset (handwriting for unknown names): what the default
// recipes and the CLI's --augment default use.
AugmentConfig defaultAugmentationFor(const std::string& dataset);

// `base` with the named recipe applied.
TrainConfig configWithRecipe(TrainConfig base, const std::string& recipeName);

}  // namespace kanalab
