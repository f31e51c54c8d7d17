// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A file whose publisher gives no checksum (Kuzushiji-Kanji's kkanji.tar) gets one of its own
// the first time it arrives: its SHA-256, written beside it as <file>.sha256 in sha256sum's
// format ("HEX  NAME", so `sha256sum -c kkanji.tar.sha256` checks it too). Later copies and later
// uses are compared with that record, so a file that changed is noticed and said so.

#include <string>

namespace kanalab {

// <file>.sha256
std::string recordedSha256Path(const std::string& file);

// The recorded digest (64 lowercase hex digits), or empty when there is no record. Throws
// kanalab::Error naming the record when it is not a SHA-256 line.
std::string readRecordedSha256(const std::string& file);

// Writes the record atomically (a crash never leaves half of one).
void recordSha256(const std::string& file, const std::string& hex);

// Throws kanalab::Error when actualHex differs from the record: the message names the file,
// both digests and what to do. what says which copy differs ("kkanji.tar", "the download").
void checkAgainstRecordedSha256(const std::string& file, const std::string& actualHex, const std::string& recordedHex,
                                const std::string& what);

}  // namespace kanalab
