// SPDX-License-Identifier: GPL-3.0-or-later
#include "data_view/sample_browser.h"

#include "common/class_labels.h"
#include "common/images.h"
#include "predict/preprocess.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

#include <algorithm>

namespace kanalab::ui {
namespace {

constexpr int kThumbnail = 56;  // 28 x 28 at 2x: strokes stay crisp with nearest-neighbour scaling

}  // namespace

SampleBrowser::SampleBrowser(QWidget* parent) : QWidget(parent) {
    m_setBox = new QComboBox;
    m_setBox->addItem(tr("training set"));
    m_setBox->addItem(tr("validation set"));
    m_setBox->addItem(tr("test set"));
    m_setBox->setToolTip(tr("Which of the three sets of the current split to look at"));
    m_classBox = new QComboBox;
    m_classBox->setFont(kanaFont());
    m_classBox->setToolTip(tr("Show one class only"));
    m_classBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_previous = new QPushButton(tr("◀ Previous"));
    m_next = new QPushButton(tr("Next ▶"));
    m_previous->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Left));
    m_next->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Right));
    m_pageLabel = new QLabel;
    m_pageLabel->setAlignment(Qt::AlignCenter);
    m_pageLabel->setMinimumWidth(110);
    m_grid = new QListWidget;
    m_grid->setViewMode(QListView::IconMode);
    m_grid->setIconSize(QSize(kThumbnail, kThumbnail));
    m_grid->setGridSize(QSize(kThumbnail + 22, kThumbnail + 26));
    m_grid->setResizeMode(QListView::Adjust);
    m_grid->setMovement(QListView::Static);
    m_grid->setUniformItemSizes(true);
    m_grid->setWordWrap(false);
    m_grid->setFont(kanaFont(9));
    m_grid->setSelectionMode(QAbstractItemView::SingleSelection);

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_setBox);
    bar->addWidget(new QLabel(tr("class")));
    bar->addWidget(m_classBox);
    bar->addStretch(1);
    bar->addWidget(m_previous);
    bar->addWidget(m_pageLabel);
    bar->addWidget(m_next);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_grid, 1);

    connect(m_setBox, &QComboBox::currentIndexChanged, this, [this] { refilter(); });
    connect(m_classBox, &QComboBox::currentIndexChanged, this, [this] { refilter(); });
    connect(m_previous, &QPushButton::clicked, this, [this] { setPage(m_page - 1); });
    connect(m_next, &QPushButton::clicked, this, [this] { setPage(m_page + 1); });
    connect(m_grid, &QListWidget::currentRowChanged, this, &SampleBrowser::currentSampleChanged);
    clear(tr("No data yet."));
}

void SampleBrowser::setPlan(std::shared_ptr<const DataPlan> plan) {
    const bool sameClasses = m_plan && plan && m_plan->info == plan->info;
    m_plan = std::move(plan);
    // Decided from the pixels, not the dataset's name: imported scans keep their white paper
    // in the cache, the built-in sets store bright ink on black; either is shown as ink on paper.
    m_trainPaper = !(m_plan && m_plan->trainFile && storedOnLightBackground(*m_plan->trainFile));
    m_testPaper = !(m_plan && m_plan->testFile && storedOnLightBackground(*m_plan->testFile));
    if (!sameClasses) {
        const QSignalBlocker blocker(m_classBox);
        m_classBox->clear();
        m_classBox->addItem(tr("all"), -1);
        if (m_plan)
            for (const auto& c : m_plan->info->classes)
                m_classBox->addItem(classLabel(c), c.index);
    }
    setEnabled(m_plan != nullptr);
    refilter();
}

void SampleBrowser::clear(const QString& message) {
    m_plan.reset();
    m_shown.clear();
    m_page = 0;
    m_grid->clear();
    m_pageLabel->setText(message);
    m_previous->setEnabled(false);
    m_next->setEnabled(false);
    emit currentSampleChanged();
}

void SampleBrowser::setSet(int set) {
    m_setBox->setCurrentIndex(std::clamp(set, 0, 2));
}

void SampleBrowser::setClassFilter(int cls) {
    m_classBox->setCurrentIndex(std::max(0, m_classBox->findData(cls)));
}

const std::vector<std::int64_t>* SampleBrowser::setIndices() const {
    if (!m_plan)
        return nullptr;
    switch (m_setBox->currentIndex()) {
        case 1:
            return &m_plan->validationIndices;
        case 2:
            return &m_plan->testIndices;
        default:
            return &m_plan->trainIndices;
    }
}

std::shared_ptr<const ImageSet> SampleBrowser::setFile() const {
    if (!m_plan)
        return nullptr;
    return m_setBox->currentIndex() == 2 ? m_plan->testFile : m_plan->trainFile;
}

bool SampleBrowser::setPaper() const {
    return m_setBox->currentIndex() == 2 ? m_testPaper : m_trainPaper;
}

void SampleBrowser::refilter() {
    m_shown.clear();
    const auto* indices = setIndices();
    const auto file = setFile();
    if (indices && file) {
        const int wanted = m_classBox->currentData().isValid() ? m_classBox->currentData().toInt() : -1;
        m_shown.reserve(indices->size());
        for (const auto i : *indices)
            if (wanted < 0 || file->labels[static_cast<std::size_t>(i)] == wanted)
                m_shown.push_back(i);
    }
    m_page = 0;
    fillPage();
}

int SampleBrowser::pageCount() const {
    return std::max(1, static_cast<int>((m_shown.size() + kPageSize - 1) / kPageSize));
}

int SampleBrowser::shownCount() const {
    return static_cast<int>(m_shown.size());
}

void SampleBrowser::setPage(int page) {
    page = std::clamp(page, 0, pageCount() - 1);
    if (page == m_page && m_grid->count() > 0)
        return;
    m_page = page;
    fillPage();
}

void SampleBrowser::fillPage() {
    m_grid->clear();
    const auto file = setFile();
    if (!m_plan || !file) {
        emit currentSampleChanged();
        return;
    }
    const auto& classes = m_plan->info->classes;
    const bool paper = setPaper();
    const std::size_t first = static_cast<std::size_t>(m_page) * kPageSize;
    const std::size_t last = std::min(m_shown.size(), first + kPageSize);
    {
        // One signal for the page, not one per item.
        const QSignalBlocker blocker(m_grid);
        for (std::size_t i = first; i < last; ++i) {
            const std::int64_t index = m_shown[i];
            const int label = static_cast<int>(file->labels[static_cast<std::size_t>(index)]);
            const QImage image = datasetImage(file->image(index), file->channels, file->rows, file->cols, paper);
            auto* item = new QListWidgetItem(QIcon(QPixmap::fromImage(image.scaled(
                                                 kThumbnail, kThumbnail, Qt::KeepAspectRatio, Qt::FastTransformation))),
                                             classLabel(classes, label));
            item->setToolTip(tr("image %1 of %2: %3")
                                 .arg(index)
                                 .arg(QString::fromStdString(file->source), classLabel(classes, label)));
            item->setData(Qt::UserRole, QVariant::fromValue<qint64>(index));
            m_grid->addItem(item);
        }
        if (m_grid->count() > 0)
            m_grid->setCurrentRow(0);
    }
    if (m_shown.empty())
        m_pageLabel->setText(tr("no images in this set"));
    else
        m_pageLabel->setText(tr("%L1–%L2 of %L3").arg(first + 1).arg(last).arg(m_shown.size()));
    m_pageLabel->setToolTip(tr("page %1 of %2 (Alt+Left / Alt+Right)").arg(m_page + 1).arg(pageCount()));
    m_previous->setEnabled(m_page > 0);
    m_next->setEnabled(m_page + 1 < pageCount());
    emit currentSampleChanged();
}

SampleRef SampleBrowser::currentSample() const {
    SampleRef ref;
    const QListWidgetItem* item = m_grid->currentItem();
    const auto file = setFile();
    if (!item || !file)
        return ref;
    ref.set = file;
    ref.index = item->data(Qt::UserRole).toLongLong();
    ref.label = static_cast<int>(file->labels[static_cast<std::size_t>(ref.index)]);
    ref.paper = setPaper();
    return ref;
}

}  // namespace kanalab::ui
