// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/import.h"

#include "common/error.h"
#include "common/format.h"
#include "data/byte_stream.h"
#include "data/folder_scan.h"
#include "data/image_decode.h"
#include "data/import_arrays.h"
#include "data/import_cache.h"
#include "data/kkanji_source.h"
#include "data/recorded_sha256.h"
#include "data/sha256.h"
#include "data/splits.h"
#include "data/tar_reader.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <thread>
#include <unordered_map>

namespace kanalab {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// One image to decode and the split it goes to.
struct Item {
    std::string path;  // a file, or a member of the listing's archive
    std::int64_t label = 0;
    Split split = Split::Train;
    int rows = 0;  // from the header, where the scan read it
    int cols = 0;
};

const char* layoutName(const ImportListing& listing) {
    if (!listing.archive.empty())
        return "class folders in a tar";
    switch (listing.layout) {
        case ImportLayout::ClassFolders:
            return "class folders";
        case ImportLayout::SplitFolders:
            return "split folders";
        case ImportLayout::ListFiles:
            return "list files";
    }
    return "class folders";
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

std::pair<int, int> cappedSize(int rows, int cols) {
    const double scale = std::min(1.0, double(kDefaultMaxImportSide) / std::max(rows, cols));
    return {std::max(1, int(std::lround(rows * scale))), std::max(1, int(std::lround(cols * scale)))};
}

// The size of the first image whose size is known (an archive's PNG headers) or that decodes,
// shrunk to at most kDefaultMaxImportSide a side.
std::pair<int, int> firstImageSize(const std::vector<Item>& items, const std::string& archive) {
    for (const auto& item : items)
        if (item.rows > 0 && item.cols > 0)
            return cappedSize(item.rows, item.cols);
    if (!archive.empty())
        throw Error(archive + ": its images are not PNGs, so their size is not known before decoding; give --size");
    for (const auto& item : items) {
        try {
            const DecodedImage image = loadImageFile(item.path, 1);
            return cappedSize(image.rows, image.cols);
        } catch (const Error&) {
        }
    }
    throw Error("none of the images could be read");
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

// The report names the file already: keep only the reason.
std::string reasonOnly(std::string message, const std::string& path) {
    for (const std::string& prefix : {path + ": ", fs::path(path).filename().string() + ": "})
        if (message.rfind(prefix, 0) == 0)
            return message.erase(0, prefix.size());
    return message;
}

// Decodes a chunk of images on every core, each fitted to rows x cols.
class ChunkDecoder {
public:
    static constexpr std::size_t kChunk = 1024;

    ChunkDecoder(int rows, int cols, int channels, FitMode fit, unsigned threads)
        : m_rows(rows),
          m_cols(cols),
          m_fit(fit),
          m_threads(threads),
          m_imageBytes(static_cast<std::size_t>(channels) * rows * cols),
          m_pixels(kChunk * m_imageBytes),
          m_errors(kChunk),
          m_colour(kChunk),
          m_resized(kChunk) {}

    // Decodes slots 0..count-1 (count <= kChunk), load(slot) giving the decoded image.
    void run(std::size_t count, const std::function<DecodedImage(std::size_t)>& load) {
        std::atomic<std::size_t> next{0};
        auto work = [&] {
            for (std::size_t slot = next++; slot < count; slot = next++) {
                m_errors[slot].clear();
                try {
                    const DecodedImage decoded = load(slot);
                    m_resized[slot] = decoded.rows != m_rows || decoded.cols != m_cols;
                    const DecodedImage fitted = fitImage(decoded, m_rows, m_cols, m_fit);
                    std::copy(fitted.pixels.begin(), fitted.pixels.end(), m_pixels.begin() + slot * m_imageBytes);
                    m_colour[slot] = isColourful(fitted);
                } catch (const std::exception& e) {
                    m_errors[slot] = e.what();
                    if (m_errors[slot].empty())
                        m_errors[slot] = "cannot be decoded";
                }
            }
        };
        std::vector<std::thread> pool;
        for (unsigned t = 1; t < m_threads && t < count; ++t)
            pool.emplace_back(work);
        work();
        for (auto& t : pool)
            t.join();
    }

    const std::uint8_t* pixels(std::size_t slot) const { return m_pixels.data() + slot * m_imageBytes; }
    const std::string& error(std::size_t slot) const { return m_errors[slot]; }
    bool colour(std::size_t slot) const { return m_colour[slot]; }
    bool resized(std::size_t slot) const { return m_resized[slot]; }

private:
    int m_rows, m_cols;
    FitMode m_fit;
    unsigned m_threads;
    std::size_t m_imageBytes;
    std::vector<std::uint8_t> m_pixels;
    std::vector<std::string> m_errors;
    std::vector<char> m_colour;
    std::vector<char> m_resized;
};

// "auto" resolved, and a requested format checked against what the path holds.
std::string resolveFormat(const std::string& path, const std::string& requested) {
    static const std::vector<std::string> kFormats = {"auto", "folder", "list", "npz", "cifar10"};
    if (std::find(kFormats.begin(), kFormats.end(), requested) == kFormats.end())
        throw Error("unknown import format '" + requested + "': use auto, folder, list, npz or cifar10");
    const std::string arrays = detectArrayFormat(path);
    if (requested == "auto")
        return arrays.empty() ? "images" : arrays;
    if ((requested == "npz" || requested == "cifar10") && arrays != requested)
        throw Error(path +
                    (requested == "npz"
                         ? " holds no .npz image/label pair (PREFIX-train-imgs.npz with PREFIX-train-labels.npz, ...)"
                         : " is not CIFAR-10's binary version (cifar-10-binary.tar.gz or a cifar-10-batches-bin "
                           "folder with data_batch_1.bin ... test_batch.bin)"));
    return requested == "folder" || requested == "list" ? requested : arrays;
}

// The images of the listing with their splits: a single pool is split here (seeded, stratified
// per class); given splits are kept.
std::vector<Item> itemsOf(const ImportListing& listing, const ImportOptions& options) {
    std::vector<Item> items;
    const auto add = [&](const ImportItem& item, Split split) {
        items.push_back({item.path, item.classIndex, split, item.rows, item.cols});
    };
    if (!listing.pool.empty()) {
        std::vector<std::int64_t> labels, all;
        for (std::size_t i = 0; i < listing.pool.size(); ++i) {
            labels.push_back(listing.pool[i].classIndex);
            all.push_back(static_cast<std::int64_t>(i));
        }
        const IndexSplit split =
            stratifiedSplit(labels, all, static_cast<int>(listing.classes.size()), options.testFraction, options.seed);
        for (auto i : split.first)
            add(listing.pool[static_cast<std::size_t>(i)], Split::Train);
        for (auto i : split.second)
            add(listing.pool[static_cast<std::size_t>(i)], Split::Test);
        return items;
    }
    for (const auto& item : listing.train)
        add(item, Split::Train);
    for (const auto& item : listing.validation)
        add(item, Split::Validation);
    for (const auto& item : listing.test)
        add(item, Split::Test);
    return items;
}

// Drops the classes with fewer than options.minClassImages images, renumbering the rest.
void keepLargeClasses(ImportListing& listing, std::vector<Item>& items, const ImportOptions& options,
                      const std::string& path) {
    if (options.minClassImages <= 0)
        return;
    std::vector<std::int64_t> perClass(listing.classes.size(), 0);
    for (const Item& item : items)
        ++perClass[static_cast<std::size_t>(item.label)];
    const ClassFilter filter = keepClassesWithAtLeast(perClass, options.minClassImages, path);
    std::vector<ImportClass> classes;
    for (std::size_t c = 0; c < listing.classes.size(); ++c)
        if (filter.newIndex[c] >= 0)
            classes.push_back(listing.classes[c]);
    listing.classes = std::move(classes);
    std::vector<Item> kept;
    for (Item& item : items)
        if (const std::int64_t index = filter.newIndex[static_cast<std::size_t>(item.label)]; index >= 0) {
            item.label = index;
            kept.push_back(std::move(item));
        }
    items = std::move(kept);
    listing.notes.push_back(filter.note);
}

// Reads the archive's listed members a chunk at a time and hands each chunk to consume.
void decodeArchive(const std::string& archive, const std::vector<Item>& items, ChunkDecoder& decoder, int channels,
                   const std::function<void(std::size_t slot, const Item&)>& consume,
                   const std::function<void(std::size_t done)>& progress, const std::atomic<bool>* cancel) {
    std::unordered_map<std::string, std::size_t> wanted;
    for (std::size_t i = 0; i < items.size(); ++i)
        wanted.emplace(items[i].path, i);
    std::vector<std::vector<std::uint8_t>> bytes(ChunkDecoder::kChunk);
    std::vector<std::size_t> which(ChunkDecoder::kChunk);
    std::size_t filled = 0, done = 0;
    const auto flush = [&] {
        decoder.run(filled,
                    [&](std::size_t slot) { return decodeImage(bytes[slot], channels, items[which[slot]].path); });
        for (std::size_t slot = 0; slot < filled; ++slot)
            consume(slot, items[which[slot]]);
        done += filled;
        filled = 0;
        progress(done);
    };
    const std::unique_ptr<ByteStream> stream = openArchiveStream(archive);
    forEachTarEntry(*stream, [&](const TarEntry& entry, TarContents& contents) {
        if (cancel && cancel->load())
            throw Cancelled();
        const auto it = entry.isRegular() ? wanted.find(entry.path) : wanted.end();
        if (it == wanted.end())
            return;
        which[filled] = it->second;
        bytes[filled] = contents.readAll();
        wanted.erase(it);  // a second copy of the member is not read (the listing skipped it)
        if (++filled == ChunkDecoder::kChunk)
            flush();
    });
    flush();
    if (!wanted.empty())
        throw Error(archive + " changed while it was read: " + std::to_string(wanted.size()) +
                    " listed images were missing on the second pass; import it again");
}

ImportResult importImages(const std::string& path, const std::string& format, const std::string& dataRoot,
                          const ImportOptions& options, Clock::time_point started) {
    const ImportLayout layout = detectLayout(path);
    if (format == "folder" && layout == ImportLayout::ListFiles)
        throw Error(path + " holds list files (train.txt); use --format list or auto");
    if (format == "list" && layout != ImportLayout::ListFiles)
        throw Error(path + " has no train.txt / val.txt / test.txt list files");
    ImportListing listing = layout == ImportLayout::ClassFolders && isTarArchive(path) && !isDirectory(path)
                                ? scanTarClassFolders(path, options.cancel)
                                : scanImport(path, layout);
    if (listing.classes.empty())
        throw Error(path + ": no class folders with images were found" +
                    (listing.skipped.empty() ? std::string()
                                             : " (" + std::to_string(listing.skipped.size()) +
                                                   " files skipped, the first: " + listing.skipped.front().path + ": " +
                                                   listing.skipped.front().reason + ")"));

    // Kuzushiji-Kanji's own archive (or its unpacked folder) becomes the built-in kkanji.
    const bool kanji = isKuzushijiKanjiListing(listing, path);
    std::string name = options.name;
    if (name.empty()) {
        name = kanji ? kKkanjiName : datasetNameFromPath(path);
        if (options.minClassImages > 0)
            name += "-min" + std::to_string(options.minClassImages);
    }
    checkDatasetName(name, kanji && options.minClassImages <= 0 ? kKkanjiName : "");

    std::vector<Item> items = itemsOf(listing, options);
    keepLargeClasses(listing, items, options, path);
    if (items.empty())
        throw Error(path + ": no image files were found (" + std::to_string(listing.skipped.size()) +
                    " files skipped)");

    const bool archive = !listing.archive.empty();
    Fingerprint fingerprint;
    fingerprint.add("v3|" + std::to_string(options.rows) + "x" + std::to_string(options.cols) + "|" +
                    std::to_string(options.channels) + "|" + (options.crop ? "crop" : "pad") + "|" + options.kind +
                    "|" + std::to_string(options.testFraction) + "|" + std::to_string(options.seed) + "|" +
                    std::to_string(options.minClassImages));
    if (archive)
        fingerprint.addFile(path);
    for (const auto& item : items) {
        if (!archive)
            fingerprint.addFile(item.path);
        fingerprint.add(item.path + ":" + std::to_string(item.label) + ":" + splitName(item.split));
    }
    ImportResult result;
    if (!options.force && reuseImportedCache(dataRoot, name, path, fingerprint.hex(), result)) {
        result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        return result;
    }

    // A file that arrived without a published checksum had its SHA-256 recorded: check it.
    std::string sha256;
    if (archive) {
        const std::string recorded = readRecordedSha256(path);
        if (!recorded.empty()) {
            sha256 = sha256OfFile(path);
            checkAgainstRecordedSha256(path, sha256, recorded, fileNameOf(path));
        }
    }

    const auto [rows, cols] =
        options.rows > 0 ? std::pair<int, int>{options.rows, options.cols} : firstImageSize(items, listing.archive);
    const int decodeChannels = options.channels != 0 ? options.channels : listing.allGray ? 1 : 3;
    const FitMode fit = options.crop ? FitMode::CentreCrop : FitMode::Pad;
    ImportCacheWriter writer(dataRoot, name, decodeChannels, rows, cols);

    ImportedMeta meta;
    meta.info.name = name;
    meta.info.title = name;
    meta.info.description = std::to_string(listing.classes.size()) + " classes imported from " + path;
    for (std::size_t c = 0; c < listing.classes.size(); ++c) {
        const auto& cls = listing.classes[c];
        meta.info.classes.push_back({static_cast<int>(c), cls.name, cls.glyph, romajiOf(cls.glyph)});
    }
    meta.sourcePath = path;
    meta.layout = layoutName(listing);
    meta.fit = options.crop ? "crop" : "pad";
    meta.fingerprint = fingerprint.hex();
    for (const auto& s : listing.skipped)
        meta.skipped.push_back({s.path, s.reason});
    meta.notes = listing.notes;
    if (!listing.pool.empty()) {
        meta.seed = options.seed;
        meta.testFraction = options.testFraction;
    }
    meta.minClassImages = std::max(0, options.minClassImages);
    meta.sourceSha256 = sha256;
    if (kanji)
        if (const DatasetInfo* builtin = tryFindDataset(kKkanjiName)) {
            meta.builtin = kKkanjiName;
            meta.licence = builtin->licence;
            meta.citation = builtin->citation;
        }

    unsigned threads =
        options.threads > 0 ? static_cast<unsigned>(options.threads) : std::thread::hardware_concurrency();
    threads = std::max(1u, std::min(threads, 64u));
    ChunkDecoder decoder(rows, cols, decodeChannels, fit, threads);
    bool anyColour = false;
    std::int64_t resized = 0;
    std::string firstResized;
    std::vector<std::int64_t> keptPerClass(listing.classes.size(), 0);
    const auto shownPath = [&](const Item& item) { return archive ? path + "/" + item.path : item.path; };
    const auto consume = [&](std::size_t slot, const Item& item) {
        if (!decoder.error(slot).empty()) {
            meta.skipped.push_back({shownPath(item), reasonOnly(decoder.error(slot), item.path)});
            return;
        }
        writer.add(item.split, decoder.pixels(slot), item.label);
        ++keptPerClass[static_cast<std::size_t>(item.label)];
        anyColour = anyColour || decoder.colour(slot);
        if (decoder.resized(slot) && resized++ == 0)
            firstResized = shownPath(item);
    };
    auto lastReport = Clock::now();
    const auto progress = [&](std::size_t done) {
        const auto now = Clock::now();
        if (!options.progress || (now - lastReport < std::chrono::milliseconds(100) && done < items.size()))
            return;
        lastReport = now;
        ImportProgress p;
        p.done = static_cast<std::int64_t>(done);
        p.total = static_cast<std::int64_t>(items.size());
        const double seconds = std::chrono::duration<double>(now - started).count();
        p.imagesPerSecond = seconds > 0 ? p.done / seconds : 0;
        p.etaSeconds = p.imagesPerSecond > 0 ? (p.total - p.done) / p.imagesPerSecond : -1;
        options.progress(p);
    };

    const std::size_t listedSkips = meta.skipped.size();
    if (archive) {
        decodeArchive(path, items, decoder, decodeChannels, consume, progress, options.cancel);
    } else {
        for (std::size_t begin = 0; begin < items.size(); begin += ChunkDecoder::kChunk) {
            if (options.cancel && options.cancel->load())
                throw Cancelled();
            const std::size_t count = std::min(ChunkDecoder::kChunk, items.size() - begin);
            decoder.run(count,
                        [&](std::size_t slot) { return loadImageFile(items[begin + slot].path, decodeChannels); });
            for (std::size_t slot = 0; slot < count; ++slot)
                consume(slot, items[begin + slot]);
            progress(begin + count);
        }
    }
    if (writer.total() == 0)
        throw Error(path + ": none of the " + std::to_string(items.size()) + " image files could be read (the first: " +
                    meta.skipped[listedSkips].path + ": " + meta.skipped[listedSkips].reason + ")");

    const bool toGray = options.channels == 0 && decodeChannels == 3 && !anyColour;
    const int channels = toGray ? 1 : decodeChannels;
    meta.info.traits.kind = options.kind == "photo"         ? ImageKind::Photo
                            : options.kind == "handwriting" ? ImageKind::Handwriting
                            : channels == 3                 ? ImageKind::Photo
                                                            : ImageKind::Handwriting;
    for (std::size_t c = 0; c < listing.classes.size(); ++c)
        if (keptPerClass[c] == 0)
            meta.notes.push_back("class " + listing.classes[c].name + " has no readable image");
    if (resized > 0)
        meta.notes.push_back(formatCount(resized) + (resized == 1 ? " image was" : " images were") + " not " +
                             std::to_string(rows) + "x" + std::to_string(cols) + " and " +
                             (resized == 1 ? "was " : "were ") + (options.crop ? "centre-cropped" : "padded") +
                             " to fit (the first: " + firstResized + ")");
    meta.importedAt = importTimestamp();
    const std::string folder = writer.commit(meta, toGray);
    registerImportedCache(folder, dataRoot, result);
    result.decoded = static_cast<std::int64_t>(items.size());
    result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return result;
}

}  // namespace

std::string datasetNameFromPath(const std::string& path) {
    std::string base = fs::path(path).lexically_normal().filename().string();
    if (base.empty() || base == ".")
        base = fs::path(path).lexically_normal().parent_path().filename().string();
    const auto endsWith = [&](const std::string& suffix) {
        return base.size() > suffix.size() &&
               std::equal(suffix.rbegin(), suffix.rend(), base.rbegin(),
                          [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
    };
    if (endsWith(".txt"))
        base = fs::path(path).parent_path().filename().string();
    else
        for (const char* suffix : {".tar.gz", ".tgz", ".tar", ".npz"})
            if (endsWith(suffix)) {
                base.erase(base.size() - std::string(suffix).size());
                break;
            }
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
    if (options.channels != 0 && options.channels != 1 && options.channels != 3)
        throw Error("--channels must be 1 or 3, got " + std::to_string(options.channels));
    if ((options.rows != 0 || options.cols != 0) &&
        (options.rows < 4 || options.cols < 4 || options.rows > 1024 || options.cols > 1024))
        throw Error("--size must be between 4 and 1024 pixels a side, got " + std::to_string(options.rows) + "x" +
                    std::to_string(options.cols));
    if (!(options.testFraction >= 0 && options.testFraction < 1))
        throw Error("the test fraction must be at least 0 and below 1");
    if (options.minClassImages < 0)
        throw Error("--min-class-images must be 0 or more, got " + std::to_string(options.minClassImages));
    const std::string format = resolveFormat(path, options.format);
    if (format == "npz" || format == "cifar10")
        return importArrayDataset(path, format, dataRoot, options);
    return importImages(path, format, dataRoot, options, started);
}

}  // namespace kanalab
