// SPDX-License-Identifier: GPL-3.0-or-later
#include "data/glyph_renderer.h"

#include "common/error.h"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <cstdlib>
#include <mutex>

namespace kanalab {
namespace {

// One FreeType library for the process; FT_New_Face/FT_Done_Face on it need a lock.
FT_Library library() {
    static FT_Library lib = [] {
        FT_Library l = nullptr;
        if (FT_Init_FreeType(&l) != 0)
            throw Error("cannot start FreeType");
        return l;
    }();
    return lib;
}

std::mutex& libraryMutex() {
    static std::mutex m;
    return m;
}

}  // namespace

struct GlyphRenderer::Face {
    FT_Face face = nullptr;
};

char32_t firstCodepoint(const std::string& s) {
    if (s.empty())
        return 0;
    const auto b0 = static_cast<unsigned char>(s[0]);
    if (b0 < 0x80)
        return b0;
    const int extra = b0 >= 0xF0 ? 3 : b0 >= 0xE0 ? 2 : b0 >= 0xC0 ? 1 : -1;
    if (extra < 0 || s.size() < static_cast<std::size_t>(extra + 1))
        return 0;
    char32_t cp = b0 & (0x3F >> extra);
    for (int i = 1; i <= extra; ++i)
        cp = (cp << 6) | (static_cast<unsigned char>(s[static_cast<std::size_t>(i)]) & 0x3F);
    return cp;
}

GlyphRenderer::GlyphRenderer(const std::string& spec) : m_spec(spec), m_face(std::make_unique<Face>()) {
    std::string file = spec;
    long index = 0;
    if (const auto hash = spec.rfind('#'); hash != std::string::npos) {
        file = spec.substr(0, hash);
        index = std::strtol(spec.c_str() + hash + 1, nullptr, 10);
    }
    std::lock_guard<std::mutex> lock(libraryMutex());
    if (FT_New_Face(library(), file.c_str(), index, &m_face->face) != 0)
        throw Error(spec + ": not a font FreeType can open (missing file, or not TrueType/OpenType)");
}

GlyphRenderer::~GlyphRenderer() {
    std::lock_guard<std::mutex> lock(libraryMutex());
    if (m_face->face)
        FT_Done_Face(m_face->face);
}

bool GlyphRenderer::hasGlyph(char32_t codepoint) const { return FT_Get_Char_Index(m_face->face, codepoint) != 0; }

GrayImage GlyphRenderer::render(char32_t codepoint, int pixelSize) const {
    GrayImage image;
    if (!hasGlyph(codepoint))
        return image;
    FT_Face face = m_face->face;
    if (FT_Set_Pixel_Sizes(face, 0, static_cast<FT_UInt>(pixelSize)) != 0 ||
        FT_Load_Char(face, codepoint, FT_LOAD_RENDER) != 0)
        return image;
    const FT_Bitmap& bitmap = face->glyph->bitmap;
    if (bitmap.pixel_mode != FT_PIXEL_MODE_GRAY || bitmap.rows == 0 || bitmap.width == 0)
        return image;
    image.rows = static_cast<int>(bitmap.rows);
    image.cols = static_cast<int>(bitmap.width);
    image.pixels.resize(static_cast<std::size_t>(image.rows) * image.cols);
    for (int r = 0; r < image.rows; ++r)
        for (int c = 0; c < image.cols; ++c)
            image.pixels[static_cast<std::size_t>(r) * image.cols + c] = bitmap.buffer[r * bitmap.pitch + c];
    return image;
}

}  // namespace kanalab
