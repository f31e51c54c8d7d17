// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/image_decode.h"
#include "data/border_median.h"

#include "common/error.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace kanalab {
namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<std::uint8_t>;

std::string notAnImage(const std::string& name) {
    return name + ": not an image OpenCV can read (or the file is damaged)";
}

Bytes readFileBytes(const std::string& path) {
    const fs::path file = fs::u8path(path);
    std::error_code error;
    const fs::file_status status = fs::status(file, error);
    if (fs::is_directory(status))
        throw Error(path + ": is a folder, not an image file");
    if (!fs::exists(status))
        throw Error(path + ": no such image file");
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw Error(path + ": cannot be opened (check that you may read it)");
    Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
        throw Error(path + ": cannot be read to the end (is the disk or network share still there?)");
    return bytes;
}

// --- EXIF orientation ------------------------------------------------------------------------
// OpenCV applies EXIF orientation only when decoding to gray or BGR: IMREAD_UNCHANGED, the one
// mode that keeps alpha and 16 bits, returns the pixels as stored (documented, and measured
// with OpenCV 4.6). So the orientation is read here and applied as OpenCV would, for the
// containers whose EXIF OpenCV honours: JPEG (APP1) and PNG (eXIf). TIFF files are already
// turned by OpenCV's TIFF reader in every mode, and OpenCV ignores EXIF in WebP; both are left
// as OpenCV returns them so a file looks the same here as with cv::imread.

std::uint32_t readUint(const std::uint8_t* p, int size, bool bigEndian) {
    std::uint32_t value = 0;
    for (int i = 0; i < size; ++i)
        value |= std::uint32_t(p[bigEndian ? i : size - 1 - i]) << (8 * (size - 1 - i));
    return value;
}

// Orientation tag (0x0112) of IFD0 in TIFF-structured EXIF data; 1 (upright) when absent.
int tiffOrientation(const std::uint8_t* data, std::size_t size) {
    if (size < 8)
        return 1;
    bool big = false;
    if (data[0] == 'M' && data[1] == 'M')
        big = true;
    else if (!(data[0] == 'I' && data[1] == 'I'))
        return 1;
    if (readUint(data + 2, 2, big) != 42)
        return 1;
    const std::size_t ifd = readUint(data + 4, 4, big);
    if (ifd > size || size - ifd < 2)
        return 1;
    const std::size_t count = readUint(data + ifd, 2, big);
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t entry = ifd + 2 + 12 * i;
        if (entry + 12 > size)
            break;
        if (readUint(data + entry, 2, big) != 0x0112)
            continue;
        // SHORT, count 1: the value sits in the first two bytes of the value field.
        if (readUint(data + entry + 2, 2, big) != 3)
            return 1;
        const int value = static_cast<int>(readUint(data + entry + 8, 2, big));
        return value >= 1 && value <= 8 ? value : 1;
    }
    return 1;
}

bool isJpeg(const Bytes& b) {
    return b.size() >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF;
}

bool isPng(const Bytes& b) {
    static const std::uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    return b.size() >= 8 && std::memcmp(b.data(), kSignature, 8) == 0;
}

// What a JPEG's markers say before the image data starts.
struct JpegHeader {
    int orientation = 1;
    int rows = 0;
    int cols = 0;
    int components = 0;
    int precision = 8;
    bool complete = false;  // ends with the end-of-image marker: not cut short
};

JpegHeader readJpegHeader(const Bytes& b) {
    JpegHeader header;
    bool exifSeen = false;
    std::size_t pos = 2;
    while (pos + 4 <= b.size()) {
        if (b[pos] != 0xFF)
            break;
        const std::uint8_t marker = b[pos + 1];
        if (marker == 0xFF) {  // fill byte
            ++pos;
            continue;
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length field
            pos += 2;
            continue;
        }
        if (marker == 0xD9 || marker == 0xDA)  // end of image, start of scan
            break;
        const std::size_t length = readUint(&b[pos + 2], 2, true);
        if (length < 2 || pos + 2 + length > b.size())
            break;
        const std::uint8_t* segment = &b[pos + 4];
        const std::size_t segmentSize = length - 2;
        if (marker == 0xE1 && !exifSeen && segmentSize > 6 && std::memcmp(segment, "Exif\0\0", 6) == 0) {
            // OpenCV reads the first Exif APP1; so does this.
            exifSeen = true;
            header.orientation = tiffOrientation(segment + 6, segmentSize - 6);
        }
        const bool startOfFrame =
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (startOfFrame && segmentSize >= 6 && header.components == 0) {
            header.precision = segment[0];
            header.rows = static_cast<int>(readUint(segment + 1, 2, true));
            header.cols = static_cast<int>(readUint(segment + 3, 2, true));
            header.components = segment[5];
        }
        pos += 2 + length;
    }
    // A file cut short (an interrupted copy) ends before its end-of-image marker. Some writers
    // append padding after it, so the marker is looked for near the end, not only at it.
    const std::size_t tail = std::min<std::size_t>(b.size(), 64);
    for (std::size_t i = b.size() - tail; i + 1 < b.size(); ++i)
        if (b[i] == 0xFF && b[i + 1] == 0xD9)
            header.complete = true;
    return header;
}

// What a PNG's chunks say; the eXIf chunk may come before or after the image data.
struct PngHeader {
    int orientation = 1;
    int rows = 0;
    int cols = 0;
    int bitDepth = 8;
    int colourType = 0;
    bool paletteHasColour = false;
    bool complete = false;  // every chunk up to IEND is there: not cut short
};

PngHeader readPngHeader(const Bytes& b) {
    PngHeader header;
    std::size_t pos = 8;
    while (pos + 8 <= b.size()) {
        const std::size_t length = readUint(&b[pos], 4, true);
        const std::uint8_t* type = &b[pos + 4];
        if (length > b.size() - pos - 8)
            break;
        const std::uint8_t* data = &b[pos + 8];
        if (std::memcmp(type, "IHDR", 4) == 0 && length >= 13) {
            header.cols = static_cast<int>(readUint(data, 4, true));
            header.rows = static_cast<int>(readUint(data + 4, 4, true));
            header.bitDepth = data[8];
            header.colourType = data[9];
        } else if (std::memcmp(type, "PLTE", 4) == 0) {
            for (std::size_t i = 0; i + 2 < length; i += 3)
                if (data[i] != data[i + 1] || data[i + 1] != data[i + 2])
                    header.paletteHasColour = true;
        } else if (std::memcmp(type, "eXIf", 4) == 0) {
            header.orientation = tiffOrientation(data, length);
        } else if (std::memcmp(type, "IEND", 4) == 0) {
            header.complete = true;
            break;
        }
        pos += 12 + length;  // length, type, data, CRC
    }
    return header;
}

int exifOrientation(const Bytes& bytes) {
    if (isJpeg(bytes))
        return readJpegHeader(bytes).orientation;
    if (isPng(bytes))
        return readPngHeader(bytes).orientation;
    return 1;
}

// The same flips and transposes as OpenCV's ApplyExifOrientation.
void applyOrientation(cv::Mat& mat, int orientation) {
    switch (orientation) {
        case 2:
            cv::flip(mat, mat, 1);
            break;
        case 3:
            cv::flip(mat, mat, -1);
            break;
        case 4:
            cv::flip(mat, mat, 0);
            break;
        case 5:
            cv::transpose(mat, mat);
            break;
        case 6:
            cv::transpose(mat, mat);
            cv::flip(mat, mat, 1);
            break;
        case 7:
            cv::transpose(mat, mat);
            cv::flip(mat, mat, -1);
            break;
        case 8:
            cv::transpose(mat, mat);
            cv::flip(mat, mat, 0);
            break;
        default:
            break;
    }
}

// --- decoding ----------------------------------------------------------------------------------

// The file as stored: any depth, 1 to 4 channels (BGR order), upright.
cv::Mat decodeUpright(const Bytes& bytes, const std::string& name) {
    if (bytes.empty())
        throw Error(name + ": the file is empty (0 bytes)");
    cv::Mat mat;
    try {
        // IMREAD_UNCHANGED keeps alpha (composited below) and 16 bits (scaled below, where
        // IMREAD_GRAYSCALE would drop the low byte). A CMYK JPEG comes back as BGR in every mode:
        // OpenCV takes the values as Adobe-inverted (255 = no ink, as Photoshop writes them),
        // with or without the Adobe marker (measured, OpenCV 4.6). The rare CMYK JPEG with
        // plain values comes out wrong and cannot be told apart from what OpenCV returns.
        mat = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception&) {
        mat.release();
    }
    if (mat.empty())
        throw Error(notAnImage(name));
    if (mat.channels() > 4)
        throw Error(name + ": has " + std::to_string(mat.channels()) +
                    " channels; save it as gray, RGB or RGBA to use it here");
    applyOrientation(mat, exifOrientation(bytes));
    return mat;
}

int depthBitsOf(const cv::Mat& mat) {
    switch (mat.depth()) {
        case CV_8U:
        case CV_8S:
            return 8;
        case CV_16U:
        case CV_16S:
        case CV_16F:
            return 16;
        case CV_64F:
            return 64;
        default:
            return 32;
    }
}

cv::Mat to8Bit(const cv::Mat& mat) {
    cv::Mat out;
    switch (mat.depth()) {
        case CV_8U:
            return mat;
        case CV_16U:
            // Scale 0..65535 to 0..255 (65535 / 257 = 255), rounding; dropping the low byte, as
            // OpenCV's own 8-bit modes do, would darken every value by up to one level.
            mat.convertTo(out, CV_8U, 1.0 / 257.0);
            return out;
        case CV_16F:
        case CV_32F:
        case CV_64F: {
            // Floating-point images (TIFF, EXR, PFM) hold 0..1; outside is clipped, NaN is black.
            cv::Mat f;
            mat.convertTo(f, CV_32F);
            cv::patchNaNs(f, 0.0);
            f.convertTo(out, CV_8U, 255.0);
            return out;
        }
        default:
            // Signed integers have no agreed black and white: stretch what is there.
            cv::normalize(mat, out, 0, 255, cv::NORM_MINMAX, CV_8U);
            return out;
    }
}

// Transparent pixels are put on white, not black: the images are scans and drawings of dark
// ink on paper, and a drawing exported with a transparent background means "paper" there.
// On black, black ink would vanish into its own background. (predict/preprocess does the same.)
cv::Mat compositeOnWhite(const cv::Mat& mat) {
    const int colourChannels = mat.channels() - 1;
    cv::Mat out(mat.rows, mat.cols, CV_8UC(colourChannels));
    for (int r = 0; r < mat.rows; ++r) {
        const std::uint8_t* in = mat.ptr<std::uint8_t>(r);
        std::uint8_t* o = out.ptr<std::uint8_t>(r);
        for (int c = 0; c < mat.cols; ++c) {
            const int alpha = in[colourChannels];
            for (int k = 0; k < colourChannels; ++k)
                o[k] = static_cast<std::uint8_t>((in[k] * alpha + 255 * (255 - alpha) + 127) / 255);
            in += mat.channels();
            o += colourChannels;
        }
    }
    return out;
}

DecodedImage toPlanar(const cv::Mat& gray8OrBgr8, int channels) {
    cv::Mat mat = gray8OrBgr8;
    if (channels == 1 && mat.channels() == 3)
        cv::cvtColor(mat, mat, cv::COLOR_BGR2GRAY);  // luminance, 0.299 R + 0.587 G + 0.114 B
    DecodedImage image;
    image.channels = channels;
    image.rows = mat.rows;
    image.cols = mat.cols;
    const std::size_t planeSize = static_cast<std::size_t>(mat.rows) * mat.cols;
    image.pixels.resize(planeSize * channels);
    for (int k = 0; k < channels; ++k) {
        // Planes in RGB order: R is OpenCV's channel 2. A gray source fills all three alike.
        const int source = mat.channels() == 1 ? 0 : (channels == 3 ? 2 - k : k);
        std::uint8_t* plane = image.pixels.data() + planeSize * k;
        for (int r = 0; r < mat.rows; ++r) {
            const std::uint8_t* in = mat.ptr<std::uint8_t>(r);
            for (int c = 0; c < mat.cols; ++c)
                plane[static_cast<std::size_t>(r) * mat.cols + c] = in[c * mat.channels() + source];
        }
    }
    return image;
}

void checkChannels(int channels, const std::string& name) {
    if (channels != 1 && channels != 3)
        throw Error(name + ": cannot be read as " + std::to_string(channels) + " channels; choose 1 (gray) or 3 (RGB)");
}

}  // namespace

DecodedImage decodeImage(const std::vector<std::uint8_t>& bytes, int channels, const std::string& nameForMessages) {
    checkChannels(channels, nameForMessages);
    cv::Mat mat = to8Bit(decodeUpright(bytes, nameForMessages));
    if (mat.channels() == 2 || mat.channels() == 4)
        mat = compositeOnWhite(mat);
    return toPlanar(mat, channels);
}

DecodedImage loadImageFile(const std::string& path, int channels) {
    checkChannels(channels, path);
    return decodeImage(readFileBytes(path), channels, path);
}

ImageProbe probeImage(const std::string& path) {
    const Bytes bytes = readFileBytes(path);
    if (bytes.empty())
        throw Error(path + ": the file is empty (0 bytes)");
    ImageProbe probe;
    bool fromHeader = false;
    int orientation = 1;
    if (isPng(bytes)) {
        const PngHeader png = readPngHeader(bytes);
        if (png.complete && png.rows > 0 && png.cols > 0) {
            fromHeader = true;
            probe.rows = png.rows;
            probe.cols = png.cols;
            probe.depthBits = png.bitDepth < 8 ? 8 : png.bitDepth;
            // Colour types: 0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGB + alpha.
            probe.colour = png.colourType == 2 || png.colourType == 6 || (png.colourType == 3 && png.paletteHasColour);
            orientation = png.orientation;
        }
    } else if (isJpeg(bytes)) {
        const JpegHeader jpeg = readJpegHeader(bytes);
        if (jpeg.complete && jpeg.rows > 0 && jpeg.cols > 0 && jpeg.components > 0) {
            fromHeader = true;
            probe.rows = jpeg.rows;
            probe.cols = jpeg.cols;
            probe.depthBits = jpeg.precision;
            probe.colour = jpeg.components >= 3;  // YCbCr, RGB, CMYK or YCCK
            orientation = jpeg.orientation;
        }
    }
    if (fromHeader) {
        if (orientation >= 5)
            std::swap(probe.rows, probe.cols);
        return probe;
    }
    const cv::Mat mat = decodeUpright(bytes, path);
    probe.rows = mat.rows;
    probe.cols = mat.cols;
    probe.depthBits = depthBitsOf(mat);
    probe.colour = mat.channels() >= 3;
    return probe;
}

DecodedImage fitImage(const DecodedImage& image, int rows, int cols, FitMode mode) {
    if (rows <= 0 || cols <= 0)
        throw Error("image size " + std::to_string(rows) + "x" + std::to_string(cols) +
                    " is not valid; choose a height and width of at least 1 pixel");
    DecodedImage out;
    out.channels = image.channels;
    out.rows = rows;
    out.cols = cols;
    out.pixels.assign(static_cast<std::size_t>(image.channels) * rows * cols, 0);
    if (image.rows <= 0 || image.cols <= 0 || image.pixels.empty())
        return out;

    const double scaleRows = static_cast<double>(rows) / image.rows;
    const double scaleCols = static_cast<double>(cols) / image.cols;
    const double scale = mode == FitMode::Pad ? std::min(scaleRows, scaleCols) : std::max(scaleRows, scaleCols);
    int h = std::max(1, static_cast<int>(std::lround(image.rows * scale)));
    int w = std::max(1, static_cast<int>(std::lround(image.cols * scale)));
    if (mode == FitMode::Pad) {
        h = std::min(h, rows);
        w = std::min(w, cols);
    } else {
        h = std::max(h, rows);
        w = std::max(w, cols);
    }
    const bool same = h == image.rows && w == image.cols;
    const int interpolation =
        static_cast<double>(h) * w < static_cast<double>(image.rows) * image.cols ? cv::INTER_AREA : cv::INTER_LINEAR;
    const std::size_t inPlane = static_cast<std::size_t>(image.rows) * image.cols;
    const std::size_t outPlane = static_cast<std::size_t>(rows) * cols;

    for (int k = 0; k < image.channels; ++k) {
        const std::uint8_t* source = image.pixels.data() + inPlane * k;
        const cv::Mat in(image.rows, image.cols, CV_8UC1, const_cast<std::uint8_t*>(source));
        cv::Mat scaled;
        if (same)
            scaled = in;
        else
            cv::resize(in, scaled, cv::Size(w, h), 0, 0, interpolation);
        cv::Mat target(rows, cols, CV_8UC1, out.pixels.data() + outPlane * k);
        if (mode == FitMode::Pad) {
            // The image's own border colour (per channel): white paper stays white, the
            // datasets' black background stays black, and no frame line appears.
            target.setTo(cv::Scalar(borderMedian(source, image.rows, image.cols)));
            scaled.copyTo(target(cv::Rect((cols - w) / 2, (rows - h) / 2, w, h)));
        } else {
            scaled(cv::Rect((w - cols) / 2, (h - rows) / 2, cols, rows)).copyTo(target);
        }
    }
    return out;
}

}  // namespace kanalab
