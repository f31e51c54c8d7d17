// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

namespace kanalab::ui {

class TrainingSetup;

// Choosing and looking at data: the dataset list (present / partial / missing, with Download),
// a paged sample grid with labels (hiragana and romaji for KMNIST), the class balance of the
// train / validation / test sets under the chosen split, the split settings, and a preview of
// the augmentation (one sample, many augmented copies). Edits the shared TrainingSetup's
// dataset, protocol, validation fraction and augmentation.
class DataView : public QWidget {
    Q_OBJECT
public:
    DataView(TrainingSetup* setup, QWidget* parent = nullptr);
    ~DataView() override;

    // Re-scans the data folders (after a download, or when the user asks).
    void refresh();

signals:
    // A status line for the main window ("Downloading kmnist: 3.1 MB of 18.2 MB").
    void statusMessage(const QString& text);

private:
    struct Private;
    Private* d;
};

}  // namespace kanalab::ui
