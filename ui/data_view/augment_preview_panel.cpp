// SPDX-License-Identifier: GPL-3.0-or-later
#include "data_view/augment_preview_panel.h"

#include "common/class_labels.h"
#include "common/images.h"
#include "train/augment_preview.h"

#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace kanalab::ui {
namespace {

constexpr int kTile = 56;
constexpr int kColumns = 5;

QImage tileOf(const std::uint8_t* bytes, int channels, int rows, int cols, bool paper) {
    return datasetImage(bytes, channels, rows, cols, paper)
        .scaled(kTile, kTile, Qt::KeepAspectRatio, Qt::FastTransformation);
}

}  // namespace

AugmentPreviewPanel::AugmentPreviewPanel(QWidget* parent) : QWidget(parent) {
    m_caption = new QLabel(tr("Select a sample in the grid to preview its augmentation."));
    m_caption->setWordWrap(true);
    m_caption->setTextFormat(Qt::RichText);
    m_caption->setFont(kanaFont());
    m_newDraw = new QPushButton(tr("New draw"));
    m_newDraw->setToolTip(tr("Draw a new set of random distortions of the same sample"));
    connect(m_newDraw, &QPushButton::clicked, this, &AugmentPreviewPanel::newDraw);

    auto* grid = new QGridLayout;
    grid->setSpacing(3);
    for (int i = 0; i <= kCopies; ++i) {
        auto* tile = new QLabel;
        tile->setFixedSize(kTile + 4, kTile + 4);
        tile->setAlignment(Qt::AlignCenter);
        // The original gets a frame of its own so it is not taken for a copy.
        tile->setFrameShape(i == 0 ? QFrame::Box : QFrame::NoFrame);
        tile->setLineWidth(2);
        if (i == 0)
            tile->setToolTip(tr("The original image"));
        grid->addWidget(tile, i / kColumns, i % kColumns);
        m_tiles.push_back(tile);
    }
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_newDraw);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_caption);
    layout->addLayout(grid);
    layout->addLayout(buttons);
    connect(&m_watcher, &QFutureWatcher<AugmentPreviewTask>::finished, this, &AugmentPreviewPanel::onReady);
}

void AugmentPreviewPanel::setSample(std::vector<std::uint8_t> bytes, int channels, int rows, int cols, bool paper,
                                    const QString& label) {
    m_sample = std::move(bytes);
    m_channels = channels;
    m_paper = paper;
    m_rows = rows;
    m_cols = cols;
    if (m_sample.empty()) {
        for (QLabel* tile : m_tiles)
            tile->clear();
        m_tileImages.assign(m_tiles.size(), QImage());
        m_shownCopies = 0;
        m_caption->setText(tr("Select a sample in the grid to preview its augmentation."));
        return;
    }
    m_label = label;
    m_tileImages.resize(m_tiles.size());
    m_tileImages[0] = tileOf(m_sample.data(), channels, rows, cols, paper);
    m_tiles[0]->setPixmap(QPixmap::fromImage(m_tileImages[0]));
    updateCaption();
    request();
}

void AugmentPreviewPanel::setConfig(const AugmentConfig& config) {
    m_config = config;
    updateCaption();
    request();
}

void AugmentPreviewPanel::newDraw() {
    ++m_seed;
    request();
}

void AugmentPreviewPanel::request() {
    if (m_sample.empty())
        return;
    if (m_busy) {
        m_pending = true;
        return;
    }
    m_pending = false;
    m_busy = true;
    const AugmentConfig config = m_config;
    const auto sample = m_sample;
    const int channels = m_channels, rows = m_rows, cols = m_cols;
    const std::uint64_t seed = m_seed;
    m_watcher.setFuture(QtConcurrent::run([config, sample, channels, rows, cols, seed] {
        AugmentPreviewTask task;
        try {
            task.copies = augmentPreview(config, sample.data(), rows, cols, kCopies, seed, channels);
        } catch (const std::exception& e) {
            task.error = QString::fromStdString(e.what());
        }
        return task;
    }));
}

void AugmentPreviewPanel::onReady() {
    m_busy = false;
    if (m_pending) {
        // Settings or sample changed while this ran: its images are already stale.
        request();
        return;
    }
    const AugmentPreviewTask task = m_watcher.result();
    if (!task.error.isEmpty()) {
        for (int i = 1; i <= kCopies; ++i) {
            m_tiles[static_cast<std::size_t>(i)]->clear();
            m_tileImages[static_cast<std::size_t>(i)] = QImage();
        }
        m_shownCopies = 0;
        m_caption->setText(QStringLiteral("<span style=\"color:#d0453a\">%1</span>")
                               .arg(tr("Preview failed: %1").arg(task.error).toHtmlEscaped()));
        emit previewReady();
        return;
    }
    m_shownCopies = 0;
    for (int i = 1; i <= kCopies; ++i) {
        QLabel* tile = m_tiles[static_cast<std::size_t>(i)];
        const std::size_t copy = static_cast<std::size_t>(i - 1);
        QImage& image = m_tileImages[static_cast<std::size_t>(i)];
        if (copy < task.copies.size() && task.copies[copy].size() == m_sample.size()) {
            image = tileOf(task.copies[copy].data(), m_channels, m_rows, m_cols, m_paper);
            tile->setPixmap(QPixmap::fromImage(image));
            ++m_shownCopies;
        } else {
            image = QImage();
            tile->clear();
        }
    }
    updateCaption();
    emit previewReady();
}

QImage AugmentPreviewPanel::tileImage(int index) const {
    return index >= 0 && static_cast<std::size_t>(index) < m_tileImages.size()
               ? m_tileImages[static_cast<std::size_t>(index)]
               : QImage();
}

void AugmentPreviewPanel::updateCaption() {
    if (m_sample.empty())
        return;
    const QString note =
        m_config.enabled()
            ? tr("framed: the original; then %1 random copies as training sees them (draw %2)").arg(kCopies).arg(m_seed)
            : tr("Augmentation is off: every copy equals the original.");
    m_caption->setText(QStringLiteral("<b>%1</b><br><small>%2</small>").arg(m_label.toHtmlEscaped(), note));
}

}  // namespace kanalab::ui
