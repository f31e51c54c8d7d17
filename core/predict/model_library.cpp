// SPDX-License-Identifier: GPL-3.0-or-later
#include "predict/model_library.h"

#include "common/error.h"
#include "data/byte_stream.h"
#include "data/data_dirs.h"
#include "run/run_directory.h"
#include "train/checkpoint.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <unistd.h>

namespace kanalab {
namespace {

std::string executableFolder() {
    std::error_code error;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", error);
    return error ? std::string() : exe.parent_path().string();
}

}  // namespace

std::vector<std::string> shippedModelFolders() {
    std::vector<std::string> folders;
    if (const char* fromEnv = std::getenv("KANALAB_MODELS_DIR"); fromEnv && *fromEnv)
        folders.push_back(fromEnv);
    const std::string exe = executableFolder();
    if (!exe.empty())
        folders.push_back(joinPath(exe, "../share/kanalab/models"));
#ifdef KANALAB_SOURCE_MODELS_DIR
    folders.push_back(KANALAB_SOURCE_MODELS_DIR);
#endif
    return folders;
}

std::vector<AvailableModel> availableModels(const std::string& runsFolder) {
    std::vector<AvailableModel> models;
    std::vector<std::string> seen;
    for (const auto& folder : shippedModelFolders()) {
        std::error_code error;
        std::vector<std::filesystem::path> files;
        for (const auto& entry : std::filesystem::directory_iterator(folder, error))
            if (entry.path().extension() == ".pt")
                files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            const std::string name = file.stem().string();
            if (std::find(seen.begin(), seen.end(), name) != seen.end())
                continue;  // an earlier folder overrides a later one
            try {
                const CheckpointMeta meta = readCheckpointMeta(file.string());
                AvailableModel model;
                model.path = file.string();
                model.name = name;
                model.dataset = meta.dataset;
                model.architecture = meta.architecture;
                model.shipped = true;
                auto card = file;
                card.replace_extension(".md");
                if (isRegularFile(card.string())) {
                    const auto bytes = readWholeFile(card.string());
                    model.card.assign(bytes.begin(), bytes.end());
                }
                models.push_back(model);
                seen.push_back(name);
            } catch (const Error&) {
            }
        }
    }
    for (const auto& run : listRuns(runsFolder)) {
        if (!run.hasBestCheckpoint)
            continue;
        AvailableModel model;
        model.path = joinPath(run.path, "checkpoints/best.pt");
        model.name = run.name;
        model.dataset = run.config.dataset;
        model.architecture = run.config.model;
        models.push_back(model);
    }
    return models;
}

}  // namespace kanalab
