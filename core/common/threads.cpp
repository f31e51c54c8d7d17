// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/threads.h"

#include <ATen/Parallel.h>

#include <dlfcn.h>
#include <sched.h>

#include <algorithm>
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

int idleCores() {
    const int cores = availableCores();
    double load = 0;
    if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%lf", &load) != 1)
            load = 0;
        std::fclose(f);
    }
    const int busy = static_cast<int>(load + 0.5);
    return std::clamp(cores - busy, 1, cores);
}

ThreadSettings chooseThreadSettings(Workload workload, int requestedThreads, int requestedBlasThreads) {
    const int cores = idleCores();
    ThreadSettings settings;
    if (requestedThreads > 0) {
        settings.intraOpThreads = requestedThreads;
        settings.blasThreads = requestedBlasThreads > 0 ? requestedBlasThreads : 1;
        return settings;
    }
    if (workload == Workload::Dense) {
        // Dense layers spend their time inside one GEMM per layer: let OpenBLAS split it.
        settings.intraOpThreads = 1;
        settings.blasThreads = cores;
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
