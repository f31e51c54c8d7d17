// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/import.h"

#include "common/atomic_file.h"
#include "common/error.h"
#include "data/folder_scan.h"
#include "data/image_decode.h"
#include "data/splits.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace kanalab {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// One image to decode, in the order it will sit in the cache.
struct Item {
    std::string path;
    std::int64_t label = 0;
    Split split = Split::Train;
};

const char* layoutName(ImportLayout layout) {
    switch (layout) {
    case ImportLayout::ClassFolders:
        return "class folders";
    case ImportLayout::SplitFolders:
        return "split folders";
    case ImportLayout::ListFiles:
        return "list files";
    }
    return "class folders";
}

// FNV-1a: a fingerprint, not a defence; it only has to change when an input changes.
void mix(std::uint64_t& hash, const std::string& text) {
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 1099511628211ull;
    }
    hash ^= 0xff;
    hash *= 1099511628211ull;
}

std::string fingerprintOf(const std::vector<Item>& items, const std::string& settings) {
    std::uint64_t hash = 14695981039346656037ull;
    mix(hash, settings);
    for (const auto& item : items) {
        struct stat info {};
        ::stat(item.path.c_str(), &info);
        mix(hash, item.path);
        mix(hash, std::to_string(info.st_size) + ":" + std::to_string(info.st_mtim.tv_sec) + "." +
                      std::to_string(info.st_mtim.tv_nsec) + ":" + std::to_string(item.label) + ":" +
                      splitName(item.split));
    }
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
    return text;
}

std::string nowIso8601() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

bool isColourful(const DecodedImage& image) {
    if (image.channels != 3)
        return false;
    const std::size_t plane = static_cast<std::size_t>(image.rows) * image.cols;
    const std::uint8_t* r = image.pixels.data();
    for (std::size_t i = 0; i < plane; ++i)
        if (r[i] != r[i + plane] || r[i] != r[i + 2 * plane])
            return true;
    return false;
}

// The size of the first image that decodes, shrunk to at most kDefaultMaxImportSide a side.
std::pair<int, int> firstImageSize(const std::vector<Item>& items) {
    for (const auto& item : items) {
        try {
            const DecodedImage image = loadImageFile(item.path, 1);
            const double scale = std::min(1.0, double(kDefaultMaxImportSide) / std::max(image.rows, image.cols));
            return {std::max(1, int(std::lround(image.rows * scale))), std::max(1, int(std::lround(image.cols * scale)))};
        } catch (const Error&) {
        }
    }
    throw Error("none of the images could be read");
}

void removeTree(const std::string& path) {
    std::error_code ec;
    fs::remove_all(path, ec);
}

// Writes bytes or throws with the system's reason (a full disk says so).
void writeOrThrow(std::ofstream& out, const std::uint8_t* data, std::size_t size, const std::string& path) {
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out)
        throw Error("cannot write " + path + " (is the disk full?)");
}

// Rewrites a 3-channel cache as gray (every image turned out gray: R = G = B).
void convertCacheToGray(const std::string& path, std::int64_t count, std::size_t plane) {
    const std::string grayPath = path + ".gray";
    {
        std::ifstream in(path, std::ios::binary);
        std::ofstream out(grayPath, std::ios::binary | std::ios::trunc);
        std::vector<std::uint8_t> rgb(3 * plane);
        for (std::int64_t i = 0; i < count; ++i) {
            in.read(reinterpret_cast<char*>(rgb.data()), static_cast<std::streamsize>(rgb.size()));
            if (!in)
                throw Error("cannot read back " + path);
            writeOrThrow(out, rgb.data(), plane, grayPath);
        }
        out.flush();
        if (!out)
            throw Error("cannot write " + grayPath + " (is the disk full?)");
    }
    fs::rename(grayPath, path);
}

// A U+XXXX class folder of a hiragana K49 knows gets its romaji too (U+304A: お o).
std::string romajiOf(const std::string& glyph) {
    if (glyph.empty())
        return {};
    if (const DatasetInfo* k49 = tryFindDataset("k49"))
        for (const auto& c : k49->classes)
            if (c.glyph == glyph)
                return c.romaji;
    return {};
}

}  // namespace

std::string datasetNameFromPath(const std::string& path) {
    std::string base = fs::path(path).lexically_normal().filename().string();
    if (base.empty() || base == ".")
        base = fs::path(path).lexically_normal().parent_path().filename().string();
    if (base.size() > 4 && base.compare(base.size() - 4, 4, ".txt") == 0)
        base = fs::path(path).parent_path().filename().string();
    std::string name;
    for (unsigned char c : base) {
        if (std::isalnum(c))
            name += static_cast<char>(std::tolower(c));
        else if (!name.empty() && name.back() != '-')
            name += '-';
    }
    while (!name.empty() && name.back() == '-')
        name.pop_back();
    return name.empty() ? "my-dataset" : name;
}

ImportResult importDataset(const std::string& inputPath, const std::string& dataRoot, const ImportOptions& options) {
    const auto started = Clock::now();
    std::error_code ec;
    if (!fs::exists(inputPath, ec))
        throw Error(inputPath + ": no such folder or list file");
    const std::string path = fs::canonical(inputPath, ec).string();
    const std::string name = options.name.empty() ? datasetNameFromPath(path) : options.name;
    for (unsigned char c : name)
        if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.') || std::isupper(c))
            throw Error("dataset name '" + name + "' may hold only lowercase letters, digits, '-', '_' and '.'");
    if (const DatasetInfo* existing = tryFindDataset(name); existing && !existing->imported)
        throw Error("'" + name + "' is the name of a dataset built into KanaLab: choose another with --name");
    if (options.channels != 0 && options.channels != 1 && options.channels != 3)
        throw Error("--channels must be 1 or 3, got " + std::to_string(options.channels));
    if ((options.rows != 0 || options.cols != 0) &&
        (options.rows < 4 || options.cols < 4 || options.rows > 1024 || options.cols > 1024))
        throw Error("--size must be between 4 and 1024 pixels a side, got " + std::to_string(options.rows) + "x" +
                    std::to_string(options.cols));
    if (!(options.testFraction >= 0 && options.testFraction < 1))
        throw Error("the test fraction must be at least 0 and below 1");

    ImportLayout layout;
    if (options.format == "auto" || options.format == "folder" || options.format == "list") {
        layout = detectLayout(path);
        if (options.format == "folder" && layout == ImportLayout::ListFiles)
            throw Error(path + " holds list files (train.txt); use --format list or auto");
        if (options.format == "list" && layout != ImportLayout::ListFiles)
            throw Error(path + " has no train.txt / val.txt / test.txt list files");
    } else {
        throw Error("unknown import format '" + options.format + "': use auto, folder or list");
    }
    ImportListing listing = scanImport(path, layout);
    if (listing.classes.empty())
        throw Error(path + ": no class folders with images were found");

    std::vector<Item> items;
    if (layout == ImportLayout::ClassFolders) {
        std::vector<std::int64_t> labels;
        for (const auto& item : listing.pool)
            labels.push_back(item.classIndex);
        std::vector<std::int64_t> all(labels.size());
        for (std::size_t i = 0; i < all.size(); ++i)
            all[i] = static_cast<std::int64_t>(i);
        const IndexSplit split = stratifiedSplit(labels, all, static_cast<int>(listing.classes.size()),
                                                 options.testFraction, options.seed);
        for (auto i : split.first)
            items.push_back({listing.pool[static_cast<std::size_t>(i)].path, labels[static_cast<std::size_t>(i)], Split::Train});
        for (auto i : split.second)
            items.push_back({listing.pool[static_cast<std::size_t>(i)].path, labels[static_cast<std::size_t>(i)], Split::Test});
    } else {
        for (const auto& item : listing.train)
            items.push_back({item.path, item.classIndex, Split::Train});
        for (const auto& item : listing.validation)
            items.push_back({item.path, item.classIndex, Split::Validation});
        for (const auto& item : listing.test)
            items.push_back({item.path, item.classIndex, Split::Test});
    }
    if (items.empty())
        throw Error(path + ": no image files were found (" + std::to_string(listing.skipped.size()) + " files skipped)");

    const std::string folder = importedDatasetFolder(dataRoot, name);
    const std::string settings = "v1|" + std::to_string(options.rows) + "x" + std::to_string(options.cols) + "|" +
                                 std::to_string(options.channels) + "|" + (options.crop ? "crop" : "pad") + "|" +
                                 options.kind + "|" + std::to_string(options.testFraction) + "|" +
                                 std::to_string(options.seed);
    const std::string fingerprint = fingerprintOf(items, settings);

    ImportResult result;
    result.folder = folder;
    if (!options.force && isRegularFile(joinPath(folder, kImportedMetaFile))) {
        try {
            ImportedMeta old = readImportedMeta(folder);
            if (old.fingerprint == fingerprint && old.sourcePath == path) {
                result.meta = old;
                result.reused = true;
                result.dataset = &registerDataset(std::make_unique<ImportedSource>(std::move(old), folder, dataRoot));
                result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
                return result;
            }
        } catch (const Error&) {
            // A damaged cache is rebuilt below.
        }
    }

    auto [rows, cols] = options.rows > 0 ? std::pair<int, int>{options.rows, options.cols} : firstImageSize(items);
    const int decodeChannels = options.channels == 0 ? 3 : options.channels;
    const FitMode fit = options.crop ? FitMode::CentreCrop : FitMode::Pad;
    const std::size_t imageBytes = static_cast<std::size_t>(decodeChannels) * rows * cols;

    makeDirectories(joinPath(dataRoot, kImportedFolder));
    const std::string staging = folder + ".importing-" + std::to_string(::getpid());
    removeTree(staging);
    makeDirectories(staging);
    struct Cleanup {
        std::string path;
        bool armed = true;
        ~Cleanup() {
            if (armed)
                removeTree(path);
        }
    } cleanup{staging};

    const std::string imagesPath = joinPath(staging, kImportedImagesFile);
    const std::string labelsPath = joinPath(staging, kImportedLabelsFile);
    std::ofstream imagesOut(imagesPath, std::ios::binary | std::ios::trunc);
    std::ofstream labelsOut(labelsPath, std::ios::binary | std::ios::trunc);
    if (!imagesOut || !labelsOut)
        throw Error("cannot create the cache in " + staging);

    ImportedMeta meta;
    meta.info.name = name;
    meta.info.title = name;
    meta.info.description = std::to_string(listing.classes.size()) + " classes imported from " + path;
    for (std::size_t c = 0; c < listing.classes.size(); ++c) {
        const auto& cls = listing.classes[c];
        meta.info.classes.push_back({static_cast<int>(c), cls.name, cls.glyph, romajiOf(cls.glyph)});
    }
    meta.info.rows = rows;
    meta.info.cols = cols;
    meta.sourcePath = path;
    meta.layout = layoutName(layout);
    meta.fit = options.crop ? "crop" : "pad";
    meta.fingerprint = fingerprint;
    for (const auto& s : listing.skipped)
        meta.skipped.push_back({s.path, s.reason});
    meta.notes = listing.notes;

    unsigned threads = options.threads > 0 ? static_cast<unsigned>(options.threads) : std::thread::hardware_concurrency();
    threads = std::max(1u, std::min(threads, 64u));
    constexpr std::size_t kChunk = 1024;
    std::vector<std::uint8_t> chunkPixels(kChunk * imageBytes);
    std::vector<std::string> chunkErrors(kChunk);
    std::vector<char> chunkColour(kChunk);
    bool anyColour = false;
    std::int64_t kept = 0;
    std::vector<std::int64_t> keptPerClass(listing.classes.size(), 0);
    ImportedSplit* current = nullptr;
    auto lastReport = Clock::now();

    for (std::size_t begin = 0; begin < items.size(); begin += kChunk) {
        if (options.cancel && options.cancel->load())
            throw Cancelled();
        const std::size_t end = std::min(items.size(), begin + kChunk);
        std::atomic<std::size_t> next{begin};
        auto work = [&] {
            for (std::size_t i = next++; i < end; i = next++) {
                const std::size_t slot = i - begin;
                chunkErrors[slot].clear();
                try {
                    const DecodedImage fitted = fitImage(loadImageFile(items[i].path, decodeChannels), rows, cols, fit);
                    std::copy(fitted.pixels.begin(), fitted.pixels.end(), chunkPixels.begin() + slot * imageBytes);
                    chunkColour[slot] = isColourful(fitted);
                } catch (const std::exception& e) {
                    // The report names the file already: keep only the reason.
                    std::string reason = e.what();
                    for (const std::string& prefix : {items[i].path + ": ", fs::path(items[i].path).filename().string() + ": "})
                        if (reason.rfind(prefix, 0) == 0) {
                            reason.erase(0, prefix.size());
                            break;
                        }
                    chunkErrors[slot] = reason;
                }
            }
        };
        std::vector<std::thread> pool;
        for (unsigned t = 1; t < threads; ++t)
            pool.emplace_back(work);
        work();
        for (auto& t : pool)
            t.join();

        for (std::size_t i = begin; i < end; ++i) {
            const std::size_t slot = i - begin;
            if (!chunkErrors[slot].empty()) {
                meta.skipped.push_back({items[i].path, chunkErrors[slot]});
                continue;
            }
            ImportedSplit& split = items[i].split == Split::Train        ? meta.train
                                   : items[i].split == Split::Validation ? meta.validation
                                                                         : meta.test;
            if (&split != current) {
                split.first = kept;
                current = &split;
            }
            ++split.count;
            ++kept;
            ++keptPerClass[static_cast<std::size_t>(items[i].label)];
            anyColour = anyColour || chunkColour[slot];
            writeOrThrow(imagesOut, chunkPixels.data() + slot * imageBytes, imageBytes, imagesPath);
            const auto label = static_cast<std::uint32_t>(items[i].label);
            const std::uint8_t le[4] = {std::uint8_t(label), std::uint8_t(label >> 8), std::uint8_t(label >> 16),
                                        std::uint8_t(label >> 24)};
            writeOrThrow(labelsOut, le, 4, labelsPath);
        }
        const auto now = Clock::now();
        if (options.progress && (now - lastReport > std::chrono::milliseconds(100) || end == items.size())) {
            lastReport = now;
            ImportProgress p;
            p.done = static_cast<std::int64_t>(end);
            p.total = static_cast<std::int64_t>(items.size());
            const double seconds = std::chrono::duration<double>(now - started).count();
            p.imagesPerSecond = seconds > 0 ? p.done / seconds : 0;
            p.etaSeconds = p.imagesPerSecond > 0 ? (p.total - p.done) / p.imagesPerSecond : -1;
            options.progress(p);
        }
    }
    imagesOut.close();
    labelsOut.close();
    if (!imagesOut || !labelsOut)
        throw Error("cannot finish writing the cache in " + staging + " (is the disk full?)");
    if (kept == 0)
        throw Error(path + ": none of the " + std::to_string(items.size()) +
                    " image files could be read (the first: " + meta.skipped.front().path + ": " +
                    meta.skipped.front().reason + ")");

    int channels = decodeChannels;
    if (options.channels == 0 && !anyColour) {
        convertCacheToGray(imagesPath, kept, static_cast<std::size_t>(rows) * cols);
        channels = 1;
    }
    meta.info.channels = channels;
    meta.info.traits.kind = options.kind == "photo"         ? ImageKind::Photo
                            : options.kind == "handwriting" ? ImageKind::Handwriting
                            : channels == 3                 ? ImageKind::Photo
                                                            : ImageKind::Handwriting;
    for (std::size_t c = 0; c < listing.classes.size(); ++c)
        if (keptPerClass[c] == 0)
            meta.notes.push_back("class " + listing.classes[c].name + " has no readable image");
    meta.importedAt = nowIso8601();
    writeFileAtomically(joinPath(staging, kImportedMetaFile), importedMetaToJson(meta));

    // Swap the finished cache in; the old one (if any) goes only once the new one is in place.
    const std::string old = folder + ".old-" + std::to_string(::getpid());
    if (fs::exists(folder, ec))
        fs::rename(folder, old, ec);
    fs::rename(staging, folder, ec);
    if (ec)
        throw Error("cannot move the new cache into " + folder + ": " + ec.message());
    cleanup.armed = false;
    removeTree(old);

    ImportedMeta registered = readImportedMeta(folder);
    result.meta = registered;
    result.dataset = &registerDataset(std::make_unique<ImportedSource>(std::move(registered), folder, dataRoot));
    result.decoded = static_cast<std::int64_t>(items.size());
    result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return result;
}

}  // namespace kanalab
