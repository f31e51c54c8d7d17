// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace kanalab {

// A small, fully specified generator (SplitMix64) and shuffle, so a seed gives the same split
// and the same batch order with any compiler and standard library (std::shuffle and the
// std:: distributions are implementation-defined).
class SeededRandom {
public:
    explicit SeededRandom(std::uint64_t seed) : m_state(seed) {}

    std::uint64_t next() {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }

    // Uniform in [0, bound), bound > 0 (Lemire's multiply-shift; the bias is below 2^-32 here).
    std::uint64_t below(std::uint64_t bound) {
        return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * bound) >> 64);
    }

    // Uniform in [0, 1).
    double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }

    template <typename T>
    void shuffle(std::vector<T>& items) {
        for (std::size_t i = items.size(); i > 1; --i)
            std::swap(items[i - 1], items[static_cast<std::size_t>(below(i))]);
    }

private:
    std::uint64_t m_state;
};

// Derives independent streams from one user seed (for example one per epoch).
inline std::uint64_t mixSeed(std::uint64_t seed, std::uint64_t stream) {
    SeededRandom random(seed ^ (stream * 0xD1B54A32D192ED03ull));
    return random.next();
}

}  // namespace kanalab
