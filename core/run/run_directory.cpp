// SPDX-License-Identifier: GPL-3.0-or-later
#include "run/run_directory.h"

#include "common/atomic_file.h"
#include "common/error.h"
#include "data/byte_stream.h"
#include "data/data_dirs.h"
#include "train/checkpoint_json.h"
#include "train/train_config_json.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kanalab {
namespace {

std::string csvNumber(double value, int precision = 6) {
    if (!std::isfinite(value))
        return "";
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    return buffer;
}

// Labels may hold commas ("T-shirt/top" does not, a folder name might): quote when needed.
std::string csvText(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos)
        return text;
    std::string quoted = "\"";
    for (char c : text)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

std::vector<std::string> splitCsvLine(const std::string& line) {
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.push_back(field);
            field.clear();
        } else if (c != '\r') {
            field += c;
        }
    }
    fields.push_back(field);
    return fields;
}

double parseNumber(const std::string& text) { return text.empty() ? std::nan("") : std::strtod(text.c_str(), nullptr); }

std::vector<std::vector<std::string>> readCsvRows(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::vector<std::string>> rows;
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
        if (header) {
            header = false;
            continue;
        }
        if (!line.empty())
            rows.push_back(splitCsvLine(line));
    }
    return rows;
}

std::string readText(const std::string& path) {
    const auto bytes = readWholeFile(path);
    return std::string(bytes.begin(), bytes.end());
}

std::string className(const std::vector<ClassInfo>& classes, int index) {
    if (index >= 0 && index < static_cast<int>(classes.size()))
        return classes[static_cast<std::size_t>(index)].displayName();
    return std::to_string(index);
}

std::FILE* openAppend(const std::string& path, const char* header) {
    const bool fresh = !isRegularFile(path);
    std::FILE* f = std::fopen(path.c_str(), "a");
    if (!f)
        throw Error("cannot write " + path + ": " + std::strerror(errno));
    if (fresh)
        std::fputs(header, f);
    return f;
}

constexpr const char* kMetricsHeader =
    "epoch,train_loss,train_accuracy,val_loss,val_accuracy,learning_rate,seconds,best,val_balanced_accuracy\n";
constexpr const char* kProgressHeader =
    "step,epoch,batch,batches_per_epoch,loss,accuracy,learning_rate,images_per_second,elapsed_seconds\n";

}  // namespace

RunDirectory::RunDirectory(std::string path) : m_path(std::move(path)) {
    makeDirectories(m_path);
    makeDirectories(checkpointsDir());
}

RunDirectory::~RunDirectory() {
    if (m_metrics)
        std::fclose(m_metrics);
    if (m_progress)
        std::fclose(m_progress);
}

std::string RunDirectory::newRunPath(const std::string& parent, const std::string& dataset, const std::string& model) {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d_%H-%M-%S", &local);
    const std::string base = joinPath(parent, std::string(stamp) + "_" + dataset + "_" + model);
    std::string candidate = base;
    for (int n = 2; std::filesystem::exists(candidate); ++n)
        candidate = base + "_" + std::to_string(n);
    return candidate;
}

std::string RunDirectory::file(const std::string& name) const { return joinPath(m_path, name); }

std::string RunDirectory::epochCheckpoint(int epoch) const {
    return file("checkpoints/epoch-" + std::to_string(epoch) + ".pt");
}

void RunDirectory::writeConfig(const TrainConfig& config) {
    nlohmann::json j = config;
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &local);
    // The first write records when the run was created; later writes (resume) keep it.
    std::string created = stamp;
    if (isRegularFile(file("config.json"))) {
        try {
            created = nlohmann::json::parse(readText(file("config.json"))).value("createdAt", created);
        } catch (const std::exception&) {
        }
    }
    j["createdAt"] = created;
    writeFileAtomically(file("config.json"), j.dump(2) + "\n");
}

void RunDirectory::resetMetrics(const std::vector<EpochResult>& history) {
    if (m_metrics) {
        std::fclose(m_metrics);
        m_metrics = nullptr;
    }
    std::remove(file("metrics.csv").c_str());
    for (const auto& result : history)
        appendMetrics(result);
}

void RunDirectory::appendMetrics(const EpochResult& r) {
    if (!m_metrics)
        m_metrics = openAppend(file("metrics.csv"), kMetricsHeader);
    // New columns go at the end, so files of older runs (8 columns) read the same.
    std::fprintf(m_metrics, "%d,%s,%s,%s,%s,%s,%s,%d,%s\n", r.epoch, csvNumber(r.trainLoss).c_str(),
                 csvNumber(r.trainAccuracy).c_str(), csvNumber(r.validationLoss).c_str(),
                 csvNumber(r.validationAccuracy).c_str(), csvNumber(r.learningRate).c_str(),
                 csvNumber(r.seconds).c_str(), r.best ? 1 : 0, csvNumber(r.validationBalancedAccuracy).c_str());
    std::fflush(m_metrics);
}

void RunDirectory::appendProgress(const TrainProgress& p) {
    if (!m_progress)
        m_progress = openAppend(file("progress.csv"), kProgressHeader);
    std::fprintf(m_progress, "%lld,%d,%lld,%lld,%s,%s,%s,%s,%s\n", static_cast<long long>(p.step), p.epoch,
                 static_cast<long long>(p.batch), static_cast<long long>(p.batchesPerEpoch),
                 csvNumber(p.loss).c_str(), csvNumber(p.accuracy).c_str(), csvNumber(p.learningRate).c_str(),
                 csvNumber(p.imagesPerSecond).c_str(), csvNumber(p.elapsedSeconds).c_str());
}

void RunDirectory::flush() {
    if (m_progress)
        std::fflush(m_progress);
    if (m_metrics)
        std::fflush(m_metrics);
}

void RunDirectory::writeStatus(const TrainOutcome& o) {
    nlohmann::json j = {{"status", trainStatusName(o.status)},
                        {"message", o.message},
                        {"epochsDone", o.epochsDone},
                        {"bestEpoch", o.bestEpoch},
                        {"bestValidationAccuracy", numberOrNull(o.bestValidationAccuracy)},
                        {"trainSeconds", o.trainSeconds},
                        {"testAccuracy", o.hasTest ? numberOrNull(o.test.accuracy) : nlohmann::json()},
                        {"testBalancedAccuracy", o.hasTest ? numberOrNull(o.test.balancedAccuracy) : nlohmann::json()}};
    writeFileAtomically(file("status.json"), j.dump(2) + "\n");
}

void RunDirectory::writeEvaluation(const EvalReport& report, const std::vector<ClassInfo>& classes) {
    nlohmann::json j = report;
    nlohmann::json names = nlohmann::json::array();
    for (const auto& c : classes)
        names.push_back(c.displayName());
    j["classes"] = names;
    writeFileAtomically(file("eval.json"), j.dump(2) + "\n");

    std::ostringstream confusion;
    confusion << "true\\predicted";
    for (int c = 0; c < report.numClasses(); ++c)
        confusion << "," << csvText(className(classes, c));
    confusion << "\n";
    for (int t = 0; t < report.numClasses(); ++t) {
        confusion << csvText(className(classes, t));
        for (auto n : report.confusion[static_cast<std::size_t>(t)])
            confusion << "," << n;
        confusion << "\n";
    }
    writeFileAtomically(file("confusion.csv"), confusion.str());

    std::ostringstream mistakes;
    mistakes << "index,true,true_label,predicted,predicted_label,confidence,top1,top1_probability,top2,"
                "top2_probability,top3,top3_probability\n";
    for (const auto& m : report.misclassified) {
        mistakes << m.index << "," << m.trueClass << "," << csvText(className(classes, m.trueClass)) << ","
                 << m.predicted << "," << csvText(className(classes, m.predicted)) << "," << csvNumber(m.confidence, 5);
        for (int k = 0; k < 3; ++k)
            mistakes << "," << m.top[static_cast<std::size_t>(k)] << ","
                     << csvNumber(m.topProbability[static_cast<std::size_t>(k)], 5);
        mistakes << "\n";
    }
    writeFileAtomically(file("misclassified.csv"), mistakes.str());
}

RunSummary readRun(const std::string& path) {
    RunSummary summary;
    summary.path = path;
    summary.name = fileNameOf(path.back() == '/' ? path.substr(0, path.size() - 1) : path);
    const std::string configPath = joinPath(path, "config.json");
    if (!isRegularFile(configPath))
        throw Error(path + " is not a KanaLab run: it has no config.json");
    try {
        const auto j = nlohmann::json::parse(readText(configPath));
        summary.config = j.get<TrainConfig>();
        summary.createdAt = j.value("createdAt", "");
    } catch (const nlohmann::json::exception& e) {
        throw Error(configPath + ": not valid JSON (" + e.what() + ")");
    }
    const auto metrics = readMetrics(path);
    summary.epochsDone = static_cast<int>(metrics.size());
    for (const auto& m : metrics) {
        summary.trainSeconds += m.seconds;
        summary.epochSeconds += m.seconds;
        if (std::isfinite(m.validationAccuracy) &&
            (!std::isfinite(summary.bestValidationAccuracy) || m.validationAccuracy > summary.bestValidationAccuracy)) {
            summary.bestValidationAccuracy = m.validationAccuracy;
            summary.bestEpoch = m.epoch;
        }
    }
    summary.status = "interrupted";
    const std::string statusPath = joinPath(path, "status.json");
    if (isRegularFile(statusPath)) {
        try {
            const auto j = nlohmann::json::parse(readText(statusPath));
            summary.status = j.value("status", "unknown");
            summary.message = j.value("message", "");
            summary.trainSeconds = j.value("trainSeconds", summary.trainSeconds);
            summary.bestEpoch = j.value("bestEpoch", summary.bestEpoch);
            summary.testAccuracy = numberOrNaN(j, "testAccuracy");
            summary.testBalancedAccuracy = numberOrNaN(j, "testBalancedAccuracy");
        } catch (const nlohmann::json::exception&) {
            summary.status = "unknown";
        }
    }
    summary.hasBestCheckpoint = isRegularFile(joinPath(path, "checkpoints/best.pt"));
    summary.hasLastCheckpoint = isRegularFile(joinPath(path, "checkpoints/last.pt"));
    return summary;
}

std::vector<RunSummary> listRuns(const std::string& parent) {
    std::vector<RunSummary> runs;
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(parent, error)) {
        if (!entry.is_directory())
            continue;
        try {
            runs.push_back(readRun(entry.path().string()));
        } catch (const Error&) {
            // Not a run (or a damaged one): the browser lists what it can read.
        }
    }
    std::sort(runs.begin(), runs.end(), [](const RunSummary& a, const RunSummary& b) {
        return a.createdAt != b.createdAt ? a.createdAt > b.createdAt : a.name > b.name;
    });
    return runs;
}

std::vector<EpochResult> readMetrics(const std::string& runPath) {
    std::vector<EpochResult> results;
    for (const auto& row : readCsvRows(joinPath(runPath, "metrics.csv"))) {
        if (row.size() < 8)
            continue;
        EpochResult r;
        r.epoch = std::atoi(row[0].c_str());
        r.trainLoss = parseNumber(row[1]);
        r.trainAccuracy = parseNumber(row[2]);
        r.validationLoss = parseNumber(row[3]);
        r.validationAccuracy = parseNumber(row[4]);
        r.learningRate = parseNumber(row[5]);
        r.seconds = parseNumber(row[6]);
        r.best = row[7] == "1";
        if (row.size() > 8)
            r.validationBalancedAccuracy = parseNumber(row[8]);
        results.push_back(r);
    }
    return results;
}

std::vector<TrainProgress> readProgress(const std::string& runPath) {
    std::vector<TrainProgress> points;
    for (const auto& row : readCsvRows(joinPath(runPath, "progress.csv"))) {
        if (row.size() < 9)
            continue;
        TrainProgress p;
        p.step = std::atoll(row[0].c_str());
        p.epoch = std::atoi(row[1].c_str());
        p.batch = std::atoll(row[2].c_str());
        p.batchesPerEpoch = std::atoll(row[3].c_str());
        p.loss = parseNumber(row[4]);
        p.accuracy = parseNumber(row[5]);
        p.learningRate = parseNumber(row[6]);
        p.imagesPerSecond = parseNumber(row[7]);
        p.elapsedSeconds = parseNumber(row[8]);
        points.push_back(p);
    }
    return points;
}

EvalReport readEvaluation(const std::string& runPath) {
    const std::string evalPath = joinPath(runPath, "eval.json");
    if (!isRegularFile(evalPath))
        throw Error(runPath + " has not been evaluated yet (no eval.json): run kanalab-cli eval " + runPath);
    EvalReport report;
    try {
        report = nlohmann::json::parse(readText(evalPath)).get<EvalReport>();
    } catch (const nlohmann::json::exception& e) {
        throw Error(evalPath + ": not valid JSON (" + e.what() + ")");
    }
    for (const auto& row : readCsvRows(joinPath(runPath, "misclassified.csv"))) {
        if (row.size() < 12)
            continue;
        Misclassified m;
        m.index = std::atoll(row[0].c_str());
        m.trueClass = std::atoi(row[1].c_str());
        m.predicted = std::atoi(row[3].c_str());
        m.confidence = static_cast<float>(parseNumber(row[5]));
        for (std::size_t k = 0; k < 3; ++k) {
            m.top[k] = std::atoi(row[6 + 2 * k].c_str());
            m.topProbability[k] = static_cast<float>(parseNumber(row[7 + 2 * k]));
        }
        report.misclassified.push_back(m);
    }
    return report;
}

}  // namespace kanalab
