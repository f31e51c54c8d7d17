// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "train/train_config.h"

#include <QFutureWatcher>
#include <QWidget>

#include <cstdint>
#include <vector>

class QLabel;
class QPushButton;

namespace kanalab::ui {

struct AugmentPreviewTask {
    std::vector<std::vector<std::uint8_t>> copies;
    QString error;
};

// One sample and a grid of augmented copies of it, made by the same Augmenter training uses
// (augmentPreview() runs torch, so it runs on the thread pool). Requests that arrive while one
// runs are coalesced: only the newest is computed next. "New draw" reseeds. Colour samples are
// augmented and shown in colour (the whole C x H x W image goes through the Augmenter, so
// mirrors, shifts and colour jitter are what training does), gray ones as ink on paper.
class AugmentPreviewPanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kCopies = 19;  // with the original: a 5 x 4 grid

    explicit AugmentPreviewPanel(QWidget* parent = nullptr);

    // bytes: channels x rows x cols, planar, as the dataset stores them. paper: show gray images
    // inverted (stored bright ink on dark, SampleRef::paper). Empty: nothing to show.
    void setSample(std::vector<std::uint8_t> bytes, int channels, int rows, int cols, bool paper, const QString& label);
    void setConfig(const AugmentConfig& config);
    void newDraw();

    bool isBusy() const { return m_busy; }
    int shownCopies() const { return m_shownCopies; }
    std::uint64_t seed() const { return m_seed; }
    // The tile of the original (0) or of a copy (1..kCopies), as shown; for tests and screenshots.
    QImage tileImage(int index) const;

signals:
    void previewReady();

private:
    void request();
    void onReady();
    void updateCaption();

    QFutureWatcher<AugmentPreviewTask> m_watcher;
    bool m_pending = false;
    bool m_busy = false;  // until the result is shown (the watcher stops running before finished())
    std::vector<std::uint8_t> m_sample;
    int m_channels = 1;
    bool m_paper = true;
    int m_rows = 0;
    int m_cols = 0;
    QString m_label;
    AugmentConfig m_config;
    std::uint64_t m_seed = 1;
    int m_shownCopies = 0;
    QLabel* m_caption;
    std::vector<QLabel*> m_tiles;  // [0] the original
    std::vector<QImage> m_tileImages;
    QPushButton* m_newDraw;
};

}  // namespace kanalab::ui
