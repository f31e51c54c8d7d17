// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/gray_image.h"

#include <memory>
#include <string>

namespace kanalab {

// Draws single characters from a font file (TrueType, OpenType, or one face of a .ttc
// collection: "NotoSansCJK-Regular.ttc#2") with FreeType, as bright ink on black like the
// datasets. Used to make synthetic modern hiragana.
class GlyphRenderer {
public:
    // Throws kanalab::Error naming the file when FreeType cannot open it.
    explicit GlyphRenderer(const std::string& fontSpec);
    ~GlyphRenderer();
    GlyphRenderer(const GlyphRenderer&) = delete;
    GlyphRenderer& operator=(const GlyphRenderer&) = delete;

    bool hasGlyph(char32_t codepoint) const;
    // The glyph's coverage bitmap, tightly cropped, at the given pixel height. Empty when the
    // font has no such glyph.
    GrayImage render(char32_t codepoint, int pixelSize) const;
    const std::string& spec() const { return m_spec; }

private:
    struct Face;
    std::string m_spec;
    std::unique_ptr<Face> m_face;
};

// The first Unicode code point of a UTF-8 string ("お" -> U+304A); 0 when empty or malformed.
char32_t firstCodepoint(const std::string& utf8);

}  // namespace kanalab
