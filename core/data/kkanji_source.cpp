// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/kkanji_source.h"

#include "common/error.h"
#include "data/builtin_datasets.h"
#include "data/byte_stream.h"
#include "data/downloader.h"
#include "data/folder_scan.h"
#include "data/tar_reader.h"

#include <filesystem>

namespace kanalab {
namespace {

constexpr std::size_t kNamesShown = 5;

std::string folderList(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < kNamesShown; ++i)
        out += (i ? ", " : "") + names[i] + "/";
    if (names.size() > kNamesShown)
        out += " and " + std::to_string(names.size() - kNamesShown) + " more";
    return out;
}

// The stand-in for kkanji until its archive is converted (the converted cache then takes its
// place in the registry): it only says whether kkanji.tar is here.
class KkanjiSource final : public DatasetSource {
public:
    explicit KkanjiSource(DatasetInfo info) : DatasetSource(std::move(info)) {}

    DatasetStatus locate(const std::vector<DataRoot>& roots, bool) const override {
        DatasetStatus status;
        status.info = &info();
        status.train.split = Split::Train;
        status.validation.split = Split::Validation;
        status.test.split = Split::Test;
        for (const auto& candidate : candidateFolders(roots)) {
            const std::string archive = joinPath(candidate.folder, kKkanjiArchive);
            if (!isRegularFile(archive))
                continue;
            for (SplitStatus* s : {&status.train, &status.test}) {
                s->imagesPath = archive;
                s->folder = candidate.folder;
                s->origin = candidate.origin;
                s->problem = std::string(kKkanjiArchive) + " is in " + candidate.folder +
                             " but not converted yet: run kanalab-cli download kkanji (it converts the file it finds "
                             "there instead of fetching it again)";
            }
            return status;
        }
        status.train.missing = status.test.missing = info().remoteFiles;
        return status;
    }

    ImageSet load(const DatasetStatus& status, Split split) const override {
        const SplitStatus& where = status.split(split);
        if (!where.problem.empty())
            throw Error(info().name + ": " + where.problem);
        throwMissing(status, split);
    }
};

class KkanjiArchiveCheck final : public DownloadedFileCheck {
public:
    void checkDownloadedFile(const RemoteFile&, const std::string& path, const std::string& displayName,
                             const std::atomic<bool>* cancel) const override {
        checkKkanjiArchive(path, displayName, cancel);
    }
};

}  // namespace

const DownloadedFileCheck& kkanjiArchiveCheck() {
    static const KkanjiArchiveCheck check;
    return check;
}

std::unique_ptr<DatasetSource> makeKkanjiSource(DatasetInfo info) {
    return std::make_unique<KkanjiSource>(std::move(info));
}

bool isKuzushijiKanjiListing(const ImportListing& listing, const std::string& root) {
    if (listing.classes.empty())
        return false;
    for (const auto& c : listing.classes)
        if (c.glyph.empty() || c.name.size() < 2 || (c.name[0] != 'U' && c.name[0] != 'u'))
            return false;
    const std::string folder = std::filesystem::path(root).lexically_normal().filename().string();
    return listing.wrapper == kKkanjiTopFolder || (listing.archive.empty() && folder == kKkanjiTopFolder);
}

void checkKkanjiArchive(const std::string& path, const std::string& displayName, const std::atomic<bool>* cancel) {
    const std::unique_ptr<ByteStream> stream = openArchiveStream(path);
    const ImportListing listing = scanTarClassFolders(*stream, displayName, cancel);
    const std::string expected = std::string(kKkanjiTopFolder) + "/U+XXXX/*.png";
    if (listing.pool.empty())
        throw Error(displayName + " holds no " + expected + " images: it is not the Kuzushiji-Kanji archive");
    if (listing.wrapper != kKkanjiTopFolder) {
        std::vector<std::string> top;
        if (listing.wrapper.empty())
            for (const auto& c : listing.classes)
                top.push_back(c.name);
        else
            top.push_back(listing.wrapper);
        throw Error(displayName + " has no " + kKkanjiTopFolder + "/ folder (its images are in " + folderList(top) +
                    "): it is not the Kuzushiji-Kanji archive, whose images are " + expected);
    }
    std::vector<std::string> strangers;
    for (const auto& c : listing.classes)
        if (c.glyph.empty() || (c.name[0] != 'U' && c.name[0] != 'u'))
            strangers.push_back(std::string(kKkanjiTopFolder) + "/" + c.name);
    if (!strangers.empty())
        throw Error(displayName + ": " + folderList(strangers) +
                    (strangers.size() == 1 ? " is not a U+XXXX class folder" : " are not U+XXXX class folders") +
                    ": it is not the Kuzushiji-Kanji archive, whose images are " + expected);
}

std::vector<ImportResult> convertKkanji(const std::string& root, ImportOptions options) {
    const std::string archive = joinPath(joinPath(root, kKkanjiName), kKkanjiArchive);
    if (!isRegularFile(archive))
        throw Error(archive + " is not there; run kanalab-cli download kkanji");
    const int minClassImages = options.minClassImages;
    options.name.clear();  // kkanji, kkanji-minN: the import names Kuzushiji-Kanji itself
    options.format = "folder";
    options.rows = options.cols = kKkanjiSide;
    options.channels = 1;
    options.crop = false;
    options.kind = "handwriting";
    options.minClassImages = 0;
    std::vector<ImportResult> results;
    results.push_back(importDataset(archive, root, options));
    if (results.back().dataset->name != kKkanjiName)
        throw Error(archive + " was not read as Kuzushiji-Kanji (its class folders are not kkanji2/U+XXXX/)");
    if (minClassImages > 0) {
        options.minClassImages = minClassImages;
        results.push_back(importDataset(archive, root, options));
    }
    return results;
}

}  // namespace kanalab
