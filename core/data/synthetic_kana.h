// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Synthetic modern hiragana: KMNIST shows the classical cursive forms (お as written in
// Edo-period books), which differ from how people write today, so a model trained on KMNIST
// alone often misreads a modern お drawn on the canvas. Rendering each class's character from
// installed Japanese fonts, distorted like handwriting (stroke weight, slant, wobble) and framed
// the way the canvas frames a drawing, gives the model the modern forms too.

#include "data/catalogue.h"
#include "data/image_set.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kanalab {

struct SyntheticOptions {
    std::vector<std::string> fonts;  // font files ("file.ttc#index" for a face of a collection)
    int perFontPerClass = 20;        // distorted copies of each character per font
    std::uint64_t seed = 1;
    bool distort = true;             // off: one clean rendering each (evaluation of printed forms)
};

// Printed (typeset) Japanese fonts from Debian packages that are installed here: the training
// source. Missing ones are skipped.
std::vector<std::string> installedPrintFonts();
// Handwriting and brush fonts (fonts-seto, fonts-klee, fonts-aoyagi-soseki,
// fonts-kouzan-mouhitsu, fonts-yozvox-yozfont, fonts-kiloji) that are installed here.
std::vector<std::string> installedHandwritingFonts();

// Renders every class that has a glyph (KMNIST's hiragana) from every font that has it, as
// 28x28 bright ink on black framed like the dataset (see prepareForModel). Throws
// kanalab::Error when no font can be opened or the dataset has no glyphs to draw.
ImageSet renderSyntheticSet(const DatasetInfo& info, const SyntheticOptions& options);

}  // namespace kanalab
