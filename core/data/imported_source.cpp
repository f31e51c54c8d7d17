// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/imported_source.h"

#include "common/error.h"
#include "data/byte_stream.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace kanalab {
namespace {

using nlohmann::json;

json splitToJson(const ImportedSplit& s) { return {{"first", s.first}, {"count", s.count}}; }

ImportedSplit splitFromJson(const json& j) {
    ImportedSplit s;
    s.first = j.value("first", std::int64_t(0));
    s.count = j.value("count", std::int64_t(0));
    return s;
}

const char* kindName(ImageKind kind) { return kind == ImageKind::Photo ? "photo" : "handwriting"; }

std::string systemReason() { return std::strerror(errno); }

}  // namespace

const ImportedSplit& ImportedMeta::split(Split which) const {
    switch (which) {
    case Split::Train:
        return train;
    case Split::Validation:
        return validation;
    case Split::Test:
        return test;
    }
    return test;
}

std::string importedMetaToJson(const ImportedMeta& m) {
    json classes = json::array();
    for (const auto& c : m.info.classes)
        classes.push_back({{"label", c.label}, {"glyph", c.glyph}, {"romaji", c.romaji}});
    json skipped = json::array();
    for (const auto& s : m.skipped)
        skipped.push_back({{"path", s.path}, {"reason", s.reason}});
    const json j = {{"kanalabImportedDataset", kImportedFormatVersion},
                    {"name", m.info.name},
                    {"title", m.info.title},
                    {"description", m.info.description},
                    {"kind", kindName(m.info.traits.kind)},
                    {"channels", m.info.channels},
                    {"rows", m.info.rows},
                    {"cols", m.info.cols},
                    {"classes", classes},
                    {"sourcePath", m.sourcePath},
                    {"layout", m.layout},
                    {"fit", m.fit},
                    {"inkInverted", m.inkInverted},
                    {"train", splitToJson(m.train)},
                    {"validation", splitToJson(m.validation)},
                    {"test", splitToJson(m.test)},
                    {"fingerprint", m.fingerprint},
                    {"skipped", skipped},
                    {"notes", m.notes},
                    {"importedAt", m.importedAt}};
    json out = j;
    if (m.testFraction >= 0)
        out["split"] = {{"seed", m.seed}, {"testFraction", m.testFraction}};
    if (m.minClassImages > 0)
        out["minClassImages"] = m.minClassImages;
    if (!m.sourceSha256.empty())
        out["sourceSha256"] = m.sourceSha256;
    if (!m.builtin.empty())
        out["builtin"] = m.builtin;
    if (!m.licence.empty())
        out["licence"] = m.licence;
    if (!m.citation.empty())
        out["citation"] = m.citation;
    return out.dump(1) + "\n";
}

ImportedMeta importedMetaFromJson(const std::string& text, const std::string& path) {
    ImportedMeta m;
    try {
        const json j = json::parse(text);
        if (!j.is_object() || !j.contains("kanalabImportedDataset"))
            throw Error(path + ": not the description of a KanaLab imported dataset");
        const int version = j.at("kanalabImportedDataset").get<int>();
        if (version > kImportedFormatVersion)
            throw Error(path + ": written by a newer KanaLab (format " + std::to_string(version) +
                        "); import the data again with this version");
        m.info.name = j.at("name").get<std::string>();
        m.info.title = j.value("title", m.info.name);
        m.info.description = j.value("description", std::string());
        m.info.traits.kind = j.value("kind", std::string("handwriting")) == "photo" ? ImageKind::Photo : ImageKind::Handwriting;
        m.info.channels = j.at("channels").get<int>();
        m.info.rows = j.at("rows").get<int>();
        m.info.cols = j.at("cols").get<int>();
        int index = 0;
        for (const auto& c : j.at("classes"))
            m.info.classes.push_back({index++, c.at("label").get<std::string>(), c.value("glyph", std::string()),
                                      c.value("romaji", std::string())});
        m.sourcePath = j.value("sourcePath", std::string());
        m.layout = j.value("layout", std::string());
        m.fit = j.value("fit", std::string("pad"));
        m.inkInverted = j.value("inkInverted", false);
        m.train = splitFromJson(j.at("train"));
        m.validation = splitFromJson(j.value("validation", json::object()));
        m.test = splitFromJson(j.at("test"));
        m.fingerprint = j.value("fingerprint", std::string());
        for (const auto& s : j.value("skipped", json::array()))
            m.skipped.push_back({s.value("path", std::string()), s.value("reason", std::string())});
        m.notes = j.value("notes", std::vector<std::string>());
        m.importedAt = j.value("importedAt", std::string());
        if (j.contains("split")) {
            m.seed = j.at("split").value("seed", std::uint64_t(0));
            m.testFraction = j.at("split").value("testFraction", -1.0);
        }
        m.minClassImages = j.value("minClassImages", 0);
        m.sourceSha256 = j.value("sourceSha256", std::string());
        m.builtin = j.value("builtin", std::string());
        m.licence = j.value("licence", std::string());
        m.citation = j.value("citation", std::string());
    } catch (const json::exception& e) {
        throw Error(path + ": the imported dataset's description is damaged (" + e.what() + "); import it again");
    }
    if (m.info.channels != 1 && m.info.channels != 3)
        throw Error(path + ": " + std::to_string(m.info.channels) + " channels; imported datasets have 1 or 3");
    if (m.info.rows <= 0 || m.info.cols <= 0 || m.info.rows > 4096 || m.info.cols > 4096)
        throw Error(path + ": image size " + std::to_string(m.info.rows) + "x" + std::to_string(m.info.cols) +
                    " is not plausible; import the data again");
    if (m.info.classes.empty())
        throw Error(path + ": the imported dataset has no classes");
    for (const ImportedSplit* s : {&m.train, &m.validation, &m.test})
        if (s->first < 0 || s->count < 0)
            throw Error(path + ": a split has a negative position or size; import the data again");
    m.info.format = "imported " + m.layout;
    m.info.imported = true;
    m.info.trainCount = m.train.count;
    m.info.testCount = m.test.count;
    m.info.licence = m.licence.empty() ? "the owner's (imported from " + m.sourcePath + ")" : m.licence;
    m.info.citation = m.citation;
    return m;
}

ImportedMeta withBuiltinFacts(ImportedMeta cache, const DatasetInfo& builtin) {
    DatasetInfo& info = cache.info;
    const bool standsForBuiltin = info.name == builtin.name;
    if (standsForBuiltin || info.title == info.name)
        info.title = builtin.title + (standsForBuiltin ? "" : " (" + info.name + ")");
    if (standsForBuiltin) {
        info.description = builtin.description;
        info.format = builtin.format;
        info.downloadUrls = builtin.downloadUrls;
        info.remoteFiles = builtin.remoteFiles;
        info.systemFolders = builtin.systemFolders;
        info.imported = false;
    }
    info.traits = builtin.traits;
    info.licence = builtin.licence;
    info.citation = builtin.citation;
    return cache;
}

ImportedMeta readImportedMeta(const std::string& folder) {
    const std::string path = joinPath(folder, kImportedMetaFile);
    const std::vector<std::uint8_t> bytes = readWholeFile(path);
    return importedMetaFromJson(std::string(bytes.begin(), bytes.end()), path);
}

ImportedSource::ImportedSource(ImportedMeta meta, std::string folder, std::string origin)
    : DatasetSource(meta.info), m_meta(std::move(meta)), m_folder(std::move(folder)), m_origin(std::move(origin)) {}

DatasetStatus ImportedSource::locate(const std::vector<DataRoot>&, bool) const {
    // The cache knows where it is: the roots were searched when it was registered.
    DatasetStatus status;
    status.info = &info();
    const std::string images = joinPath(m_folder, kImportedImagesFile);
    const std::string labels = joinPath(m_folder, kImportedLabelsFile);
    const bool files = isRegularFile(images) && isRegularFile(labels);
    for (Split split : {Split::Train, Split::Validation, Split::Test}) {
        SplitStatus& s = split == Split::Train ? status.train : split == Split::Validation ? status.validation : status.test;
        s.split = split;
        s.count = m_meta.split(split).count;
        s.present = files && s.count > 0;
        if (s.present) {
            s.imagesPath = images;
            s.labelsPath = labels;
            s.folder = m_folder;
            s.origin = m_origin;
        } else if (!files && s.count > 0) {
            s.problem = "the cache in " + m_folder + " lost its image files; import the data again";
        }
    }
    return status;
}

ImageSet ImportedSource::load(const DatasetStatus& status, Split split) const {
    const SplitStatus& where = status.split(split);
    if (!where.present) {
        if (!where.problem.empty())
            throw Error(info().name + ": " + where.problem);
        throw Error(info().name + " has no " + splitName(split) + " split (it was imported from " + m_meta.sourcePath +
                    " without one)");
    }
    ImageSet set = loadRange(m_meta.split(split));
    set.source = info().name + " " + splitName(split);
    return set;
}

ImageSet ImportedSource::loadTrainAndValidation(const DatasetStatus& status) const {
    // The import writes train then validation: one range covers both.
    if (m_meta.validation.count > 0 && m_meta.train.count > 0 &&
        m_meta.validation.first != m_meta.train.first + m_meta.train.count)
        return DatasetSource::loadTrainAndValidation(status);
    if (!status.train.present)
        return load(status, Split::Train);  // says what is missing
    ImageSet set = loadRange({m_meta.train.first, m_meta.train.count + m_meta.validation.count});
    set.source = info().name + " train + validation";
    return set;
}

ImageSet ImportedSource::loadRange(const ImportedSplit& range) const {
    const std::string imagesPath = joinPath(m_folder, kImportedImagesFile);
    const std::string labelsPath = joinPath(m_folder, kImportedLabelsFile);
    const std::size_t imageBytes = static_cast<std::size_t>(info().channels) * info().rows * info().cols;
    const std::int64_t total = m_meta.totalImages();
    auto images = mapFileReadOnly(imagesPath, static_cast<std::size_t>(total) * imageBytes);
    const std::vector<std::uint8_t> labelBytes = readWholeFile(labelsPath);
    if (labelBytes.size() != static_cast<std::size_t>(total) * 4)
        throw Error(fileNameOf(labelsPath) + " in " + m_folder + " holds " + std::to_string(labelBytes.size() / 4) +
                    " labels but the dataset has " + std::to_string(total) + " images; import the data again");
    if (range.first < 0 || range.count < 0 || range.first + range.count > total)
        throw Error(joinPath(m_folder, kImportedMetaFile) + ": a split runs past the cache; import the data again");
    ImageSet set;
    set.channels = info().channels;
    set.rows = info().rows;
    set.cols = info().cols;
    // An aliasing pointer: it points at the range's first image and keeps the whole map alive.
    set.mapped = std::shared_ptr<const std::uint8_t>(images, images.get() + range.first * imageBytes);
    set.labels.resize(static_cast<std::size_t>(range.count));
    for (std::int64_t i = 0; i < range.count; ++i) {
        const std::uint8_t* p = labelBytes.data() + (range.first + i) * 4;
        const std::int64_t label = static_cast<std::int32_t>(std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 |
                                                             std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24);
        if (label < 0 || label >= info().numClasses())
            throw Error(fileNameOf(labelsPath) + " in " + m_folder + ": label " + std::to_string(label) +
                        " is outside the " + std::to_string(info().numClasses()) + " classes; import the data again");
        set.labels[static_cast<std::size_t>(i)] = label;
    }
    return set;
}

std::string importedDatasetFolder(const std::string& root, const std::string& name) {
    return joinPath(joinPath(root, kImportedFolder), name);
}

std::vector<std::unique_ptr<DatasetSource>> scanImportedSources(const std::vector<DataRoot>& roots) {
    std::vector<std::unique_ptr<DatasetSource>> sources;
    for (const auto& root : roots) {
        const std::string base = joinPath(root.path, kImportedFolder);
        if (!isDirectory(base))
            continue;
        std::error_code ec;
        std::vector<std::string> folders;
        for (const auto& entry : std::filesystem::directory_iterator(base, ec))
            if (entry.is_directory(ec))
                folders.push_back(entry.path().string());
        std::sort(folders.begin(), folders.end());
        for (const auto& folder : folders) {
            if (!isRegularFile(joinPath(folder, kImportedMetaFile)))
                continue;
            try {
                ImportedMeta meta = readImportedMeta(folder);
                bool duplicate = false;
                for (const auto& s : sources)
                    duplicate = duplicate || s->info().name == meta.info.name;
                if (!duplicate)
                    sources.push_back(std::make_unique<ImportedSource>(std::move(meta), folder, root.origin));
            } catch (const Error&) {
                // A damaged cache is not a dataset; `kanalab-cli import` rewrites it.
            }
        }
    }
    return sources;
}

std::shared_ptr<const std::uint8_t> mapFileReadOnly(const std::string& path, std::size_t expectedBytes) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        throw Error("cannot open " + path + ": " + systemReason());
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
        const std::string reason = systemReason();
        ::close(fd);
        throw Error("cannot read " + path + ": " + reason);
    }
    if (static_cast<std::size_t>(info.st_size) != expectedBytes) {
        ::close(fd);
        throw Error(path + " holds " + std::to_string(info.st_size) + " bytes but should hold " +
                    std::to_string(expectedBytes) + " (a damaged or half-written cache); import the data again");
    }
    if (expectedBytes == 0) {
        ::close(fd);
        static const std::uint8_t none = 0;
        return std::shared_ptr<const std::uint8_t>(&none, [](const std::uint8_t*) {});
    }
    void* address = ::mmap(nullptr, expectedBytes, PROT_READ, MAP_SHARED, fd, 0);
    const std::string reason = address == MAP_FAILED ? systemReason() : std::string();
    ::close(fd);
    if (address == MAP_FAILED)
        throw Error("cannot map " + path + " into memory: " + reason);
    return std::shared_ptr<const std::uint8_t>(static_cast<const std::uint8_t*>(address),
                                               [expectedBytes](const std::uint8_t* p) {
                                                   ::munmap(const_cast<std::uint8_t*>(p), expectedBytes);
                                               });
}

}  // namespace kanalab
