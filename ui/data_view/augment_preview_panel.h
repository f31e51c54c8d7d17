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
// runs are coalesced: only the newest is computed next. "New draw" reseeds.
class AugmentPreviewPanel : public QWidget {
    Q_OBJECT
public:
    static constexpr int kCopies = 19;  // with the original: a 5 x 4 grid

    explicit AugmentPreviewPanel(QWidget* parent = nullptr);

    // bytes: rows x cols, bright ink on dark (as the dataset stores it). Empty: nothing to show.
    void setSample(std::vector<std::uint8_t> bytes, int rows, int cols, const QString& label);
    void setConfig(const AugmentConfig& config);
    void newDraw();

    bool isBusy() const { return m_busy; }
    int shownCopies() const { return m_shownCopies; }
    std::uint64_t seed() const { return m_seed; }

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
    int m_rows = 0;
    int m_cols = 0;
    QString m_label;
    AugmentConfig m_config;
    std::uint64_t m_seed = 1;
    int m_shownCopies = 0;
    QLabel* m_caption;
    std::vector<QLabel*> m_tiles;  // [0] the original
    QPushButton* m_newDraw;
};

}  // namespace kanalab::ui
