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

QPixmap tilePixmap(const std::uint8_t* bytes, int rows, int cols) {
    const QImage image = grayToImage(bytes, rows, cols);
    return QPixmap::fromImage(image.scaled(kTile, kTile, Qt::KeepAspectRatio, Qt::FastTransformation));
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

void AugmentPreviewPanel::setSample(std::vector<std::uint8_t> bytes, int rows, int cols, const QString& label) {
    m_sample = std::move(bytes);
    m_rows = rows;
    m_cols = cols;
    if (m_sample.empty()) {
        for (QLabel* tile : m_tiles)
            tile->clear();
        m_shownCopies = 0;
        m_caption->setText(tr("Select a sample in the grid to preview its augmentation."));
        return;
    }
    m_label = label;
    m_tiles[0]->setPixmap(tilePixmap(m_sample.data(), rows, cols));
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
    const int rows = m_rows, cols = m_cols;
    const std::uint64_t seed = m_seed;
    m_watcher.setFuture(QtConcurrent::run([config, sample, rows, cols, seed] {
        AugmentPreviewTask task;
        try {
            task.copies = augmentPreview(config, sample.data(), rows, cols, kCopies, seed);
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
        for (int i = 1; i <= kCopies; ++i)
            m_tiles[static_cast<std::size_t>(i)]->clear();
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
        if (copy < task.copies.size() && task.copies[copy].size() == m_sample.size()) {
            tile->setPixmap(tilePixmap(task.copies[copy].data(), m_rows, m_cols));
            ++m_shownCopies;
        } else {
            tile->clear();
        }
    }
    updateCaption();
    emit previewReady();
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
