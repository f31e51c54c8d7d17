// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <vector>

namespace kanalab {

// A trained model a user can pick for prediction: a shipped one (models/*.pt with its card) or a
// run's best checkpoint.
struct AvailableModel {
    std::string path;         // the .pt file
    std::string name;         // "kmnist-kanalab-best" or the run folder's name
    std::string dataset;      // from the checkpoint
    std::string architecture;
    std::string card;         // the model card beside a shipped model (.md), empty otherwise
    bool shipped = false;
};

// Folders searched for shipped models, in order: $KANALAB_MODELS_DIR, <exe>/../share/kanalab/models,
// and the source tree's models/ (for a build that was not installed).
std::vector<std::string> shippedModelFolders();

// Shipped models first (by name), then each run's best checkpoint, newest run first. Files that
// cannot be read are skipped, so a damaged file never hides the others.
std::vector<AvailableModel> availableModels(const std::string& runsFolder);

}  // namespace kanalab
