// SPDX-License-Identifier: GPL-3.0-or-later
#include "eval/run_evaluation.h"

#include "common/error.h"
#include "data/batch_source.h"
#include "data/splits.h"
#include "eval/evaluator.h"
#include "predict/predictor.h"
#include "run/run_directory.h"
#include "train/checkpoint.h"
#include "train/trainer.h"

#include <torch/torch.h>

namespace kanalab {

RunEvaluation evaluateRun(const std::string& runDir, const RunEvaluationOptions& options) {
    if (options.split != "test" && options.split != "validation")
        throw Error("a run is evaluated on its test or validation split, not '" + options.split + "'");
    const TrainConfig config = readRunConfig(runDir);
    const std::string checkpoint =
        options.checkpoint.empty() ? Predictor::resolveCheckpoint(runDir) : options.checkpoint;
    CheckpointMeta meta;
    Classifier model = loadModelFromCheckpoint(checkpoint, &meta);

    const std::string dataDir = options.dataDir.empty() ? config.dataDir : options.dataDir;
    const DatasetInfo& info = findDataset(config.dataset, dataRoots(dataDir));
    DataPlanOptions planOptions;
    planOptions.protocol = config.protocol;
    planOptions.validationFraction = config.validationFraction;
    planOptions.seed = config.seed;
    const DataPlan plan = planData(locateDataset(info, dataRoots(dataDir), false), planOptions);

    const bool test = options.split == "test";
    const auto& indices = test ? plan.testIndices : plan.validationIndices;
    if (indices.empty())
        throw Error(runDir + " has no " + options.split + " images (" +
                    (test ? "the dataset's test split is missing" : "it was trained with no validation split") + ")");

    EvaluationOptions evaluation;
    evaluation.normalization = Normalization(meta.normalizationMean, meta.normalizationStd);
    evaluation.loss = config.loss;
    evaluation.ttaCopies = options.ttaCopies >= 0 ? options.ttaCopies : config.testTimeAugmentation;
    evaluation.ttaMirror = mirrorsAtTestTime(config.augment);
    evaluation.cancel = options.cancel;
    RunEvaluation result;
    result.images = test ? plan.testFile : plan.trainFile;
    result.report = evaluateModel(model, *result.images, indices, evaluation);
    result.report.split = options.split;
    result.dataset = &info;
    result.checkpoint = checkpoint;
    if (options.writeFiles) {
        RunDirectory run(runDir);
        run.writeEvaluation(result.report, info.classes);
    }
    return result;
}

}  // namespace kanalab
