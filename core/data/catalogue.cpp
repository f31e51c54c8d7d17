// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/catalogue.h"

#include "common/error.h"
#include "data/builtin_datasets.h"
#include "data/imported_source.h"

#include <algorithm>
#include <mutex>

namespace kanalab {
namespace {

// Sources are never destroyed while the process lives: DatasetInfo pointers handed out (a
// DataPlan's, a view's) stay valid even after a dataset is removed or re-imported.
struct Registry {
    std::mutex mutex;
    std::vector<std::unique_ptr<DatasetSource>> all;  // every source ever registered
    std::vector<const DatasetSource*> live;           // those in use, in listing order
    std::size_t builtinCount = 0;

    Registry() {
        for (auto& source : makeBuiltinSources())
            add(std::move(source));
        builtinCount = live.size();
    }

    const DatasetInfo& add(std::unique_ptr<DatasetSource> source) {
        source = withBuiltinFacts(std::move(source));
        const std::string name = source->info().name;
        const DatasetSource* raw = source.get();
        all.push_back(std::move(source));
        auto same = std::find_if(live.begin(), live.end(), [&](const DatasetSource* s) { return s->info().name == name; });
        if (same != live.end())
            *same = raw;
        else
            live.push_back(raw);
        return raw->info();
    }

    const DatasetSource* find(const std::string& name) const {
        for (const auto* source : live)
            if (source->info().name == name)
                return source;
        return nullptr;
    }

    // Imported datasets under the roots that are not registered yet, and the converted cache of
    // a built-in that stands in for it until then (kkanji).
    void scan(const std::vector<DataRoot>& roots) {
        for (auto& source : scanImportedSources(roots)) {
            const DatasetSource* same = find(source->info().name);
            if (!same || (isStandIn(same) && convertedFrom(*source) == same->info().name))
                add(std::move(source));
        }
    }

    const DatasetSource* builtin(const std::string& name) const {
        for (std::size_t i = 0; i < builtinCount; ++i)
            if (all[i]->info().name == name)
                return all[i].get();
        return nullptr;
    }

    // A built-in whose classes are known only from its converted download (kkanji), while its
    // cache has not been found: lookups scan the data folders for that cache first.
    bool isStandIn(const DatasetSource* source) const {
        return source == builtin(source->info().name) && isConvertedAfterDownload(source->info());
    }

    // The built-in dataset an imported cache was converted from ("" for the user's own data).
    static std::string convertedFrom(const DatasetSource& source) {
        const auto* cache = dynamic_cast<const ImportedSource*>(&source);
        return cache ? cache->meta().builtin : std::string();
    }

    // A cache converted from a built-in's files carries the built-in's facts (licence, citation,
    // the Draw tab's frame; for kkanji itself, the download too).
    std::unique_ptr<DatasetSource> withBuiltinFacts(std::unique_ptr<DatasetSource> source) const {
        const auto* cache = dynamic_cast<const ImportedSource*>(source.get());
        const DatasetSource* original = cache ? builtin(cache->meta().builtin) : nullptr;
        if (!original)
            return source;
        return std::make_unique<ImportedSource>(kanalab::withBuiltinFacts(cache->meta(), original->info()),
                                                cache->folder(), cache->origin());
    }
};

Registry& registry() {
    static Registry instance;
    return instance;
}

std::vector<const DatasetInfo*> listLocked(const Registry& r) {
    std::vector<const DatasetInfo*> out;
    for (const auto* source : r.live)
        out.push_back(&source->info());
    return out;
}

}  // namespace

const DatasetInfo& registerDataset(std::unique_ptr<DatasetSource> source) {
    if (!source)
        throw Error("registerDataset: no source");
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    // Only the converted cache of a stand-in (kkanji) may take a built-in's name.
    if (const DatasetSource* builtin = r.builtin(source->info().name);
        builtin && !(isConvertedAfterDownload(builtin->info()) && Registry::convertedFrom(*source) == builtin->info().name))
        throw Error("'" + source->info().name + "' is the name of a dataset built into KanaLab: choose another name");
    return r.add(std::move(source));
}

void unregisterDataset(const std::string& name) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    auto it = std::find_if(r.live.begin(), r.live.end(), [&](const DatasetSource* s) { return s->info().name == name; });
    if (it == r.live.end())
        return;
    if (!(*it)->info().imported)
        throw Error(name + " is built into KanaLab and cannot be removed");
    r.live.erase(it);
}

const char* splitName(Split split) {
    switch (split) {
    case Split::Train:
        return "train";
    case Split::Validation:
        return "validation";
    case Split::Test:
        return "test";
    }
    return "test";
}

std::string ClassInfo::displayName() const {
    if (glyph.empty())
        return label;
    return romaji.empty() ? glyph : glyph + " " + romaji;
}

bool RemoteFile::serves(Split split) const { return std::find(splits.begin(), splits.end(), split) != splits.end(); }

std::vector<RemoteFile> DatasetInfo::remoteFilesFor(Split split) const {
    std::vector<RemoteFile> out;
    for (const auto& file : remoteFiles)
        if (file.serves(split))
            out.push_back(file);
    return out;
}

std::int64_t DatasetInfo::remoteBytes(const std::vector<Split>& splits) const {
    std::int64_t total = 0;
    for (const auto& file : remoteFiles)
        if (std::any_of(splits.begin(), splits.end(), [&](Split s) { return file.serves(s); }))
            total += file.bytes;
    return total;
}

std::vector<const DatasetInfo*> datasetCatalogue() { return datasetCatalogue(dataRoots("")); }

std::vector<const DatasetInfo*> datasetCatalogue(const std::vector<DataRoot>& roots) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    r.scan(roots);
    return listLocked(r);
}

std::string knownDatasetNames() {
    std::string names;
    for (const auto* d : datasetCatalogue())
        names += (names.empty() ? "" : ", ") + d->name;
    return names;
}

const DatasetInfo* tryFindDataset(const std::string& name) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    if (const auto* source = r.find(name); source && !r.isStandIn(source))
        return &source->info();
    r.scan(dataRoots(""));
    const auto* source = r.find(name);
    return source ? &source->info() : nullptr;
}

const DatasetInfo& findDataset(const std::string& name) { return findDataset(name, dataRoots("")); }

const DatasetInfo& findDataset(const std::string& name, const std::vector<DataRoot>& roots) {
    {
        Registry& r = registry();
        std::lock_guard<std::mutex> lock(r.mutex);
        if (const auto* source = r.find(name); source && !r.isStandIn(source))
            return source->info();
        r.scan(roots);
        if (const auto* source = r.find(name))
            return source->info();
    }
    throw Error("unknown dataset '" + name + "': known datasets are " + knownDatasetNames() +
                " (kanalab-cli import PATH makes one of your own folder)");
}

}  // namespace kanalab
