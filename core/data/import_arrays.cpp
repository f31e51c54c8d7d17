// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/import_arrays.h"

#include "common/error.h"
#include "data/byte_stream.h"
#include "data/cifar_reader.h"
#include "data/dataset_store.h"
#include "data/import_cache.h"
#include "data/splits.h"
#include "data/tar_reader.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <limits>
#include <map>

namespace kanalab {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr const char* kImagesSuffix = "-imgs.npz";
constexpr const char* kLabelsSuffix = "-labels.npz";

bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() > suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool isCifarFolder(const std::string& folder) {
    return isRegularFile(joinPath(folder, "data_batch_1.bin")) || isRegularFile(joinPath(folder, "test_batch.bin"));
}

// Stops reading an archive after its first entry.
struct FirstEntry {
    std::string path;
};

// The official archive starts with its cifar-10-batches-bin/ folder; only that entry is read.
bool isCifarArchive(const std::string& path) {
    try {
        const auto stream = openArchiveStream(path);
        forEachTarEntry(*stream, [](const TarEntry& entry, TarContents&) { throw FirstEntry{entry.path}; });
    } catch (const FirstEntry& first) {
        return first.path.rfind(kCifar10Folder, 0) == 0;
    } catch (const Error&) {
    }
    return false;
}

// One image/label pair of .npz files: PREFIX[-SPLIT]-imgs.npz with PREFIX[-SPLIT]-labels.npz.
struct NpzPair {
    std::string images;
    std::string labels;
    std::string prefix;  // "kmnist"
    bool pool = false;   // no split word: one pool, split here
    Split split = Split::Train;
};

// "kmnist-test-imgs.npz" -> prefix "kmnist", split test; false for a name that is no images file.
bool parseImagesName(const std::string& fileName, NpzPair& pair) {
    if (!endsWith(fileName, kImagesSuffix))
        return false;
    std::string stem = fileName.substr(0, fileName.size() - std::string(kImagesSuffix).size());
    pair.pool = true;
    for (const auto& [word, split] : std::vector<std::pair<std::string, Split>>{{"-train", Split::Train},
                                                                                {"-val", Split::Validation},
                                                                                {"-validation", Split::Validation},
                                                                                {"-test", Split::Test}})
        if (endsWith(stem, word)) {
            stem.erase(stem.size() - word.size());
            pair.pool = false;
            pair.split = split;
            break;
        }
    pair.prefix = stem;
    return !stem.empty();
}

// The pairs at path (a .npz file: it and the pairs of the same prefix beside it; a folder: all of
// them, which must share one prefix).
std::vector<NpzPair> findNpzPairs(const std::string& path) {
    const bool folder = isDirectory(path);
    const std::string dir = folder ? path : fs::path(path).parent_path().string();
    std::string prefix;
    if (!folder) {
        NpzPair given;
        std::string name = fs::path(path).filename().string();
        if (endsWith(name, kLabelsSuffix))
            name = name.substr(0, name.size() - std::string(kLabelsSuffix).size()) + kImagesSuffix;
        if (!parseImagesName(name, given))
            throw Error(path +
                        ": not named like an .npz image/label pair (PREFIX-train-imgs.npz with "
                        "PREFIX-train-labels.npz, or PREFIX-imgs.npz with PREFIX-labels.npz)");
        prefix = given.prefix;
    }
    std::vector<NpzPair> pairs;
    std::vector<std::string> prefixes;
    std::error_code ec;
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir, ec))
        if (entry.is_regular_file(ec))
            names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    for (const auto& name : names) {
        NpzPair pair;
        if (!parseImagesName(name, pair) || (!prefix.empty() && pair.prefix != prefix))
            continue;
        pair.images = joinPath(dir, name);
        pair.labels = joinPath(dir, name.substr(0, name.size() - std::string(kImagesSuffix).size()) + kLabelsSuffix);
        if (!isRegularFile(pair.labels))
            throw Error(pair.images + " has no " + fileNameOf(pair.labels) +
                        " beside it: an .npz import needs the labels "
                        "of every images file");
        if (std::find(prefixes.begin(), prefixes.end(), pair.prefix) == prefixes.end())
            prefixes.push_back(pair.prefix);
        pairs.push_back(pair);
    }
    if (pairs.empty())
        throw Error(path + " holds no .npz image/label pair (PREFIX-train-imgs.npz with PREFIX-train-labels.npz, ...)");
    if (prefixes.size() > 1)
        throw Error(path + " holds .npz pairs of more than one dataset (" + prefixes[0] + ", " + prefixes[1] +
                    "); import one of them by naming its file, for example " + pairs.front().images);
    const bool anyPool = std::any_of(pairs.begin(), pairs.end(), [](const NpzPair& p) { return p.pool; });
    if (anyPool && pairs.size() > 1)
        throw Error(dir + " holds " + prefix + kImagesSuffix + " beside split pairs (-train-, -test-); keep one kind");
    return pairs;
}

// Images and labels per split, as read, before the split of a pool.
struct Arrays {
    std::vector<ImageSet> sets;  // one per input
    std::vector<Split> splits;
    bool pool = false;
    std::vector<ClassInfo> classes;  // empty: numbered 0..max
    std::string builtin;             // the built-in dataset these are the files of (its facts follow)
    std::vector<std::string> notes;
    std::vector<std::string> files;  // for the fingerprint
    ImageKind kind = ImageKind::Handwriting;
    std::string defaultName;
};

Arrays readNpz(const std::string& path) {
    Arrays arrays;
    const std::vector<NpzPair> pairs = findNpzPairs(path);
    for (const NpzPair& pair : pairs) {
        ImageSet set = loadImageLabelPair(pair.images, pair.labels, std::numeric_limits<int>::max(), 0, 0,
                                          fileNameOf(pair.images));
        if (!arrays.sets.empty() && (set.rows != arrays.sets[0].rows || set.cols != arrays.sets[0].cols ||
                                     set.channels != arrays.sets[0].channels))
            throw Error(fileNameOf(pair.images) + " holds " + std::to_string(set.channels) + "x" +
                        std::to_string(set.rows) + "x" + std::to_string(set.cols) + " images but " +
                        fileNameOf(pairs[0].images) + " holds " + std::to_string(arrays.sets[0].channels) + "x" +
                        std::to_string(arrays.sets[0].rows) + "x" + std::to_string(arrays.sets[0].cols) +
                        "; the pairs do not belong together");
        arrays.sets.push_back(std::move(set));
        arrays.splits.push_back(pair.split);
        arrays.files.push_back(pair.images);
        arrays.files.push_back(pair.labels);
    }
    arrays.pool = pairs.front().pool;
    const std::string prefix = pairs.front().prefix;
    std::int64_t maxLabel = -1;
    for (const ImageSet& set : arrays.sets)
        for (auto label : set.labels)
            maxLabel = std::max(maxLabel, label);
    // The files of a built-in dataset (kmnist-test-imgs.npz) keep its class names and glyphs.
    const DatasetInfo* builtin = tryFindDataset(prefix);
    if (builtin && !builtin->imported && builtin->numClasses() > maxLabel && builtin->rows == arrays.sets[0].rows &&
        builtin->cols == arrays.sets[0].cols && builtin->channels == arrays.sets[0].channels) {
        arrays.classes = builtin->classes;
        arrays.builtin = builtin->name;
    }
    arrays.kind = arrays.sets[0].channels == 3 ? ImageKind::Photo : ImageKind::Handwriting;
    arrays.defaultName = builtin && !builtin->imported ? prefix + "-npz" : prefix;
    for (char& c : arrays.defaultName)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!arrays.pool &&
        std::none_of(arrays.splits.begin(), arrays.splits.end(), [](Split s) { return s == Split::Train; }))
        arrays.notes.push_back("no train pair was found: train with --split-protocol test-80-20, or add " + prefix +
                               "-train-imgs.npz and " + prefix + "-train-labels.npz and import again");
    return arrays;
}

Arrays readCifar(const std::string& path) {
    Arrays arrays;
    CifarData data;
    if (isDirectory(path)) {
        const std::string folder = isCifarFolder(path) ? path : joinPath(path, kCifar10Folder);
        data = readCifar10Folder(folder);
        for (const auto& name : cifar10BatchFiles())
            arrays.files.push_back(joinPath(folder, name));
    } else {
        data = readCifar10Archive(path);
        arrays.files.push_back(path);
    }
    arrays.sets.push_back(std::move(data.train));
    arrays.splits.push_back(Split::Train);
    arrays.sets.push_back(std::move(data.test));
    arrays.splits.push_back(Split::Test);
    for (std::size_t i = 0; i < data.classNames.size(); ++i)
        arrays.classes.push_back({static_cast<int>(i), data.classNames[i], "", ""});
    if (data.classNames == cifar10ClassNames())
        arrays.builtin = "cifar10";
    arrays.notes = data.problems;
    arrays.kind = ImageKind::Photo;
    arrays.defaultName = datasetNameFromPath(path);
    return arrays;
}

}  // namespace

std::string detectArrayFormat(const std::string& path) {
    if (isDirectory(path)) {
        if (isCifarFolder(path) || isCifarFolder(joinPath(path, kCifar10Folder)))
            return "cifar10";
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(path, ec))
            if (entry.is_regular_file(ec) && endsWith(entry.path().filename().string(), kImagesSuffix))
                return "npz";
        return "";
    }
    if (endsWith(path, ".npz"))
        return "npz";
    if (isCifarArchive(path))
        return "cifar10";
    return "";
}

ImportResult importArrayDataset(const std::string& path, const std::string& format, const std::string& dataRoot,
                                const ImportOptions& options) {
    const auto started = Clock::now();
    if (options.rows != 0 || options.channels != 0 || options.crop)
        throw Error("--size, --channels and --crop apply to image files; " + format +
                    " arrays are imported as they are stored");
    if (options.cancel && options.cancel->load())
        throw Cancelled();
    Arrays arrays = format == "npz" ? readNpz(path) : readCifar(path);
    std::string name = options.name;
    if (name.empty()) {
        name = arrays.defaultName;
        if (options.minClassImages > 0)
            name += "-min" + std::to_string(options.minClassImages);
    }
    checkDatasetName(name);

    std::int64_t numClasses = static_cast<std::int64_t>(arrays.classes.size());
    for (const ImageSet& set : arrays.sets)
        for (auto label : set.labels)
            numClasses = std::max(numClasses, label + 1);
    while (static_cast<std::int64_t>(arrays.classes.size()) < numClasses) {
        const int index = static_cast<int>(arrays.classes.size());
        arrays.classes.push_back({index, std::to_string(index), "", ""});
    }

    Fingerprint fingerprint;
    fingerprint.add("v2|" + format + "|" + options.kind + "|" + std::to_string(options.testFraction) + "|" +
                    std::to_string(options.seed) + "|" + std::to_string(options.minClassImages));
    for (const auto& file : arrays.files)
        fingerprint.addFile(file);
    ImportResult result;
    if (!options.force && reuseImportedCache(dataRoot, name, path, fingerprint.hex(), result)) {
        result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        return result;
    }

    // (set, index, split) for every image; a pool is split per class, seeded.
    struct Ref {
        std::size_t set;
        std::int64_t index;
        Split split;
    };
    std::vector<Ref> refs;
    for (std::size_t s = 0; s < arrays.sets.size(); ++s) {
        const ImageSet& set = arrays.sets[s];
        if (arrays.pool) {
            std::vector<std::int64_t> all(static_cast<std::size_t>(set.count()));
            for (std::size_t i = 0; i < all.size(); ++i)
                all[i] = static_cast<std::int64_t>(i);
            const IndexSplit split =
                stratifiedSplit(set.labels, all, static_cast<int>(numClasses), options.testFraction, options.seed);
            for (auto i : split.first)
                refs.push_back({s, i, Split::Train});
            for (auto i : split.second)
                refs.push_back({s, i, Split::Test});
        } else {
            for (std::int64_t i = 0; i < set.count(); ++i)
                refs.push_back({s, i, arrays.splits[s]});
        }
    }
    std::vector<std::int64_t> perClass(static_cast<std::size_t>(numClasses), 0);
    for (const Ref& ref : refs)
        ++perClass[static_cast<std::size_t>(arrays.sets[ref.set].labels[static_cast<std::size_t>(ref.index)])];
    const ClassFilter filter = keepClassesWithAtLeast(perClass, options.minClassImages, path);

    const ImageSet& first = arrays.sets.front();
    ImportCacheWriter writer(dataRoot, name, first.channels, first.rows, first.cols);
    for (const Ref& ref : refs) {
        const ImageSet& set = arrays.sets[ref.set];
        const std::int64_t label =
            filter.newIndex[static_cast<std::size_t>(set.labels[static_cast<std::size_t>(ref.index)])];
        if (label >= 0)
            writer.add(ref.split, set.image(ref.index), label);
    }
    if (options.cancel && options.cancel->load())
        throw Cancelled();

    ImportedMeta meta;
    meta.info.name = name;
    meta.info.title = name;
    for (std::size_t c = 0; c < arrays.classes.size(); ++c)
        if (filter.newIndex[c] >= 0) {
            ClassInfo info = arrays.classes[c];
            info.index = static_cast<int>(filter.newIndex[c]);
            meta.info.classes.push_back(info);
        }
    meta.info.description = std::to_string(meta.info.classes.size()) + " classes imported from " + path;
    meta.info.traits.kind = options.kind == "photo"         ? ImageKind::Photo
                            : options.kind == "handwriting" ? ImageKind::Handwriting
                                                            : arrays.kind;
    meta.sourcePath = path;
    meta.layout = format;
    meta.fit = "pad";
    meta.fingerprint = fingerprint.hex();
    meta.notes = arrays.notes;
    if (!filter.note.empty())
        meta.notes.push_back(filter.note);
    if (arrays.pool) {
        meta.seed = options.seed;
        meta.testFraction = options.testFraction;
    }
    meta.minClassImages = std::max(0, options.minClassImages);
    meta.builtin = arrays.builtin;
    if (const DatasetInfo* builtin = arrays.builtin.empty() ? nullptr : tryFindDataset(arrays.builtin)) {
        meta.licence = builtin->licence;
        meta.citation = builtin->citation;
    }
    meta.importedAt = importTimestamp();
    const std::string folder = writer.commit(meta, /*toGray=*/false);
    registerImportedCache(folder, dataRoot, result);
    result.decoded = writer.total();
    result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (options.progress) {
        ImportProgress p;
        p.done = p.total = result.meta.totalImages();
        p.imagesPerSecond = result.seconds > 0 ? p.done / result.seconds : 0;
        p.etaSeconds = 0;
        options.progress(p);
    }
    return result;
}

}  // namespace kanalab
