// SPDX-License-Identifier: GPL-3.0-or-later
// kanalab-cli: the headless face of KanaLab. Every error ends as one sentence on stderr and
// exit code 1 (2 for bad usage); nothing escapes as a signal or an uncaught exception.
#include "cli/arguments.h"
#include "cli/commands.h"

#include <cstdio>
#include <exception>
#include <iostream>

namespace kanalab::cli {

const std::vector<CommandInfo>& allCommands() {
    static const std::vector<CommandInfo> commands = {
        {"datasets", "datasets [--data-dir DIR]", runDatasets},
        {"download",
         "download DATASET [--split train|test|all] [--data-dir DIR] [--mirror URL] [--min-class-images N] "
         "[--threads T]",
         runDownload},
        {"import",
         "import PATH [--name NAME] [--format auto|folder|list|npz|cifar10] [--size S|ROWSxCOLS] [--channels 1|3] "
         "[--crop] [--kind handwriting|photo] [--test-fraction F] [--seed S] [--min-class-images N] [--threads T] "
         "[--force] [--data-dir DIR]",
         runImport},
        {"inspect", "inspect DATASET [--split train|test] [--data-dir DIR] [--grid FILE.png]", runInspect},
        {"models", "models [NAME] [--option name=value,...] [--channels C] [--size S] [--classes K]", runModels},
        {"train",
         "train --dataset D --model M [--recipe R] [--epochs N] [--batch-size B] [--optimizer O] [--lr X] "
         "[--loss L] [--schedule S] [--val-split F] [--split-protocol official|test-80-20] [--augment SPEC] "
         "[--early-stop SPEC] [--seed S] [--threads T] [--device cpu|cuda] [--data-dir DIR] [--out RUN_DIR] "
         "[--resume RUN_DIR] [--synthetic print|handwriting|all[:N]] [--option name=value,...] [--weight-decay X] "
         "[--momentum X] [--nesterov] [--label-smoothing X] [--ema DECAY] [--clip NORM] [--tta N] [--blas-threads T] "
         "[--save-every-epoch] [--log-every BATCHES] [--class-weights none|balanced] [--sampler shuffle|balanced] "
         "[--feature-maps-at E1,E2,... [--feature-map-image INDEX]]",
         runTrain},
        {"recipes", "recipes [MODEL]", runRecipes},
        {"eval", "eval RUN_DIR [--split test|validation] [--checkpoint FILE] [--tta N] [--data-dir DIR]", runEval},
        {"predict", "predict RUN_DIR|MODEL.pt IMAGE... [--top K] [--save-input DIR]", runPredict},
        {"synth", "synth DATASET [--fonts print|handwriting|all] [--per-font N] [--grid FILE.png]", runSynth},
        {"modern", "modern RUN_DIR|MODEL.pt [--fonts handwriting|print|all] [--copies N]", runModern},
    };
    return commands;
}

namespace {

void printSpecSyntax(std::FILE* out);

void printUsage(std::FILE* out) {
    std::fprintf(out, "usage: kanalab-cli COMMAND [OPTIONS]\n\ncommands:\n");
    for (const auto& command : allCommands())
        std::fprintf(out, "  kanalab-cli %s\n", command.synopsis);
    std::fprintf(out, "\nData folders are searched in this order: --data-dir, $KANALAB_DATA_DIR, "
                      "~/.local/share/KanaLab, system folders.\n");
    std::fprintf(out, "download --mirror URL fetches URL/DATASET/FILE instead of the official sites.\n");
    std::fprintf(out, "download kkanji converts kkanji.tar into the dataset kkanji (seeded 80/20 split per class); "
                      "--min-class-images N also makes kkanji-minN, the classes with at least N images.\n");
    std::fprintf(out, "import PATH: class folders (or a .tar of them), train/val/test folders, list files, .npz pairs "
                      "(PREFIX-train-imgs.npz ...) or CIFAR-10 batches; --min-class-images N keeps the classes with at "
                      "least N images (the name gets -minN).\n");
    std::fprintf(out, "kanalab-cli COMMAND --help shows one command.\n");
    printSpecSyntax(out);
}

void printSpecSyntax(std::FILE* out) {
    std::fprintf(out, "train specs: --augment none|default|rotate=10,translate=0.1,scale=0.9-1.1,shear=8,elastic=2:4,"
                      "erase=0.3,flip=0.5,mixup=0.2,brightness=0.2,contrast=0.2,saturation=0.2 (default: the dataset's own); --early-stop none|patience=5[,min-delta=X][,monitor=val-loss|val-balanced-accuracy]"
                      "[,min-epochs=N][,restore=no]|drop[,min-epochs=10]; --schedule constant|step[,every=N,gamma=X]|"
                      "cosine[,min=X]|one-cycle[,peak=X], each with [,warmup=EPOCHS].\n");
}

}  // namespace
}  // namespace kanalab::cli

int main(int argc, char** argv) {
    using namespace kanalab::cli;
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
        printUsage(args.empty() ? stderr : stdout);
        return args.empty() ? 2 : 0;
    }
    const std::string name = args[0];
    args.erase(args.begin());
    try {
        for (const auto& command : allCommands()) {
            if (name != command.name)
                continue;
            // `kanalab-cli train --help`: the command's synopsis (and the spec syntax), exit 0.
            for (const auto& arg : args)
                if (arg == "--help" || arg == "-h") {
                    std::printf("usage: kanalab-cli %s\n", command.synopsis);
                    if (name == "train")
                        printSpecSyntax(stdout);
                    return 0;
                }
            return command.run(args);
        }
        throw UsageError("unknown command '" + name + "'; run kanalab-cli --help for the list");
    } catch (const UsageError& e) {
        std::cerr << "kanalab-cli: " << e.what() << "\n";
        return 2;
    } catch (const std::bad_alloc&) {
        std::cerr << "kanalab-cli: out of memory; try a smaller batch size or close other programs\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "kanalab-cli: " << e.what() << "\n";
        return 1;
    }
}
