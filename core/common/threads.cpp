// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/threads.h"

#include <ATen/Parallel.h>

#include <dlfcn.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

namespace kanalab {
namespace {

// OpenBLAS is reached through libblas.so.3 (Debian's alternatives); its thread control is not
// part of the BLAS interface, so look it up at run time and do nothing when another BLAS is in use.
using SetThreadsFn = void (*)(int);
using GetThreadsFn = int (*)();

SetThreadsFn openblasSetThreads() {
    static const auto fn = reinterpret_cast<SetThreadsFn>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"));
    return fn;
}

GetThreadsFn openblasGetThreads() {
    static const auto fn = reinterpret_cast<GetThreadsFn>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
    return fn;
}

// The batch size from which dense models give OpenBLAS more than one thread.
constexpr int kDenseSplitBatch = 128;

}  // namespace

int availableCores() {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        const int count = CPU_COUNT(&set);
        if (count > 0)
            return count;
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

namespace {

// CPU time in seconds: all cores of the machine (not idle, including time the hypervisor stole),
// and this process (all its threads).
bool machineBusySeconds(double& busy) {
    std::FILE* f = std::fopen("/proc/stat", "r");
    if (!f)
        return false;
    unsigned long long v[8] = {};
    const int read = std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
                                 &v[5], &v[6], &v[7]);
    std::fclose(f);
    if (read < 4)
        return false;
    // user nice system idle iowait irq softirq steal
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    busy = static_cast<double>(v[0] + v[1] + v[2] + v[5] + v[6] + v[7]) / ticks;
    return true;
}

double processSeconds() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
}

double loadAverage() {
    double load = 0;
    if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%lf", &load) != 1)
            load = 0;
        std::fclose(f);
    }
    return load;
}

}  // namespace

int idleCores() {
    const int cores = availableCores();
    // How many cores other programs keep busy right now: the machine's CPU time over a short
    // window minus this process's own. (The one-minute load average, used before, counts this
    // process's own recent work too: right after one training run it reported a busy core and
    // halved the threads of the next run.)
    constexpr double kWindowSeconds = 0.1;
    double busy0 = 0, busy1 = 0;
    double others = 0;
    if (machineBusySeconds(busy0)) {
        const double own0 = processSeconds();
        const auto start = std::chrono::steady_clock::now();
        std::this_thread::sleep_for(std::chrono::duration<double>(kWindowSeconds));
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        if (machineBusySeconds(busy1))
            others = std::max(0.0, (busy1 - busy0) - (processSeconds() - own0)) / std::max(1e-3, wall);
        else
            others = loadAverage();
    } else {
        others = loadAverage();
    }
    const int busy = static_cast<int>(others + 0.5);
    return std::clamp(cores - busy, 1, cores);
}

ThreadSettings chooseThreadSettings(Workload workload, int requestedThreads, int requestedBlasThreads, int batchSize) {
    const int cores = idleCores();
    ThreadSettings settings;
    if (requestedThreads > 0) {
        settings.intraOpThreads = requestedThreads;
        settings.blasThreads = requestedBlasThreads > 0 ? requestedBlasThreads : 1;
        return settings;
    }
    if (workload == Workload::Dense) {
        // Dense layers spend their time inside one GEMM per layer: let OpenBLAS split it, once
        // the GEMMs are big enough to pay for the hand-over. Measured with the mlp: batch 256
        // trained at 200,000 img/s with 2 OpenBLAS threads against 170,000 with 1, while
        // batch 32 fell from 75,000-90,000 to 48,000-52,000 with 2.
        settings.intraOpThreads = 1;
        settings.blasThreads = batchSize > 0 && batchSize < kDenseSplitBatch ? 1 : cores;
    } else {
        settings.intraOpThreads = cores;
        settings.blasThreads = 1;
    }
    if (requestedBlasThreads > 0)
        settings.blasThreads = requestedBlasThreads;
    return settings;
}

ThreadSettings applyThreadSettings(const ThreadSettings& settings) {
    at::set_num_threads(std::max(1, settings.intraOpThreads));
    if (auto setBlas = openblasSetThreads())
        setBlas(std::max(1, settings.blasThreads));
    return currentThreadSettings();
}

void useIntraOpThreadsOnThisThread(int threads) { at::set_num_threads(std::max(1, threads)); }

ThreadSettings currentThreadSettings() {
    ThreadSettings settings;
    settings.intraOpThreads = at::get_num_threads();
    auto getBlas = openblasGetThreads();
    settings.blasThreads = getBlas ? getBlas() : 1;
    return settings;
}

std::string describeThreadSettings(const ThreadSettings& settings) {
    auto plural = [](int n, const char* what) {
        return std::to_string(n) + " " + what + (n == 1 ? " thread" : " threads");
    };
    std::string text = plural(settings.intraOpThreads, "LibTorch") + ", " + plural(settings.blasThreads, "OpenBLAS");
    if (!openblasSetThreads())
        text += " (OpenBLAS not loaded: the reference BLAS is slow, install libopenblas0-pthread)";
    return text;
}

}  // namespace kanalab
