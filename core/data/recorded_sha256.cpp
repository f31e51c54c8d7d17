// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/recorded_sha256.h"

#include "common/atomic_file.h"
#include "common/error.h"
#include "data/byte_stream.h"
#include "data/data_dirs.h"

namespace kanalab {
namespace {

bool isSha256Hex(const std::string& text) {
    if (text.size() != 64)
        return false;
    for (char c : text)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

}  // namespace

std::string recordedSha256Path(const std::string& file) {
    return file + ".sha256";
}

std::string readRecordedSha256(const std::string& file) {
    const std::string record = recordedSha256Path(file);
    if (!isRegularFile(record))
        return {};
    const std::vector<std::uint8_t> bytes = readWholeFile(record);
    std::string hex(bytes.begin(),
                    bytes.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(bytes.size(), 64)));
    for (char& c : hex)
        if (c >= 'A' && c <= 'F')
            c = static_cast<char>(c - 'A' + 'a');
    const bool separated = bytes.size() == 64 || bytes[64] == ' ' || bytes[64] == '\n' || bytes[64] == '\t';
    if (!isSha256Hex(hex) || !separated)
        throw Error(record +
                    " does not start with a SHA-256 (64 hex digits); delete it and KanaLab records the file's "
                    "digest again");
    return hex;
}

void recordSha256(const std::string& file, const std::string& hex) {
    writeFileAtomically(recordedSha256Path(file), hex + "  " + fileNameOf(file) + "\n");
}

void checkAgainstRecordedSha256(const std::string& file, const std::string& actualHex, const std::string& recordedHex,
                                const std::string& what) {
    if (recordedHex.empty() || actualHex == recordedHex)
        return;
    throw Error(what + " has SHA-256 " + actualHex + " but " + fileNameOf(recordedSha256Path(file)) + " recorded " +
                recordedHex + " when " + fileNameOf(file) +
                " first arrived: the file changed; download it again with kanalab-cli download, or, if you "
                "replaced it on purpose, delete " +
                recordedSha256Path(file));
}

}  // namespace kanalab
