// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/import_cache.h"

#include "common/atomic_file.h"
#include "common/error.h"
#include "common/format.h"
#include "data/import.h"
#include "data/border_median.h"

#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <filesystem>

namespace kanalab {
namespace {

namespace fs = std::filesystem;

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

// Appends from's records to out: whole, or only the first plane of each when planeBytes > 0;
// with invert, each byte v as 255 - v.
void appendRecords(const std::string& from, std::int64_t count, std::size_t recordBytes, std::size_t planeBytes,
                   std::ofstream& out, const std::string& outPath, bool invert = false) {
    std::ifstream in(from, std::ios::binary);
    std::vector<std::uint8_t> record(recordBytes);
    const std::size_t keep = planeBytes > 0 ? planeBytes : recordBytes;
    for (std::int64_t i = 0; i < count; ++i) {
        in.read(reinterpret_cast<char*>(record.data()), static_cast<std::streamsize>(record.size()));
        if (!in)
            throw Error("cannot read back " + from);
        if (invert)
            for (std::size_t b = 0; b < keep; ++b)
                record[b] = static_cast<std::uint8_t>(255 - record[b]);
        writeOrThrow(out, record.data(), keep, outPath);
    }
}


}  // namespace

void checkDatasetName(const std::string& name, const std::string& allowBuiltin) {
    if (name.empty())
        throw Error("the dataset needs a name: give one with --name");
    for (unsigned char c : name)
        if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.') || std::isupper(c))
            throw Error("dataset name '" + name + "' may hold only lowercase letters, digits, '-', '_' and '.'");
    if (name == "." || name == "..")
        throw Error("dataset name '" + name + "' is not a folder name; choose another with --name");
    if (name == allowBuiltin)
        return;
    if (const DatasetInfo* existing = tryFindDataset(name); existing && !existing->imported)
        throw Error("'" + name + "' is the name of a dataset built into KanaLab: choose another with --name");
}

std::string importTimestamp() {
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

ClassFilter keepClassesWithAtLeast(const std::vector<std::int64_t>& imagesPerClass, int minImages,
                                   const std::string& inputName) {
    ClassFilter filter;
    filter.newIndex.assign(imagesPerClass.size(), -1);
    std::int64_t largest = 0;
    for (std::size_t c = 0; c < imagesPerClass.size(); ++c) {
        largest = std::max(largest, imagesPerClass[c]);
        if (minImages <= 0 || imagesPerClass[c] >= minImages)
            filter.newIndex[c] = filter.kept++;
        else
            filter.droppedImages += imagesPerClass[c];
    }
    if (filter.kept == 0)
        throw Error(inputName + ": no class has at least " + std::to_string(minImages) + " images (the largest has " +
                    std::to_string(largest) + "); lower --min-class-images");
    const auto dropped = static_cast<std::int64_t>(imagesPerClass.size()) - filter.kept;
    if (minImages > 0)
        filter.note = "kept the " + formatCount(filter.kept) + " classes with at least " + std::to_string(minImages) +
                      " images; dropped " + formatCount(dropped) + (dropped == 1 ? " class (" : " classes (") +
                      formatCount(filter.droppedImages) + " images)";
    return filter;
}

void Fingerprint::add(const std::string& text) {
    for (unsigned char c : text) {
        m_hash ^= c;
        m_hash *= 1099511628211ull;
    }
    m_hash ^= 0xff;
    m_hash *= 1099511628211ull;
}

void Fingerprint::addFile(const std::string& path) {
    struct stat info {};
    ::stat(path.c_str(), &info);
    add(path);
    add(std::to_string(info.st_size) + ":" + std::to_string(info.st_mtim.tv_sec) + "." +
        std::to_string(info.st_mtim.tv_nsec));
}

std::string Fingerprint::hex() const {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(m_hash));
    return text;
}

bool reuseImportedCache(const std::string& dataRoot, const std::string& name, const std::string& sourcePath,
                        const std::string& fingerprint, ImportResult& result) {
    const std::string folder = importedDatasetFolder(dataRoot, name);
    if (!isRegularFile(joinPath(folder, kImportedMetaFile)))
        return false;
    try {
        ImportedMeta old = readImportedMeta(folder);
        if (old.fingerprint != fingerprint || old.sourcePath != sourcePath)
            return false;
        result.folder = folder;
        result.meta = old;
        result.reused = true;
        result.dataset = &registerDataset(std::make_unique<ImportedSource>(std::move(old), folder, dataRoot));
        return true;
    } catch (const Error&) {
        return false;  // a damaged cache is rebuilt
    }
}

void registerImportedCache(const std::string& folder, const std::string& dataRoot, ImportResult& result) {
    ImportedMeta registered = readImportedMeta(folder);
    result.folder = folder;
    result.meta = registered;
    result.dataset = &registerDataset(std::make_unique<ImportedSource>(std::move(registered), folder, dataRoot));
}

ImportCacheWriter::ImportCacheWriter(const std::string& dataRoot, const std::string& name, int channels, int rows,
                                     int cols)
    : m_folder(importedDatasetFolder(dataRoot, name)),
      m_staging(m_folder + ".importing-" + std::to_string(::getpid())),
      m_channels(channels),
      m_rows(rows),
      m_cols(cols),
      m_imageBytes(static_cast<std::size_t>(channels) * rows * cols) {
    makeDirectories(joinPath(dataRoot, kImportedFolder));
    removeTree(m_staging);
    makeDirectories(m_staging);
    // Train goes straight into the final files; validation and test are appended at commit.
    const char* const suffixes[3] = {"", ".validation", ".test"};
    for (int s = 0; s < 3; ++s) {
        Sink& sink = m_sinks[s];
        sink.images = joinPath(m_staging, std::string(kImportedImagesFile) + suffixes[s]);
        sink.labels = joinPath(m_staging, std::string(kImportedLabelsFile) + suffixes[s]);
        sink.imagesOut.open(sink.images, std::ios::binary | std::ios::trunc);
        sink.labelsOut.open(sink.labels, std::ios::binary | std::ios::trunc);
        if (!sink.imagesOut || !sink.labelsOut)
            throw Error("cannot create the cache in " + m_staging);
    }
}

ImportCacheWriter::~ImportCacheWriter() {
    if (!m_committed)
        removeTree(m_staging);
}

ImportCacheWriter::Sink& ImportCacheWriter::sink(Split split) {
    return m_sinks[split == Split::Train ? 0 : split == Split::Validation ? 1 : 2];
}

void ImportCacheWriter::add(Split split, const std::uint8_t* pixels, std::int64_t label) {
    Sink& s = sink(split);
    writeOrThrow(s.imagesOut, pixels, m_imageBytes, s.images);
    const auto value = static_cast<std::uint32_t>(label);
    const std::uint8_t le[4] = {std::uint8_t(value), std::uint8_t(value >> 8), std::uint8_t(value >> 16),
                                std::uint8_t(value >> 24)};
    writeOrThrow(s.labelsOut, le, 4, s.labels);
    ++s.count;
    m_lightBackgrounds += borderMedian(pixels, m_rows, m_cols) > 127;  // paper, as in a scan
}

std::int64_t ImportCacheWriter::count(Split split) const {
    return m_sinks[split == Split::Train ? 0 : split == Split::Validation ? 1 : 2].count;
}

std::int64_t ImportCacheWriter::total() const {
    return m_sinks[0].count + m_sinks[1].count + m_sinks[2].count;
}

std::string ImportCacheWriter::commit(ImportedMeta& meta, bool toGray) {
    for (Sink& s : m_sinks) {
        s.imagesOut.close();
        s.labelsOut.close();
        if (!s.imagesOut || !s.labelsOut)
            throw Error("cannot finish writing the cache in " + m_staging + " (is the disk full?)");
    }
    const std::string imagesPath = joinPath(m_staging, kImportedImagesFile);
    const std::string labelsPath = joinPath(m_staging, kImportedLabelsFile);
    const std::size_t plane = static_cast<std::size_t>(m_rows) * m_cols;
    const bool gray = toGray || m_channels == 1;
    const bool invert = gray && meta.info.traits.kind == ImageKind::Handwriting && 2 * m_lightBackgrounds > total();
    meta.inkInverted = invert;
    if (invert)
        meta.notes.push_back("dark ink on light paper in " + formatCount(m_lightBackgrounds) + " of " +
                             formatCount(total()) +
                             " images: stored inverted (bright ink on dark, like KMNIST and the drawing canvas)");
    if (toGray || invert) {
        // Every image turned out gray (R = G = B): keep one plane of each; scans: invert.
        const std::string rewritten = imagesPath + ".rewritten";
        std::ofstream out(rewritten, std::ios::binary | std::ios::trunc);
        for (const Sink& s : m_sinks)
            appendRecords(s.images, s.count, m_imageBytes, toGray ? plane : 0, out, rewritten, invert);
        out.close();
        if (!out)
            throw Error("cannot write " + rewritten + " (is the disk full?)");
        fs::rename(rewritten, imagesPath);
    } else {
        std::ofstream images(imagesPath, std::ios::binary | std::ios::app);
        for (int s = 1; s < 3; ++s)
            appendRecords(m_sinks[s].images, m_sinks[s].count, m_imageBytes, 0, images, imagesPath);
        images.close();
        if (!images)
            throw Error("cannot write " + imagesPath + " (is the disk full?)");
    }
    {
        std::ofstream labels(labelsPath, std::ios::binary | std::ios::app);
        for (int s = 1; s < 3; ++s)
            appendRecords(m_sinks[s].labels, m_sinks[s].count, 4, 0, labels, labelsPath);
        labels.close();
        if (!labels)
            throw Error("cannot write " + labelsPath + " (is the disk full?)");
    }
    for (int s = 1; s < 3; ++s) {
        ::unlink(m_sinks[s].images.c_str());
        ::unlink(m_sinks[s].labels.c_str());
    }

    meta.info.channels = toGray ? 1 : m_channels;
    meta.info.rows = m_rows;
    meta.info.cols = m_cols;
    meta.train = {0, m_sinks[0].count};
    meta.validation = {m_sinks[0].count, m_sinks[1].count};
    meta.test = {m_sinks[0].count + m_sinks[1].count, m_sinks[2].count};
    writeFileAtomically(joinPath(m_staging, kImportedMetaFile), importedMetaToJson(meta));

    // Swap the finished cache in; the old one (if any) goes only once the new one is in place.
    std::error_code ec;
    const std::string old = m_folder + ".old-" + std::to_string(::getpid());
    removeTree(old);
    if (fs::exists(m_folder, ec))
        fs::rename(m_folder, old, ec);
    fs::rename(m_staging, m_folder, ec);
    if (ec)
        throw Error("cannot move the new cache into " + m_folder + ": " + ec.message());
    m_committed = true;
    removeTree(old);
    return m_folder;
}

}  // namespace kanalab
