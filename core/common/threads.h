// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>

namespace kanalab {

// Which kind of arithmetic dominates a workload. Debian's LibTorch runs dense layers through
// OpenBLAS (its own pthreads) and convolutions through oneDNN (OpenMP, i.e. LibTorch's intra-op
// threads). Giving both pools every core oversubscribes the machine: measured on 2 cores, an MLP
// fell from 40,000 to 12,800 img/s. So each workload gets one pool wide and the other narrow.
enum class Workload { Dense, Convolutional };

struct ThreadSettings {
    int intraOpThreads = 1;  // LibTorch / OpenMP (oneDNN convolutions, element-wise ops)
    int blasThreads = 1;     // OpenBLAS (matrix products of dense layers)
};

// Cores this process may use (sched_getaffinity, so containers and taskset are respected).
int availableCores();

// Cores not already busy with other programs: availableCores() minus the cores other processes
// used during a 0.1 s sample of /proc/stat (this process's own CPU time subtracted), at least 1.
// OpenMP's threads meet at a barrier after every operation, so a thread that has to share its
// core with another program stalls all the others: measured here, a LeNet-5 epoch took 38 s
// with 2 threads while another process kept one core busy, 0.9 s with 1. Blocks for 0.1 s.
int idleCores();

// requestedThreads == 0 means automatic: the measured good split for the workload (and batch
// size, when known: 0 = unknown), over the idle cores.
// A positive value is the user's override for LibTorch's intra-op threads; BLAS then gets 1
// thread unless the user also names blasThreads.
ThreadSettings chooseThreadSettings(Workload workload, int requestedThreads = 0, int requestedBlasThreads = 0,
                                    int batchSize = 0);

// Applies to the whole process (both pools are global). Returns what is in effect afterwards.
ThreadSettings applyThreadSettings(const ThreadSettings& settings);

// LibTorch threads for the calling thread only. OpenMP keeps its thread count per thread, so a
// prediction thread can run single images on 1 thread (the lowest latency: measured p99 6 ms
// on 1 thread, 70 ms on 2 while the machine is busy) without slowing a training thread.
void useIntraOpThreadsOnThisThread(int threads);

// What is in effect now, as the libraries report it.
ThreadSettings currentThreadSettings();

// "2 LibTorch threads, 1 OpenBLAS thread" for logs and run configs.
std::string describeThreadSettings(const ThreadSettings& settings);

}  // namespace kanalab
