// SPDX-License-Identifier: GPL-3.0-or-later
#include "data_view/data_view.h"

#include "common/augment_editor.h"
#include "common/class_labels.h"
#include "common/core_types.h"
#include "common/format.h"
#include "common/training_setup.h"
#include "data/data_dirs.h"
#include "data/downloader.h"
#include "data/imported_source.h"
#include "data_view/augment_preview_panel.h"
#include "data_view/class_balance_plot.h"
#include "data_view/download_job.h"
#include "data_view/import_dialog.h"
#include "data_view/sample_browser.h"
#include "train/recipes.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <climits>

namespace kanalab::ui {
namespace {

enum Column { kDatasetColumn, kClassesColumn, kTrainColumn, kTestColumn, kColumnCount };

const QColor kGood(46, 139, 87);
const QColor kBad(208, 69, 58);
const QColor kMissing(176, 112, 0);

bool sameAugment(const AugmentConfig& a, const AugmentConfig& b) {
    return a.rotationDegrees == b.rotationDegrees && a.translate == b.translate && a.scaleMin == b.scaleMin &&
           a.scaleMax == b.scaleMax && a.shearDegrees == b.shearDegrees && a.elasticAlpha == b.elasticAlpha &&
           a.elasticSigma == b.elasticSigma && a.eraseProbability == b.eraseProbability && a.mixupAlpha == b.mixupAlpha &&
           a.flipProbability == b.flipProbability;
}

// What one split cell says; colour tells present / partial or unreadable / missing apart.
QString splitText(const SplitStatus& s, QColor* color) {
    if (s.present && !s.problem.empty()) {
        *color = kBad;
        return DataView::tr("unreadable: %1").arg(qs(s.problem));
    }
    if (s.present) {
        *color = kGood;
        return s.count >= 0 ? DataView::tr("%L1 images · %2").arg(s.count).arg(qs(s.folder))
                            : DataView::tr("present · %1").arg(qs(s.folder));
    }
    *color = kMissing;
    const QString size = qs(formatBytes(s.missingBytes()));
    // The file names are in the tooltip: in the cell they would only be elided.
    if (s.imagesPath.empty() && !s.labelsPath.empty())
        return DataView::tr("labels only: images missing (%1)").arg(size);
    if (!s.imagesPath.empty() && s.labelsPath.empty())
        return DataView::tr("images only: labels missing (%1)").arg(size);
    return DataView::tr("missing (%1)").arg(size);
}

QString splitTooltip(const SplitStatus& s) {
    QStringList lines;
    if (!s.imagesPath.empty())
        lines << DataView::tr("images: %1").arg(qs(s.imagesPath));
    if (!s.labelsPath.empty())
        lines << DataView::tr("labels: %1").arg(qs(s.labelsPath));
    if (!s.origin.empty())
        lines << DataView::tr("found in: %1").arg(qs(s.origin));
    for (const auto& f : s.missing)
        lines << DataView::tr("missing: %1 (%2)").arg(qs(f.fileName), qs(formatBytes(f.bytes)));
    if (!s.problem.empty())
        lines << qs(s.problem);
    return lines.join(QLatin1Char('\n'));
}

QString classesText(const DatasetInfo& info) {
    QStringList parts;
    bool glyphs = true;
    for (const auto& c : info.classes) {
        glyphs = glyphs && !c.glyph.empty();
        parts << qs(c.glyph.empty() ? c.label : c.glyph);
    }
    if (glyphs)
        return parts.join(QChar(0x2002));  // an en space: a plain one is too narrow beside kana
    if (parts.join(QString()).size() <= 2 * parts.size())
        return parts.join(QLatin1Char(' '));  // 0 1 2 …
    // Long names: the first few, the rest in the tooltip.
    return parts.mid(0, 3).join(QStringLiteral(", ")) + QStringLiteral(", …");
}

// The highest-priority data folder a download can be written to. KANALAB_DATA_DIR may name a
// read-only shared folder (it does on the build machines); the user's own folder then serves.
QString downloadTarget(const std::string& dataDir) {
    for (const auto& root : dataRoots(dataDir)) {
        QFileInfo probe(qs(root.path));
        // A folder that does not exist yet is fine when its nearest existing parent is writable.
        while (!probe.exists() && !probe.absolutePath().isEmpty() && probe.absoluteFilePath() != QStringLiteral("/"))
            probe = QFileInfo(probe.absolutePath());
        if (probe.isDir() && probe.isWritable())
            return qs(root.path);
    }
    return qs(userDataFolder());
}

}  // namespace

DataView::DataView(TrainingSetup* setup, QWidget* parent) : QWidget(parent), m_setup(setup) {
    buildLayout();
    connect(&m_planWatcher, &QFutureWatcher<PlanTask>::finished, this, &DataView::onPlanReady);
    connect(m_setup, &TrainingSetup::changed, this, &DataView::syncFromSetup);
    refresh();
}

DataView::~DataView() {
    // Cancels and joins the download thread; plan and preview tasks hold copies of what they use.
    delete m_job;
}

void DataView::buildLayout() {
    // Datasets.
    m_table = new QTableWidget(0, kColumnCount);
    m_table->setHorizontalHeaderLabels({tr("Dataset"), tr("Classes"), tr("Train split"), tr("Test split")});
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setFont(kanaFont());
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideMiddle);  // long folders keep their start and their end
    m_table->horizontalHeader()->setSectionResizeMode(kDatasetColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(kClassesColumn, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(kTrainColumn, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(kTestColumn, QHeaderView::Stretch);
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_table->setToolTip(tr("Choose the dataset to train on; hover a split for its files"));
    connect(m_table, &QTableWidget::itemSelectionChanged, this, &DataView::onRowSelected);
    m_dataFolders = new QLabel;
    m_dataFolders->setWordWrap(true);
    m_dataFolders->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_dataFolders->setFont(small);

    // Download.
    m_mirror = new QLineEdit;
    m_mirror->setPlaceholderText(tr("optional: https://mirror.example.org/datasets"));
    m_mirror->setToolTip(
        tr("A base URL laid out like a data folder (<mirror>/<dataset>/<official file name>), "
           "http, https or file. Empty: the official sources."));
    m_mirror->setClearButtonEnabled(true);
    m_download = new QPushButton(tr("Download"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setEnabled(false);
    m_rescan = new QPushButton(tr("Rescan"));
    m_rescan->setToolTip(tr("Look at the data folders again (after copying files in by hand)"));
    m_downloadBar = new QProgressBar;
    m_downloadBar->setRange(0, 1000);
    m_downloadBar->setValue(0);
    m_downloadBar->setTextVisible(false);
    m_downloadBar->hide();  // shown while a download runs
    m_downloadText = new QLabel;
    m_downloadText->setWordWrap(true);
    m_downloadStatus = new QLabel;
    m_downloadStatus->setWordWrap(true);
    m_downloadStatus->setTextFormat(Qt::RichText);
    m_downloadStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_downloadStatus->setText(
        tr("Fetches the selected dataset's missing files from the official sources, or from "
           "the mirror, and checks each against its published MD5."));
    connect(m_download, &QPushButton::clicked, this, &DataView::startDownload);
    connect(m_cancel, &QPushButton::clicked, this, &DataView::cancelDownload);
    connect(m_rescan, &QPushButton::clicked, this, &DataView::refresh);

    auto* downloadBox = new QGroupBox(tr("Download"));
    auto* downloadLayout = new QVBoxLayout(downloadBox);
    auto* mirrorRow = new QHBoxLayout;
    mirrorRow->addWidget(new QLabel(tr("Mirror URL")));
    mirrorRow->addWidget(m_mirror, 1);
    auto* downloadButtons = new QHBoxLayout;
    downloadButtons->addWidget(m_download);
    downloadButtons->addWidget(m_cancel);
    downloadButtons->addStretch(1);
    downloadButtons->addWidget(m_rescan);
    downloadLayout->addLayout(mirrorRow);
    downloadLayout->addLayout(downloadButtons);
    downloadLayout->addWidget(m_downloadBar);
    downloadLayout->addWidget(m_downloadText);
    downloadLayout->addWidget(m_downloadStatus);
    downloadLayout->addStretch(1);
    downloadBox->setFixedWidth(380);

    auto* datasetsBox = new QGroupBox(tr("Datasets"));
    auto* datasetsLayout = new QVBoxLayout(datasetsBox);
    datasetsLayout->addWidget(m_table);
    // The user's own images: import a folder or list files, remove what was imported.
    m_importButton = new QPushButton(tr("Import folder or list…"));
    m_importButton->setToolTip(
        tr("Make a dataset of your own images: a folder of class folders, train/val/test folders or list "
           "files, decoded once into a cache in the data folder"));
    m_remove = new QPushButton(tr("Remove"));
    m_remove->setToolTip(tr("Forget the selected imported dataset and delete its cache (your images stay)"));
    m_remove->setEnabled(false);
    connect(m_importButton, &QPushButton::clicked, this, &DataView::openImportDialog);
    connect(m_remove, &QPushButton::clicked, this, [this] { removeSelectedDataset(true); });
    auto* importRow = new QHBoxLayout;
    importRow->addWidget(m_importButton);
    importRow->addWidget(m_remove);
    importRow->addStretch(1);
    datasetsLayout->addLayout(importRow);
    datasetsLayout->addWidget(m_dataFolders);
    auto* top = new QHBoxLayout;
    top->addWidget(datasetsBox, 1);
    top->addWidget(downloadBox);

    // Split settings.
    m_protocol = new QComboBox;
    m_protocol->addItem(tr("official"), static_cast<int>(SplitProtocol::Official));
    m_protocol->addItem(tr("test-80-20"), static_cast<int>(SplitProtocol::Test8020));
    m_protocol->setItemData(0,
                            tr("Train and validation come from the official train file, test is the official "
                               "test file"),
                            Qt::ToolTipRole);
    m_protocol->setItemData(1,
                            tr("For machines holding only the official test file: per class, its first 80% "
                               "train (validation is carved out of them), the last 20% test"),
                            Qt::ToolTipRole);
    m_validation = new QDoubleSpinBox;
    m_validation->setRange(0, 50);
    m_validation->setDecimals(1);
    m_validation->setSingleStep(1);
    m_validation->setSuffix(tr(" %"));
    m_validation->setKeyboardTracking(false);
    m_validation->setToolTip(
        tr("Share of the training part held out, per class, to measure accuracy during "
           "training and pick the best epoch; 0 = no validation set"));
    m_seed = new QSpinBox;
    m_seed->setRange(0, INT_MAX);
    m_seed->setKeyboardTracking(false);
    m_seed->setToolTip(
        tr("The run's random seed: it picks the validation images (and the initial weights, the "
           "batch order and the augmentation)"));
    m_protocolNote = new QLabel;
    m_protocolNote->setWordWrap(true);
    m_protocolNote->setTextFormat(Qt::RichText);
    m_sizes = new QLabel;
    m_sizes->setWordWrap(true);

    auto* splitBox = new QGroupBox(tr("Split"));
    auto* splitForm = new QFormLayout(splitBox);
    splitForm->addRow(tr("Protocol"), m_protocol);
    splitForm->addRow(tr("Validation"), m_validation);
    splitForm->addRow(tr("Seed"), m_seed);
    splitForm->addRow(m_protocolNote);
    splitForm->addRow(m_sizes);

    connect(m_protocol, &QComboBox::activated, this, [this] {
        const auto protocol = static_cast<SplitProtocol>(m_protocol->currentData().toInt());
        m_setup->update([protocol](TrainConfig& c) { c.protocol = protocol; });
    });
    connect(m_validation, &QDoubleSpinBox::valueChanged, this, [this](double percent) {
        m_setup->update([percent](TrainConfig& c) { c.validationFraction = percent / 100.0; });
    });
    connect(m_seed, &QSpinBox::valueChanged, this, [this](int seed) {
        m_setup->update([seed](TrainConfig& c) { c.seed = static_cast<std::uint64_t>(seed); });
    });

    // Augmentation.
    m_augment = new AugmentEditor;
    connect(m_augment, &AugmentEditor::edited, this,
            [this](const AugmentConfig& a) {
                m_setup->update([&a](TrainConfig& c) {
                    c.augment = a;
                    c.recipe.clear();  // hand edits detach the settings from their recipe
                });
            });
    auto* augmentBox = new QGroupBox(tr("Augmentation"));
    auto* augmentLayout = new QVBoxLayout(augmentBox);
    augmentLayout->addWidget(m_augment);

    auto* settings = new QWidget;
    auto* settingsLayout = new QVBoxLayout(settings);
    settingsLayout->addWidget(splitBox);
    settingsLayout->addWidget(augmentBox);
    settingsLayout->addStretch(1);
    auto* scroll = new QScrollArea;
    scroll->setWidget(settings);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Wide enough for the form, so nothing is cut off at the right edge.
    scroll->setMinimumWidth(settings->sizeHint().width() + scroll->verticalScrollBar()->sizeHint().width() +
                            2 * scroll->frameWidth());

    // Class balance, samples, preview.
    m_errorLabel = new QLabel;
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextFormat(Qt::RichText);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorLabel->setFrameShape(QFrame::StyledPanel);
    m_errorLabel->setMargin(8);
    m_errorLabel->hide();
    m_balance = new ClassBalancePlot;
    m_samples = new SampleBrowser;
    m_preview = new AugmentPreviewPanel;
    connect(m_samples, &SampleBrowser::currentSampleChanged, this, &DataView::showSample);

    auto* balanceArea = new QWidget;
    auto* balanceLayout = new QVBoxLayout(balanceArea);
    balanceLayout->setContentsMargins(0, 0, 0, 0);
    balanceLayout->addWidget(m_errorLabel);
    balanceLayout->addWidget(m_balance, 1);
    auto* previewBox = new QGroupBox(tr("Augmentation preview"));
    auto* previewLayout = new QVBoxLayout(previewBox);
    previewLayout->addWidget(m_preview);
    previewLayout->addStretch(1);
    auto* lower = new QSplitter(Qt::Horizontal);
    lower->addWidget(m_samples);
    lower->addWidget(previewBox);
    lower->setStretchFactor(0, 1);
    lower->setStretchFactor(1, 0);
    lower->setChildrenCollapsible(false);
    auto* right = new QSplitter(Qt::Vertical);
    right->addWidget(balanceArea);
    right->addWidget(lower);
    right->setStretchFactor(0, 2);
    right->setStretchFactor(1, 3);
    right->setChildrenCollapsible(false);
    auto* body = new QSplitter(Qt::Horizontal);
    body->addWidget(scroll);
    body->addWidget(right);
    body->setStretchFactor(0, 0);
    body->setStretchFactor(1, 1);
    body->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(body, 1);
}

void DataView::refresh() {
    ++m_scan;
    m_scannedDataDir = m_setup->config().dataDir;
    m_statuses.clear();
    const auto roots = dataRoots(m_setup->config().dataDir);
    for (const DatasetInfo* info : datasetCatalogue(roots)) {
        try {
            // Reads only the image headers: a few bytes per file, cheap enough for the UI thread.
            m_statuses.push_back(locateDataset(*info, roots));
        } catch (const std::exception& e) {
            DatasetStatus status;
            status.info = info;
            status.train.problem = e.what();
            status.test.problem = e.what();
            m_statuses.push_back(status);
        }
    }
    QStringList searched;
    for (const auto& root : roots)
        searched << QStringLiteral("%1 (%2)").arg(qs(root.path), qs(root.origin));
    searched << tr("system folders such as /usr/share/datasets");
    m_dataFolders->setText(tr("Searched: %1. Downloads go to %2.")
                               .arg(searched.join(QStringLiteral(", ")), downloadTarget(m_setup->config().dataDir)));
    fillTable();
    ensureUsableProtocol();
    syncFromSetup();
}

void DataView::fillTable() {
    const QSignalBlocker blocker(m_table);
    m_table->setRowCount(static_cast<int>(m_statuses.size()));
    for (int row = 0; row < static_cast<int>(m_statuses.size()); ++row) {
        const DatasetStatus& s = m_statuses[static_cast<std::size_t>(row)];
        const DatasetInfo& info = *s.info;
        auto* title = new QTableWidgetItem(qs(info.title));
        title->setData(Qt::UserRole, qs(info.name));
        title->setToolTip(QStringLiteral("%1\n%2\n%3").arg(qs(info.name), qs(info.description), qs(info.licence)));
        QFont bold = kanaFont();
        bold.setBold(true);
        title->setFont(bold);
        m_table->setItem(row, kDatasetColumn, title);

        auto* classes = new QTableWidgetItem(classesText(info));
        QStringList names;
        for (const auto& c : info.classes)
            names << classLabel(c);
        classes->setToolTip(names.join(QStringLiteral(", ")));
        classes->setFont(kanaFont());
        m_table->setItem(row, kClassesColumn, classes);

        for (Split split : {Split::Train, Split::Test}) {
            QColor color;
            auto* item = new QTableWidgetItem(splitText(s.split(split), &color));
            item->setForeground(color);
            item->setToolTip(splitTooltip(s.split(split)));
            m_table->setItem(row, split == Split::Train ? kTrainColumn : kTestColumn, item);
        }
    }
    m_table->resizeRowsToContents();
    const int height =
        m_table->horizontalHeader()->height() + m_table->verticalHeader()->length() + 2 * m_table->frameWidth() + 2;
    m_table->setFixedHeight(height);
}

const DatasetStatus* DataView::currentStatus() const {
    for (const auto& s : m_statuses)
        if (s.info->name == m_setup->config().dataset)
            return &s;
    return nullptr;
}

void DataView::onRowSelected() {
    const auto rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return;
    const QString name = m_table->item(rows.first().row(), kDatasetColumn)->data(Qt::UserRole).toString();
    if (name.toStdString() == m_setup->config().dataset)
        return;
    m_setup->update([&name](TrainConfig& c) {
        c.dataset = name.toStdString();
        // Settings that still follow a recipe follow it to the new dataset: a recipe picks
        // augmentation (and for some models epochs) by dataset. Hand-edited settings stay.
        for (const auto& recipe : recipes())
            if (recipe.name == c.recipe)
                recipe.apply(c);
    });
    ensureUsableProtocol();
}

// The official protocol cannot work without the train file: rather than let the next run fail,
// switch to test-80-20 and say so (the user can switch back once the train split is downloaded).
void DataView::ensureUsableProtocol() {
    const DatasetStatus* status = currentStatus();
    if (!status || m_setup->config().protocol != SplitProtocol::Official)
        return;
    if (!status->train.present && status->test.present) {
        m_setup->update([](TrainConfig& c) { c.protocol = SplitProtocol::Test8020; });
        emit statusMessage(
            tr("%1 has no train split here: switched to the test-80-20 protocol").arg(qs(status->info->title)));
    }
}

void DataView::updateProtocolChoices() {
    const DatasetStatus* status = currentStatus();
    auto* model = qobject_cast<QStandardItemModel*>(m_protocol->model());
    const bool trainPresent = status && status->train.present;
    if (model)
        model->item(0)->setEnabled(trainPresent);
    if (!status) {
        m_protocolNote->clear();
        return;
    }
    if (!trainPresent) {
        m_protocolNote->setText(
            tr("<small>Official is unavailable: the train split of %1 is missing here (%2). Download it above "
               "to train on all of it.</small>")
                .arg(qs(status->info->title).toHtmlEscaped(), qs(formatBytes(status->train.missingBytes()))));
    } else if (m_setup->config().protocol == SplitProtocol::Test8020) {
        m_protocolNote->setText(tr("<small>The train split is present: the official protocol trains on all "
                                   "%L1 of its images.</small>")
                                    .arg(status->train.count));
    } else {
        m_protocolNote->clear();
    }
}

void DataView::syncFromSetup() {
    const TrainConfig& c = m_setup->config();
    if (c.dataDir != m_scannedDataDir) {
        // Another data folder (a run's settings loaded to train again): look there instead.
        refresh();
        return;
    }
    {
        const QSignalBlocker a(m_table), b(m_protocol), d(m_validation), e(m_seed);
        for (int row = 0; row < m_table->rowCount(); ++row)
            if (m_table->item(row, kDatasetColumn)->data(Qt::UserRole).toString().toStdString() == c.dataset)
                m_table->selectRow(row);
        m_protocol->setCurrentIndex(m_protocol->findData(static_cast<int>(c.protocol)));
        m_validation->setValue(c.validationFraction * 100.0);
        m_seed->setValue(static_cast<int>(std::min<std::uint64_t>(c.seed, INT_MAX)));
    }
    m_augment->setDataset(c.dataset);
    if (!sameAugment(m_augment->value(), c.augment))
        m_augment->setValue(c.augment);
    // Only a real change redraws: the Train view edits this setup too (epochs, learning rate).
    if (!sameAugment(m_previewConfig, c.augment) || !m_previewConfigSet) {
        m_previewConfig = c.augment;
        m_previewConfigSet = true;
        m_preview->setConfig(c.augment);
    }
    updateProtocolChoices();
    updateDownloadButton();
    requestPlan();
}

void DataView::updateDownloadButton() {
    const DatasetStatus* status = currentStatus();
    const bool busy = m_job != nullptr;
    std::int64_t bytes = 0;
    bool repair = false;
    if (status) {
        for (const SplitStatus* s : {&status->train, &status->test}) {
            bytes += s->missingBytes();
            repair = repair || !s->problem.empty();
        }
    }
    m_download->setEnabled(!busy && status && (bytes > 0 || repair));
    m_cancel->setEnabled(busy);
    m_mirror->setEnabled(!busy);
    updateRemoveButton();
    if (!status)
        m_download->setText(tr("Download"));
    else if (bytes > 0)
        m_download->setText(tr("Download %1 (%2)").arg(qs(status->info->name), qs(formatBytes(bytes))));
    else if (repair)
        m_download->setText(tr("Download %1 again").arg(qs(status->info->name)));
    else
        m_download->setText(tr("%1 is complete").arg(qs(status->info->name)));
}

QString DataView::planKey() const {
    const TrainConfig& c = m_setup->config();
    return QStringLiteral("%1|%2|%3|%4|%5")
        .arg(qs(c.dataset))
        .arg(static_cast<int>(c.protocol))
        .arg(c.validationFraction, 0, 'g', 10)
        .arg(c.seed)
        .arg(m_scan);
}

void DataView::requestPlan() {
    const QString key = planKey();
    if (m_loading) {
        // Coalesce: whatever runs now finishes, then only the newest settings are loaded.
        m_planPending = true;
        return;
    }
    m_planPending = false;
    if (key == m_loadedKey)
        return;
    m_loadedKey = key;
    m_loading = true;
    const TrainConfig& c = m_setup->config();
    const DatasetStatus* status = currentStatus();
    if (!status) {
        PlanTask task;
        task.key = key;
        task.error = tr("Unknown dataset \"%1\": choose one in the list above.").arg(qs(c.dataset));
        m_planWatcher.setFuture(QtConcurrent::run([task] { return task; }));
        return;
    }
    DataPlanOptions options;
    options.protocol = c.protocol;
    options.validationFraction = c.validationFraction;
    options.seed = c.seed;
    const DatasetStatus copy = *status;
    m_sizes->setText(tr("Loading %1…").arg(qs(status->info->title)));
    emit statusMessage(tr("Loading %1 (%2 split)…").arg(qs(status->info->title), protocolName(c.protocol)));
    // Errors are caught inside the task: QtConcurrent would wrap them in QUnhandledException.
    m_planWatcher.setFuture(QtConcurrent::run([copy, options, key] {
        PlanTask task;
        task.key = key;
        try {
            task.plan = std::make_shared<const DataPlan>(planData(copy, options));
        } catch (const std::exception& e) {
            task.error = QString::fromStdString(e.what());
        }
        return task;
    }));
}

void DataView::onPlanReady() {
    const PlanTask task = m_planWatcher.result();
    m_planPending = false;
    m_loading = false;
    if (task.key != planKey()) {
        // The settings moved on while this loaded: load what they say now instead.
        requestPlan();
        return;
    }
    if (!task.error.isEmpty()) {
        m_plan.reset();
        m_dataError = task.error;
        QString text =
            QStringLiteral("<b>%1</b><br>%2").arg(tr("The data could not be loaded:"), task.error.toHtmlEscaped());
        if (const DatasetStatus* status = currentStatus()) {
            // What the user can do depends on why: a needed split is absent, or a file is damaged.
            const bool official = m_setup->config().protocol == SplitProtocol::Official;
            const SplitStatus& needed = official && !status->train.present ? status->train : status->test;
            if (!needed.present)
                text += QStringLiteral("<br>") + tr("Use Download above to fetch the missing files.");
            else if (!needed.problem.empty())
                text += QStringLiteral("<br>") + tr("The file is damaged: Download above fetches it again.");
            else
                text += QStringLiteral("<br>") + tr("If a file is damaged or cut short, delete it and download the "
                                                    "dataset again.");
        }
        m_errorLabel->setText(QStringLiteral("<span style=\"color:%1\">%2</span>").arg(kBad.name(), text));
        m_errorLabel->show();
        m_balance->clear();
        m_sizes->setText(tr("No data."));
        m_samples->clear(tr("no data"));
        emit statusMessage(tr("Data error: %1").arg(task.error));
        emit dataLoaded();
        return;
    }
    m_plan = task.plan;
    m_dataError.clear();
    m_errorLabel->hide();
    const DataPlan& plan = *m_plan;
    m_balance->setCounts(plan.info->classes, plan.trainCounts(), plan.validationCounts(), plan.testCounts());
    m_sizes->setText(tr("%L1 train · %L2 validation · %L3 test images")
                         .arg(plan.trainIndices.size())
                         .arg(plan.validationIndices.size())
                         .arg(plan.testIndices.size()));
    m_samples->setPlan(m_plan);
    emit statusMessage(tr("%1: %L2 train, %L3 validation, %L4 test images")
                           .arg(qs(plan.info->title))
                           .arg(plan.trainIndices.size())
                           .arg(plan.validationIndices.size())
                           .arg(plan.testIndices.size()));
    emit dataLoaded();
}

void DataView::showSample() {
    const SampleRef ref = m_samples->currentSample();
    if (!ref.valid() || !m_plan) {
        m_preview->setSample({}, 1, 0, 0, true, QString());
        return;
    }
    const ImageSet& set = *ref.set;
    const std::uint8_t* bytes = set.image(ref.index);
    m_preview->setSample(
        std::vector<std::uint8_t>(bytes, bytes + set.imageBytes()), set.channels, set.rows, set.cols, ref.paper,
        tr("%1 · image %2 of %3").arg(classLabel(m_plan->info->classes, ref.label)).arg(ref.index).arg(qs(set.source)));
}

bool DataView::isDownloading() const {
    return m_job != nullptr;
}

QString DataView::downloadMessage() const {
    return m_downloadStatus->text();
}

void DataView::setDownloadMessage(const QString& text, bool error) {
    m_downloadStatus->setText(error ? QStringLiteral("<span style=\"color:%1\"><b>%2</b> %3</span>")
                                          .arg(kBad.name(), tr("Download failed:"), text.toHtmlEscaped())
                                    : text.toHtmlEscaped());
}

void DataView::startDownload() {
    const DatasetStatus* status = currentStatus();
    if (m_job || !status)
        return;
    std::vector<Split> splits;
    for (Split split : {Split::Train, Split::Test}) {
        const SplitStatus& s = status->split(split);
        // Unreadable files are fetched again: the downloader replaces a file whose MD5 is wrong.
        if (!s.present || !s.problem.empty())
            splits.push_back(split);
    }
    if (splits.empty()) {
        setDownloadMessage(tr("%1 is complete: nothing to download.").arg(qs(status->info->title)), false);
        return;
    }
    const QString mirror = m_mirror->text().trimmed();
    if (!mirror.isEmpty() && !isSupportedMirrorUrl(mirror.toStdString())) {
        setDownloadMessage(tr("\"%1\" is not a mirror URL KanaLab can use: it must start with http://, https:// or "
                              "file:// followed by a host or path.")
                               .arg(mirror),
                           true);
        return;
    }
    const QString target = downloadTarget(m_setup->config().dataDir);
    m_job = new DownloadJob(*status->info, splits, target, mirror, this);
    connect(m_job, &DownloadJob::progress, this, &DataView::onDownloadProgress);
    connect(m_job, &DownloadJob::finished, this, &DataView::onDownloadFinished);
    connect(m_job, &DownloadJob::converting, this, [this](qint64 done, qint64 total, double rate) {
        m_downloadBar->setRange(0, 1000);
        m_downloadBar->setValue(total > 0 ? static_cast<int>(1000 * done / total) : 0);
        m_downloadText->setText(tr("Decoding the images once: %1 of %2 · %3 images/s")
                                    .arg(qs(formatCount(done)), qs(formatCount(total)))
                                    .arg(static_cast<qint64>(rate)));
    });
    m_downloadBar->setValue(0);
    m_downloadBar->setRange(0, 0);  // busy until the first bytes tell the size
    m_downloadBar->show();
    m_downloadText->setText(tr("Connecting…"));
    m_downloadStatus->setText(tr("Into %1").arg(target.toHtmlEscaped()));
    updateDownloadButton();
    m_job->start();
    emit statusMessage(tr("Downloading %1…").arg(qs(status->info->name)));
}

void DataView::cancelDownload() {
    if (!m_job)
        return;
    m_job->cancel();
    m_cancel->setEnabled(false);
    m_downloadText->setText(tr("Cancelling…"));
}

void DataView::onDownloadProgress(const DownloadProgress& p) {
    if (!m_job)
        return;
    m_downloadBar->setRange(0, 1000);
    if (p.totalBytes > 0)
        m_downloadBar->setValue(static_cast<int>(1000 * p.totalBytesDone / p.totalBytes));
    QString text = tr("%1 of %2").arg(qs(formatBytes(p.totalBytesDone)), qs(formatBytes(p.totalBytes)));
    if (p.bytesPerSecond > 0)
        text += tr(" · %1/s").arg(qs(formatBytes(static_cast<std::int64_t>(p.bytesPerSecond))));
    if (p.etaSeconds >= 0)
        text += tr(" · ETA %1").arg(qs(formatDuration(p.etaSeconds)));
    text += tr(" · %1 (%2/%3)").arg(qs(p.fileName)).arg(p.fileIndex + 1).arg(p.fileCount);
    m_downloadText->setText(text);
    emit statusMessage(
        tr("Downloading %1: %2 of %3")
            .arg(qs(m_job->dataset().name), qs(formatBytes(p.totalBytesDone)), qs(formatBytes(p.totalBytes))));
}

void DataView::onDownloadFinished(bool ok, bool cancelled, const QString& message) {
    m_job->deleteLater();
    m_job = nullptr;
    m_downloadBar->setRange(0, 1000);
    m_downloadBar->setValue(ok ? 1000 : 0);
    m_downloadBar->hide();
    m_downloadText->clear();
    setDownloadMessage(message, !ok && !cancelled);
    emit statusMessage(ok ? message : cancelled ? tr("Download cancelled") : tr("Download failed: %1").arg(message));
    // Files finished before a failure or a cancel stay: the table shows what there is now.
    refresh();
    emit downloadFinished(ok);
}

ImportDialog* DataView::importDialog() const {
    return m_importDialog.data();
}

void DataView::openImportDialog() {
    if (m_importDialog) {
        m_importDialog->raise();
        m_importDialog->activateWindow();
        return;
    }
    m_importDialog = new ImportDialog(downloadTarget(m_setup->config().dataDir), this);
    m_importDialog->setAttribute(Qt::WA_DeleteOnClose);
    ImportDialog* dialog = m_importDialog;
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const DatasetInfo* info = dialog->importedDataset();
        if (!info)
            return;
        const QString name = qs(info->name);
        const QString message = dialog->message();
        refresh();
        for (int row = 0; row < m_table->rowCount(); ++row)
            if (m_table->item(row, kDatasetColumn)->data(Qt::UserRole).toString() == name)
                m_table->selectRow(row);  // onRowSelected makes it the setup's dataset
        setDownloadMessage(message, false);
        emit statusMessage(message);
    });
    dialog->open();
}

void DataView::updateRemoveButton() {
    const DatasetStatus* status = currentStatus();
    const bool imported = status && status->info->imported;
    m_remove->setEnabled(imported);
    m_remove->setText(imported ? tr("Remove %1").arg(qs(status->info->name)) : tr("Remove"));
}

bool DataView::removeSelectedDataset(bool askFirst, QString* error) {
    const DatasetStatus* status = currentStatus();
    auto fail = [&](const QString& text) {
        if (error)
            *error = text;
        m_downloadStatus->setText(QStringLiteral("<span style=\"color:%1\"><b>%2</b> %3</span>")
                                      .arg(kBad.name(), tr("Remove failed:"), text.toHtmlEscaped()));
        return false;
    };
    if (!status)
        return fail(tr("Choose the imported dataset to remove in the list above."));
    const DatasetInfo& info = *status->info;
    const QString name = qs(info.name);
    if (!info.imported)
        return fail(tr("%1 is built into KanaLab and cannot be removed.").arg(qs(info.title)));
    // The cache the source reads; only a folder that holds an imported dataset's description is deleted.
    const auto* source = dynamic_cast<const ImportedSource*>(info.source);
    QString folder = source ? qs(source->folder()) : qs(status->train.folder);
    if (folder.isEmpty())
        folder = qs(importedDatasetFolder(downloadTarget(m_setup->config().dataDir).toStdString(), info.name));
    const bool cacheThere = QFileInfo(QDir(folder).filePath(QString::fromLatin1(kImportedMetaFile))).isFile();
    if (askFirst) {
        const auto answer = QMessageBox::question(
            this, tr("Remove %1?").arg(name),
            tr("Remove the imported dataset %1 and delete its cache (%L2 images in %3)? The images it was "
               "imported from stay where they are.")
                .arg(name)
                .arg(source ? source->meta().totalImages() : 0)
                .arg(folder),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes) {
            if (error)
                *error = tr("not confirmed");
            return false;
        }
    }
    if (cacheThere && !QDir(folder).removeRecursively())
        return fail(tr("%1 could not be deleted completely: check its permissions and delete it by hand.").arg(folder));
    try {
        unregisterDataset(info.name);
    } catch (const std::exception& e) {
        return fail(QString::fromStdString(e.what()));
    }
    // Another dataset takes its place in the setup: the first one listed (KMNIST).
    const std::string next = datasetCatalogue(dataRoots(m_setup->config().dataDir)).front()->name;
    m_setup->update([&next](TrainConfig& c) {
        c.dataset = next;
        for (const auto& recipe : recipes())
            if (recipe.name == c.recipe)
                recipe.apply(c);
    });
    refresh();
    const QString message = tr("Removed %1 and its cache %2.").arg(name, folder);
    m_downloadStatus->setText(message.toHtmlEscaped());
    emit statusMessage(message);
    return true;
}

}  // namespace kanalab::ui
