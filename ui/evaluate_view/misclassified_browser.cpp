// SPDX-License-Identifier: GPL-3.0-or-later
#include "evaluate_view/misclassified_browser.h"

#include "common/class_labels.h"
#include "common/images.h"
#include "predict/preprocess.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace kanalab::ui {
namespace {

constexpr int kThumbnail = 56;
constexpr int kLarge = 168;

// paper: the set stores bright ink on dark (KMNIST), shown as ink on paper like every view.
QPixmap picture(const ImageSet& set, std::int64_t index, int size, bool paper) {
    const QImage image = datasetImage(set.image(index), set.channels, set.rows, set.cols, paper);
    return QPixmap::fromImage(image.scaled(size, size, Qt::KeepAspectRatio, Qt::FastTransformation));
}

}  // namespace

MisclassifiedBrowser::MisclassifiedBrowser(QWidget* parent) : QWidget(parent) {
    m_trueFilter = new QComboBox;
    m_predictedFilter = new QComboBox;
    m_trueFilter->setFont(kanaFont());
    m_predictedFilter->setFont(kanaFont());
    m_count = new QLabel;
    m_grid = new QListWidget;
    m_grid->setViewMode(QListView::IconMode);
    m_grid->setIconSize(QSize(kThumbnail, kThumbnail));
    m_grid->setGridSize(QSize(kThumbnail + 48, kThumbnail + 30));
    m_grid->setResizeMode(QListView::Adjust);
    m_grid->setMovement(QListView::Static);
    m_grid->setUniformItemSizes(true);
    m_grid->setFont(kanaFont(8));
    m_large = new QLabel;
    m_large->setFixedSize(kLarge, kLarge);
    m_large->setAlignment(Qt::AlignCenter);
    m_large->setFrameShape(QFrame::StyledPanel);
    m_detail = new QLabel(tr("Select an image to see it large with its top-3 probabilities."));
    m_detail->setWordWrap(true);
    m_detail->setFont(kanaFont(11));
    m_detail->setTextFormat(Qt::RichText);
    m_detail->setMinimumWidth(kLarge + 60);

    auto* filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("True")));
    filters->addWidget(m_trueFilter);
    filters->addWidget(new QLabel(tr("Predicted")));
    filters->addWidget(m_predictedFilter);
    filters->addWidget(m_count, 1);
    auto* side = new QVBoxLayout;
    side->addWidget(m_large);
    side->addWidget(m_detail);
    side->addStretch(1);
    auto* body = new QHBoxLayout;
    body->addWidget(m_grid, 1);
    body->addLayout(side);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(filters);
    layout->addLayout(body, 1);

    connect(m_trueFilter, &QComboBox::currentIndexChanged, this, &MisclassifiedBrowser::refill);
    connect(m_predictedFilter, &QComboBox::currentIndexChanged, this, &MisclassifiedBrowser::refill);
    connect(m_grid, &QListWidget::currentRowChanged, this, &MisclassifiedBrowser::showDetail);
}

void MisclassifiedBrowser::setMistakes(const std::vector<Misclassified>& mistakes, std::shared_ptr<const ImageSet> images,
                                       const std::vector<ClassInfo>& classes) {
    m_mistakes = mistakes;
    m_images = std::move(images);
    m_paper = !(m_images && storedOnLightBackground(*m_images));
    m_classes = classes;
    {
        const QSignalBlocker a(m_trueFilter), b(m_predictedFilter);
        for (QComboBox* box : {m_trueFilter, m_predictedFilter}) {
            box->clear();
            box->addItem(tr("any"), -1);
            for (std::size_t c = 0; c < classes.size(); ++c)
                box->addItem(classLabel(classes[c]), static_cast<int>(c));
        }
    }
    refill();
}

void MisclassifiedBrowser::setFilter(int trueClass, int predicted) {
    const QSignalBlocker a(m_trueFilter), b(m_predictedFilter);
    m_trueFilter->setCurrentIndex(std::max(0, m_trueFilter->findData(trueClass)));
    m_predictedFilter->setCurrentIndex(std::max(0, m_predictedFilter->findData(predicted)));
    refill();
}

int MisclassifiedBrowser::shownCount() const { return static_cast<int>(m_shown.size()); }

std::vector<std::int64_t> MisclassifiedBrowser::shownIndices() const {
    std::vector<std::int64_t> indices;
    for (const auto* m : m_shown)
        indices.push_back(m->index);
    return indices;
}

void MisclassifiedBrowser::refill() {
    const int wantTrue = m_trueFilter->currentData().toInt();
    const int wantPredicted = m_predictedFilter->currentData().toInt();
    m_shown.clear();
    // The report lists mistakes most confident first; the filter keeps that order.
    for (const auto& m : m_mistakes)
        if ((wantTrue < 0 || m.trueClass == wantTrue) && (wantPredicted < 0 || m.predicted == wantPredicted))
            m_shown.push_back(&m);
    m_grid->clear();
    m_large->clear();
    m_detail->setText(tr("Select an image to see it large with its top-3 probabilities."));
    // Thumbnails for the first few hundred: a grid of thousands helps nobody and costs memory.
    constexpr std::size_t kMaxShown = 600;
    for (std::size_t i = 0; i < m_shown.size() && i < kMaxShown; ++i) {
        const Misclassified& m = *m_shown[i];
        auto* item = new QListWidgetItem(
            QIcon(m_images ? picture(*m_images, m.index, kThumbnail, m_paper) : QPixmap()),
            // The caption names the prediction; the true class is in the filter and the tooltip.
            QStringLiteral("→ %1 %2 %").arg(classLabel(m_classes, m.predicted)).arg(100.0 * m.confidence, 0, 'f', 0));
        item->setToolTip(tr("image %1: true %2, predicted %3 with %4 %")
                             .arg(m.index)
                             .arg(classLabel(m_classes, m.trueClass), classLabel(m_classes, m.predicted))
                             .arg(100.0 * m.confidence, 0, 'f', 1));
        m_grid->addItem(item);
    }
    m_count->setText(m_shown.size() > kMaxShown ? tr("%1 mistakes (first %2 shown)").arg(m_shown.size()).arg(kMaxShown)
                                                : tr("%n mistake(s)", nullptr, static_cast<int>(m_shown.size())));
}

void MisclassifiedBrowser::showDetail(int row) {
    if (row < 0 || row >= static_cast<int>(m_shown.size()))
        return;
    const Misclassified& m = *m_shown[static_cast<std::size_t>(row)];
    if (m_images)
        m_large->setPixmap(picture(*m_images, m.index, kLarge - 8, m_paper));
    QString text = tr("<b>image %1</b><br>true: <b>%2</b><br>predicted: <b>%3</b><br><br>")
                       .arg(m.index)
                       .arg(classLabel(m_classes, m.trueClass), classLabel(m_classes, m.predicted));
    for (int k = 0; k < 3; ++k) {
        const int c = m.top[static_cast<std::size_t>(k)];
        if (c < 0)
            continue;
        const double p = 100.0 * m.topProbability[static_cast<std::size_t>(k)];
        // A bar of block characters: rich-text labels draw no span backgrounds.
        const int blocks = std::max(1, static_cast<int>(p / 8.0 + 0.5));
        text += QStringLiteral("%1 <span style=\"color:%2\">%3</span> %4 %<br>")
                    .arg(classLabel(m_classes, c).toHtmlEscaped(), c == m.trueClass ? "#2e8b57" : "#4a78c2",
                         QString(blocks, QChar(0x2588)))
                    .arg(p, 0, 'f', 1);
    }
    m_detail->setText(text);
}

}  // namespace kanalab::ui
