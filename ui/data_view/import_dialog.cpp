// SPDX-License-Identifier: GPL-3.0-or-later
#include "data_view/import_dialog.h"

#include "common/class_labels.h"
#include "common/core_types.h"
#include "common/error.h"
#include "common/format.h"
#include "common/images.h"
#include "data/folder_scan.h"
#include "data/image_decode.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace kanalab::ui {
namespace {

const QColor kBad(208, 69, 58);
constexpr int kThumbnail = 56;
// Typing a path: wait for a pause before scanning what may be a half-typed folder name.
constexpr int kTypingPauseMs = 350;
// Long enough to read the result before the dialog closes; the Data view keeps it too.
constexpr int kCloseDelayMs = 1200;

enum SizeMode { kFirstImageSize, kSquareSize, kRowsColsSize };

// What a preview needs, copied for the worker: the worker never touches the dialog.
struct PreviewRequest {
    int generation = 0;
    QString path;
    QString format;
    int rows = 0;  // 0: the first readable image's size, as the import does
    int cols = 0;
    int channels = 0;
    bool crop = false;
    std::shared_ptr<const ImportPreview> previous;  // its listing is reused for the same path and format
    std::shared_ptr<std::atomic<bool>> cancel;
};

QString layoutTitle(ImportLayout layout) {
    switch (layout) {
        case ImportLayout::ClassFolders:
            return ImportDialog::tr("Class folders");
        case ImportLayout::SplitFolders:
            return ImportDialog::tr("Train / validation / test folders");
        case ImportLayout::ListFiles:
            return ImportDialog::tr("List files");
    }
    return QString();
}

bool colourful(const DecodedImage& image) {
    if (image.channels != 3)
        return false;
    const std::size_t plane = static_cast<std::size_t>(image.rows) * image.cols;
    for (std::size_t i = 0; i < plane; ++i)
        if (image.pixels[i] != image.pixels[i + plane] || image.pixels[i] != image.pixels[i + 2 * plane])
            return true;
    return false;
}

// A tile for a file that would be skipped: the preview shows where it is, not a gap.
QImage unreadableTile() {
    QImage tile(kThumbnail, kThumbnail, QImage::Format_RGB888);
    tile.fill(QColor(250, 235, 233));
    QPainter painter(&tile);
    painter.setPen(QPen(kBad, 3));
    painter.drawLine(14, 14, kThumbnail - 14, kThumbnail - 14);
    painter.drawLine(kThumbnail - 14, 14, 14, kThumbnail - 14);
    return tile;
}

// The first images of each class in turn, so a preview of 16 shows many classes, not one.
std::vector<const ImportItem*> previewItems(const ImportListing& listing, std::size_t count) {
    std::vector<std::vector<const ImportItem*>> perClass(listing.classes.size());
    for (const auto* items : {&listing.pool, &listing.train, &listing.validation, &listing.test})
        for (const auto& item : *items) {
            auto& bucket = perClass[static_cast<std::size_t>(item.classIndex)];
            if (bucket.size() < count)
                bucket.push_back(&item);
        }
    std::vector<const ImportItem*> out;
    for (std::size_t round = 0; out.size() < count; ++round) {
        bool any = false;
        for (const auto& bucket : perClass) {
            if (round < bucket.size() && out.size() < count) {
                out.push_back(bucket[round]);
                any = true;
            }
        }
        if (!any)
            break;
    }
    return out;
}

// The one sentence for a folder without a single usable image.
QString noImagesSentence(const QString& path, std::size_t skipped) {
    if (skipped == 0)
        return ImportDialog::tr(
                   "%1 holds no images: put the images of each class in a folder of its own "
                   "(ROOT/CLASS/image.png).")
            .arg(path);
    return skipped == 1
               ? ImportDialog::tr("%1 holds no images KanaLab can read: 1 file skipped, listed below.").arg(path)
               : ImportDialog::tr("%1 holds no images KanaLab can read: %L2 files skipped, listed below.")
                     .arg(path)
                     .arg(static_cast<qulonglong>(skipped));
}

template <typename Skipped>
QStringList skippedLines(const std::vector<Skipped>& skipped) {
    QStringList lines;
    for (const auto& s : skipped)
        lines << QStringLiteral("%1: %2").arg(qs(s.path), qs(s.reason));
    return lines;
}

// Runs on the thread pool. Errors become the preview's one sentence, never an exception.
std::shared_ptr<const ImportPreview> makePreview(const PreviewRequest& request) {
    auto preview = std::make_shared<ImportPreview>();
    preview->generation = request.generation;
    preview->path = request.path;
    preview->format = request.format;
    try {
        const std::string path = ss(request.path);
        if (request.previous && request.previous->error.isEmpty() && request.previous->path == request.path &&
            request.previous->format == request.format) {
            preview->layout = request.previous->layout;
            preview->listing = request.previous->listing;
        } else {
            preview->layout = detectLayout(path);
            if (request.format == QLatin1String("folder") && preview->layout == ImportLayout::ListFiles)
                throw Error(path + " holds list files (train.txt): choose the format \"list\" or \"auto\"");
            if (request.format == QLatin1String("list") && preview->layout != ImportLayout::ListFiles)
                throw Error(path + " has no train.txt, val.txt or test.txt list files: choose \"folder\" or \"auto\"");
            if (request.cancel->load())
                return preview;
            preview->listing = scanImport(path, preview->layout);
            if (preview->listing.classes.empty()) {
                // The listing stays: its skipped files show why nothing was found.
                preview->error = noImagesSentence(request.path, preview->listing.skipped.size());
                return preview;
            }
        }
        const int decodeChannels = request.channels == 0 ? 3 : request.channels;
        const FitMode fit = request.crop ? FitMode::CentreCrop : FitMode::Pad;
        int rows = request.rows, cols = request.cols;
        for (const ImportItem* item : previewItems(preview->listing, ImportDialog::kPreviewImages)) {
            if (request.cancel->load())
                return preview;
            const ImportClass& cls = preview->listing.classes[static_cast<std::size_t>(item->classIndex)];
            preview->captions << qs(cls.glyph.empty() ? cls.name : cls.glyph);
            preview->files << qs(item->path);
            try {
                const DecodedImage image = loadImageFile(item->path, decodeChannels);
                if (rows <= 0) {
                    // As the import: the first readable image, shrunk to kDefaultMaxImportSide a side.
                    const double scale =
                        std::min(1.0, double(kDefaultMaxImportSide) / std::max(image.rows, image.cols));
                    rows = std::max(1, int(std::lround(image.rows * scale)));
                    cols = std::max(1, int(std::lround(image.cols * scale)));
                }
                const DecodedImage fitted = fitImage(image, rows, cols, fit);
                const bool colour = colourful(fitted);
                preview->colour = preview->colour || colour;
                // Gray images as they are in the file (a scan stays dark ink on white).
                preview->images.push_back(datasetImage(fitted.pixels.data(), colour ? 3 : 1, rows, cols, false));
            } catch (const Error&) {
                ++preview->unreadable;
                preview->images.push_back(unreadableTile());
            }
        }
        preview->rows = rows;
        preview->cols = cols;
        if (request.channels == 1)
            preview->colour = false;
        else if (request.channels == 3)
            preview->colour = true;
    } catch (const std::exception& e) {
        preview->error = QString::fromStdString(e.what());
    }
    return preview;
}

QString skippedText(std::size_t count) {
    return count == 1 ? ImportDialog::tr("1 file skipped.")
                      : ImportDialog::tr("%L1 files skipped.").arg(static_cast<qlonglong>(count));
}

void addChoice(QComboBox* box, const QString& text, const QVariant& data, const QString& tip) {
    box->addItem(text, data);
    box->setItemData(box->count() - 1, tip, Qt::ToolTipRole);
}

}  // namespace

ImportDialog::ImportDialog(QString dataRoot, QWidget* parent) : QDialog(parent), m_dataRoot(std::move(dataRoot)) {
    setWindowTitle(tr("Import folder or list"));
    m_previewTimer = new QTimer(this);
    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(kTypingPauseMs);
    connect(m_previewTimer, &QTimer::timeout, this, &ImportDialog::startPreview);
    buildLayout();
    clearPreview(
        tr("Choose a folder of class folders (ROOT/CLASS/image.png), train/val/test folders, or a "
           "list file (one \"PATH LABEL\" per line)."));
    updateControls();
}

ImportDialog::~ImportDialog() {
    if (m_previewCancel)
        *m_previewCancel = true;  // the preview holds copies of what it needs; it only has to stop
    if (m_thread) {
        m_cancelImport = true;
        m_thread->wait();
        delete m_thread;
    }
}

void ImportDialog::buildLayout() {
    // Source.
    m_path = new QLineEdit;
    m_path->setPlaceholderText(tr("/path/to/my-kana or /path/to/train.txt"));
    m_path->setClearButtonEnabled(true);
    m_chooseFolder = new QPushButton(tr("Folder…"));
    m_chooseList = new QPushButton(tr("List file…"));
    connect(m_chooseFolder, &QPushButton::clicked, this, &ImportDialog::chooseFolder);
    connect(m_chooseList, &QPushButton::clicked, this, &ImportDialog::chooseListFile);
    connect(m_path, &QLineEdit::textEdited, this, [this](const QString& text) {
        if (!m_nameEdited)
            m_name->setText(text.trimmed().isEmpty() ? QString() : qs(datasetNameFromPath(ss(text.trimmed()))));
        schedulePreview();
    });
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_path, 1);
    pathRow->addWidget(m_chooseFolder);
    pathRow->addWidget(m_chooseList);

    // Settings.
    m_name = new QLineEdit;
    m_name->setToolTip(
        tr("The dataset's name: lowercase letters, digits, '-', '_' and '.'. It names the cache "
           "folder and is what kanalab-cli train --dataset takes."));
    connect(m_name, &QLineEdit::textEdited, this, [this] {
        m_nameEdited = !m_name->text().isEmpty();
        updateControls();
    });
    m_format = new QComboBox;
    addChoice(m_format, tr("auto"), QStringLiteral("auto"), tr("Find out from what the folder holds"));
    addChoice(m_format, tr("folder"), QStringLiteral("folder"), tr("Class folders, or train/val/test folders"));
    addChoice(m_format, tr("list"), QStringLiteral("list"), tr("train.txt / val.txt / test.txt: \"PATH LABEL\" lines"));
    m_sizeMode = new QComboBox;
    addChoice(m_sizeMode, tr("first image's"), kFirstImageSize,
              tr("The size of the first readable image, at most %1 pixels a side").arg(kDefaultMaxImportSide));
    addChoice(m_sizeMode, tr("square"), kSquareSize, tr("S x S pixels"));
    addChoice(m_sizeMode, tr("rows × cols"), kRowsColsSize, tr("Any height and width"));
    m_rows = new QSpinBox;
    m_cols = new QSpinBox;
    for (QSpinBox* box : {m_rows, m_cols}) {
        box->setRange(4, 1024);
        box->setValue(28);
        box->setKeyboardTracking(false);
    }
    m_times = new QLabel(QStringLiteral("×"));
    auto* sizeRow = new QHBoxLayout;
    sizeRow->addWidget(m_sizeMode);
    sizeRow->addWidget(m_rows);
    sizeRow->addWidget(m_times);
    sizeRow->addWidget(m_cols);
    sizeRow->addStretch(1);
    m_channels = new QComboBox;
    addChoice(m_channels, tr("auto"), 0, tr("Colour when any image has colour, gray otherwise"));
    addChoice(m_channels, tr("gray"), 1, tr("One channel (luminance)"));
    addChoice(m_channels, tr("colour"), 3, tr("Three channels, RGB"));
    m_fit = new QComboBox;
    addChoice(m_fit, tr("pad"), false,
              tr("Scale to fit inside, keep the aspect, fill the rest with the border colour"));
    addChoice(m_fit, tr("centre crop"), true, tr("Scale so the short side fits and cut off the overhang"));
    m_kind = new QComboBox;
    addChoice(m_kind, tr("auto"), QString(), tr("Photo for colour images, handwriting for gray ones"));
    addChoice(m_kind, tr("handwriting"), QStringLiteral("handwriting"),
              tr("Strokes: rotations and shears when training, a canvas in the Draw tab"));
    addChoice(m_kind, tr("photo"), QStringLiteral("photo"),
              tr("Pictures of things: mirrors and shifts when training, \"try an image\" in the Draw tab"));
    m_testFraction = new QDoubleSpinBox;
    m_testFraction->setRange(0, 90);
    m_testFraction->setDecimals(0);
    m_testFraction->setSuffix(QStringLiteral(" %"));
    m_testFraction->setValue(20);
    m_testFraction->setToolTip(tr("Of a single pool of class folders: held out per class (seeded) as the test split"));

    auto* form = new QFormLayout;
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Format"), m_format);
    form->addRow(tr("Size"), sizeRow);
    form->addRow(tr("Channels"), m_channels);
    form->addRow(tr("Fit"), m_fit);
    form->addRow(tr("Kind"), m_kind);
    form->addRow(tr("Test split"), m_testFraction);
    auto* settingsBox = new QGroupBox(tr("Settings"));
    settingsBox->setLayout(form);

    // The preview follows every setting that changes what the images become.
    connect(m_format, &QComboBox::currentIndexChanged, this, &ImportDialog::schedulePreview);
    connect(m_sizeMode, &QComboBox::currentIndexChanged, this, &ImportDialog::schedulePreview);
    connect(m_channels, &QComboBox::currentIndexChanged, this, &ImportDialog::schedulePreview);
    connect(m_fit, &QComboBox::currentIndexChanged, this, &ImportDialog::schedulePreview);
    connect(m_rows, &QSpinBox::valueChanged, this, [this](int value) {
        if (m_sizeMode->currentData().toInt() == kSquareSize)
            m_cols->setValue(value);
        schedulePreview();
    });
    connect(m_cols, &QSpinBox::valueChanged, this, &ImportDialog::schedulePreview);
    connect(m_testFraction, &QDoubleSpinBox::valueChanged, this, [this] {
        if (m_preview && m_preview->error.isEmpty())
            showPreview(m_preview);  // the summary says how the pool is split
    });

    // Preview.
    m_layoutLabel = new QLabel;
    m_layoutLabel->setWordWrap(true);
    m_layoutLabel->setTextFormat(Qt::RichText);
    m_layoutLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_classes = new QTableWidget(0, 0);
    m_classes->verticalHeader()->hide();
    m_classes->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_classes->setSelectionMode(QAbstractItemView::NoSelection);
    m_classes->setFont(kanaFont());
    m_classes->setWordWrap(false);
    m_images = new QListWidget;
    m_images->setViewMode(QListView::IconMode);
    m_images->setIconSize(QSize(kThumbnail, kThumbnail));
    m_images->setGridSize(QSize(kThumbnail + 16, kThumbnail + 26));
    m_images->setResizeMode(QListView::Adjust);
    m_images->setMovement(QListView::Static);
    m_images->setSelectionMode(QAbstractItemView::NoSelection);
    m_images->setFont(kanaFont());
    m_images->setMinimumWidth(4 * (kThumbnail + 16) + 24);
    auto* previewSplit = new QSplitter(Qt::Horizontal);
    previewSplit->addWidget(m_classes);
    previewSplit->addWidget(m_images);
    previewSplit->setStretchFactor(0, 1);
    previewSplit->setStretchFactor(1, 1);
    previewSplit->setChildrenCollapsible(false);
    auto* previewBox = new QGroupBox(tr("Preview"));
    m_skipped = new QListWidget;
    m_skipped->setSelectionMode(QAbstractItemView::NoSelection);
    m_skipped->setMaximumHeight(90);
    m_skipped->setToolTip(tr("Files the import leaves out, and why"));
    m_skipped->hide();
    auto* previewLayout = new QVBoxLayout(previewBox);
    previewLayout->addWidget(m_layoutLabel);
    previewLayout->addWidget(previewSplit, 1);
    previewLayout->addWidget(m_skipped);

    // Import.
    m_message = new QLabel;
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::RichText);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_progressText = new QLabel;
    m_import = new QPushButton(tr("Import"));
    m_import->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"));
    connect(m_import, &QPushButton::clicked, this, &ImportDialog::startImport);
    connect(m_cancel, &QPushButton::clicked, this, &ImportDialog::reject);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_progressText, 1);
    buttons->addWidget(m_import);
    buttons->addWidget(m_cancel);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(pathRow);
    auto* middle = new QHBoxLayout;
    middle->addWidget(settingsBox);
    middle->addWidget(previewBox, 1);
    layout->addLayout(middle, 1);
    layout->addWidget(m_message);
    layout->addWidget(m_progress);
    layout->addLayout(buttons);
    resize(980, 560);
}

void ImportDialog::chooseFolder() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder to import"), path());
    if (!dir.isEmpty())
        setPath(dir);
}

void ImportDialog::chooseListFile() {
    const QString file =
        QFileDialog::getOpenFileName(this, tr("List file to import"), path(), tr("List files (*.txt);;All files (*)"));
    if (!file.isEmpty())
        setPath(file);
}

void ImportDialog::setPath(const QString& path) {
    m_path->setText(path);
    if (!m_nameEdited)
        m_name->setText(path.trimmed().isEmpty() ? QString() : qs(datasetNameFromPath(ss(path.trimmed()))));
    m_previewTimer->stop();
    m_preview.reset();  // chosen again: scan again (files may have been added)
    startPreview();
}

QString ImportDialog::path() const {
    return m_path->text().trimmed();
}

ImportOptions ImportDialog::options() const {
    ImportOptions o;
    o.name = ss(m_name->text().trimmed());
    o.format = ss(m_format->currentData().toString());
    const int mode = m_sizeMode->currentData().toInt();
    if (mode != kFirstImageSize) {
        o.rows = m_rows->value();
        o.cols = mode == kSquareSize ? m_rows->value() : m_cols->value();
    }
    o.channels = m_channels->currentData().toInt();
    o.crop = m_fit->currentData().toBool();
    o.kind = ss(m_kind->currentData().toString());
    o.testFraction = m_testFraction->value() / 100.0;
    return o;
}

void ImportDialog::schedulePreview() {
    if (isImporting())
        return;
    updateControls();
    m_previewTimer->start();
}

void ImportDialog::startPreview() {
    if (isImporting())
        return;
    if (m_previewCancel)
        *m_previewCancel = true;  // the older one stops decoding; its result is dropped below
    const int generation = ++m_generation;
    m_result = ImportResult{};
    if (path().isEmpty()) {
        m_previewRunning = false;
        m_preview.reset();
        clearPreview(tr("Choose a folder or a list file to see what it holds."));
        setMessage(QString(), false);
        updateControls();
        return;
    }
    const ImportOptions o = options();
    PreviewRequest request;
    request.generation = generation;
    request.path = path();
    request.format = qs(o.format);
    request.rows = o.rows;
    request.cols = o.cols;
    request.channels = o.channels;
    request.crop = o.crop;
    request.previous = m_preview;
    request.cancel = std::make_shared<std::atomic<bool>>(false);
    m_previewCancel = request.cancel;
    m_previewRunning = true;
    m_layoutLabel->setText(tr("Looking at %1…").arg(path().toHtmlEscaped()));
    setMessage(QString(), false);
    updateControls();
    // One watcher per request: a newer one never waits for an older scan of a huge folder.
    auto* watcher = new QFutureWatcher<std::shared_ptr<const ImportPreview>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        const std::shared_ptr<const ImportPreview> preview = watcher->result();
        watcher->deleteLater();
        if (!preview || preview->generation != m_generation)
            return;  // an older path or setting
        m_previewRunning = false;
        showPreview(preview);
    });
    watcher->setFuture(QtConcurrent::run([request] { return makePreview(request); }));
}

void ImportDialog::clearPreview(const QString& placeholder) {
    m_layoutLabel->setText(placeholder.toHtmlEscaped());
    m_classes->clear();
    m_classes->setRowCount(0);
    m_classes->setColumnCount(0);
    m_images->clear();
    showSkipped({});
}

void ImportDialog::showSkipped(const QStringList& lines) {
    // A folder may skip a million files: the first few hundred say enough.
    constexpr int kListed = 300;
    m_skipped->clear();
    m_skipped->addItems(lines.mid(0, kListed));
    if (lines.size() > kListed)
        m_skipped->addItem(tr("… and %L1 more").arg(lines.size() - kListed));
    for (int i = 0; i < m_skipped->count(); ++i)
        m_skipped->item(i)->setForeground(kBad);
    m_skipped->setVisible(!lines.isEmpty());
}

void ImportDialog::showPreview(const std::shared_ptr<const ImportPreview>& preview) {
    m_preview = preview;
    if (!preview->error.isEmpty()) {
        clearPreview(tr("Nothing to import here."));
        showSkipped(skippedLines(preview->listing.skipped));
        setMessage(preview->error, true);
        updateControls();
        emit previewReady();
        return;
    }
    const ImportListing& listing = preview->listing;
    const std::size_t classCount = listing.classes.size();

    // The class table: per split where the layout gives splits, else the one pool.
    struct Column {
        QString title;
        const std::vector<ImportItem>* items;
    };
    std::vector<Column> columns;
    if (!listing.pool.empty())
        columns.push_back({tr("Images"), &listing.pool});
    if (!listing.train.empty())
        columns.push_back({tr("Train"), &listing.train});
    if (!listing.validation.empty())
        columns.push_back({tr("Validation"), &listing.validation});
    if (!listing.test.empty())
        columns.push_back({tr("Test"), &listing.test});
    m_classes->clear();
    m_classes->setColumnCount(2 + static_cast<int>(columns.size()));
    QStringList headers{tr("Class"), tr("Glyph")};
    for (const auto& column : columns)
        headers << column.title;
    m_classes->setHorizontalHeaderLabels(headers);
    m_classes->setRowCount(static_cast<int>(classCount));
    std::vector<std::vector<std::int64_t>> counts(columns.size(), std::vector<std::int64_t>(classCount, 0));
    for (std::size_t k = 0; k < columns.size(); ++k)
        for (const auto& item : *columns[k].items)
            ++counts[k][static_cast<std::size_t>(item.classIndex)];
    for (std::size_t c = 0; c < classCount; ++c) {
        const int row = static_cast<int>(c);
        m_classes->setItem(row, 0, new QTableWidgetItem(qs(listing.classes[c].name)));
        auto* glyph = new QTableWidgetItem(qs(listing.classes[c].glyph));
        glyph->setTextAlignment(Qt::AlignCenter);
        m_classes->setItem(row, 1, glyph);
        for (std::size_t k = 0; k < columns.size(); ++k) {
            auto* count = new QTableWidgetItem(QStringLiteral("%L1").arg(counts[k][c]));
            count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            if (counts[k][c] == 0)
                count->setForeground(kBad);
            m_classes->setItem(row, 2 + static_cast<int>(k), count);
        }
    }
    m_classes->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    for (int k = 1; k < m_classes->columnCount(); ++k)
        m_classes->horizontalHeader()->setSectionResizeMode(k, QHeaderView::ResizeToContents);
    m_classes->resizeRowsToContents();

    // The first images, as they will be stored.
    m_images->clear();
    for (std::size_t i = 0; i < preview->images.size(); ++i) {
        const QImage& image = preview->images[i];
        const Qt::TransformationMode mode =
            image.width() < kThumbnail ? Qt::FastTransformation : Qt::SmoothTransformation;  // crisp pixels
        auto* item = new QListWidgetItem(
            QIcon(QPixmap::fromImage(image.scaled(kThumbnail, kThumbnail, Qt::KeepAspectRatio, mode))),
            preview->captions.value(static_cast<int>(i)));
        item->setToolTip(preview->files.value(static_cast<int>(i)));
        m_images->addItem(item);
    }

    // The summary: layout, counts, what is skipped, what the images become.
    const QString layout = layoutTitle(preview->layout);
    QString text =
        QStringLiteral("<b>%1</b>: %2, ")
            .arg(layout.toHtmlEscaped(),
                 classCount == 1 ? tr("1 class") : tr("%L1 classes").arg(static_cast<qlonglong>(classCount)));
    text += tr("%L1 image files").arg(static_cast<qlonglong>(listing.imageCount()));
    if (!listing.pool.empty()) {
        const double fraction = m_testFraction->value() / 100.0;
        text += tr(", split %1 % train / %2 % test per class on import")
                    .arg(std::lround(100 * (1 - fraction)))
                    .arg(std::lround(100 * fraction));
    }
    text += QStringLiteral(". ");
    if (!listing.skipped.empty())
        text +=
            QStringLiteral("<span style=\"color:%1\">%2</span> ").arg(kBad.name(), skippedText(listing.skipped.size()));
    if (preview->rows > 0)
        text += tr("Stored as %1 × %2 %3.")
                    .arg(preview->rows)
                    .arg(preview->cols)
                    .arg(preview->colour ? tr("colour") : tr("gray"));
    if (preview->unreadable > 0)
        text += QStringLiteral(" ") +
                tr("%n of the previewed files cannot be decoded and will be skipped.", nullptr, preview->unreadable);
    for (const auto& note : listing.notes)
        text += QStringLiteral("<br><small>%1</small>").arg(qs(note).toHtmlEscaped());
    m_layoutLabel->setText(text);
    QStringList skipped;
    constexpr std::size_t kListed = 20;
    for (std::size_t i = 0; i < listing.skipped.size() && i < kListed; ++i)
        skipped << QStringLiteral("%1: %2").arg(qs(listing.skipped[i].path), qs(listing.skipped[i].reason));
    if (listing.skipped.size() > kListed)
        skipped << tr("… and %L1 more").arg(static_cast<qlonglong>(listing.skipped.size() - kListed));
    m_layoutLabel->setToolTip(skipped.join(QLatin1Char('\n')));
    showSkipped(skippedLines(listing.skipped));

    if (listing.imageCount() == 0)
        setMessage(tr("%1 holds no image files KanaLab can read.").arg(preview->path), true);
    else if (const QString problem = nameProblem(); !problem.isEmpty())
        setMessage(problem, true);
    else
        setMessage(QString(), false);
    updateControls();
    emit previewReady();
}

QString ImportDialog::nameProblem() const {
    const std::string name = ss(m_name->text().trimmed());
    if (name.empty())
        return tr("Give the dataset a name.");
    for (unsigned char c : name)
        if (!(std::isalnum(c) || c == '-' || c == '_' || c == '.') || std::isupper(c))
            return tr("The name \"%1\" may hold only lowercase letters, digits, '-', '_' and '.'.").arg(qs(name));
    if (const DatasetInfo* existing = tryFindDataset(name); existing && !existing->imported)
        return tr("\"%1\" is the name of a dataset built into KanaLab: choose another name.").arg(qs(name));
    return QString();
}

void ImportDialog::updateControls() {
    const bool importing = isImporting();
    const bool done = m_result.dataset != nullptr;
    for (QWidget* w : std::initializer_list<QWidget*>{m_path, m_chooseFolder, m_chooseList, m_name, m_format,
                                                      m_sizeMode, m_channels, m_fit, m_kind})
        w->setEnabled(!importing && !done);
    const int mode = m_sizeMode->currentData().toInt();
    m_rows->setEnabled(!importing && !done && mode != kFirstImageSize);
    m_cols->setEnabled(!importing && !done && mode == kRowsColsSize);
    m_cols->setVisible(mode != kSquareSize);
    m_times->setVisible(mode != kSquareSize);
    if (mode == kFirstImageSize && m_preview && m_preview->rows > 0) {
        // Shows what "first image's" came to; the values are not used.
        const QSignalBlocker a(m_rows), b(m_cols);
        m_rows->setValue(std::clamp(m_preview->rows, 4, 1024));
        m_cols->setValue(std::clamp(m_preview->cols, 4, 1024));
    }
    const bool pool = m_preview && m_preview->error.isEmpty() && !m_preview->listing.pool.empty();
    m_testFraction->setEnabled(!importing && !done && (pool || !m_preview));
    const bool previewOk =
        m_preview && m_preview->error.isEmpty() && m_preview->path == path() && m_preview->listing.imageCount() > 0;
    m_import->setEnabled(!importing && !done && !m_previewRunning && previewOk && nameProblem().isEmpty());
    m_cancel->setText(importing ? tr("Cancel import") : done ? tr("Close") : tr("Cancel"));
    m_cancel->setEnabled(!(importing && m_cancelImport.load()));
}

void ImportDialog::setMessage(const QString& text, bool error) {
    m_messageText = text;
    m_messageError = error && !text.isEmpty();
    m_message->setText(m_messageError
                           ? QStringLiteral("<span style=\"color:%1\">%2</span>").arg(kBad.name(), text.toHtmlEscaped())
                           : text.toHtmlEscaped());
    m_message->setVisible(!text.isEmpty());
}

void ImportDialog::startImport() {
    if (isImporting() || !m_import->isEnabled())
        return;
    ImportOptions o = options();
    o.cancel = &m_cancelImport;
    // Runs on the import thread: hand a copy to the dialog's thread. Posted events die with the
    // receiver, and the destructor waits for the thread, so `this` is never used dangling.
    o.progress = [this](const ImportProgress& p) {
        QMetaObject::invokeMethod(
            this, [this, p] { onProgress(p); }, Qt::QueuedConnection);
    };
    const std::string source = ss(path());
    const std::string root = ss(m_dataRoot);
    m_cancelImport = false;
    m_thread = QThread::create([this, source, root, o] {
        bool ok = false;
        bool cancelled = false;
        QString message;
        ImportResult result;
        try {
            result = importDataset(source, root, o);
            ok = true;
        } catch (const Cancelled&) {
            cancelled = true;
        } catch (const std::exception& e) {
            // No images, a full disk, a name taken by a built-in: the core's one sentence.
            message = QString::fromStdString(e.what());
        }
        QMetaObject::invokeMethod(
            this, [this, ok, cancelled, message, result] { onImportDone(ok, cancelled, message, result); },
            Qt::QueuedConnection);
    });
    m_thread->setObjectName(QStringLiteral("import"));
    m_progress->setRange(0, 0);  // busy until the first chunk is decoded
    m_progress->show();
    m_progressText->setText(tr("Reading %1…").arg(path()));
    setMessage(QString(), false);
    updateControls();
    m_thread->start();
}

void ImportDialog::cancelImport() {
    if (!isImporting())
        return;
    m_cancelImport = true;
    m_progressText->setText(tr("Cancelling…"));
    updateControls();
}

void ImportDialog::reject() {
    if (isImporting()) {
        cancelImport();
        return;
    }
    if (m_result.dataset) {
        accept();  // imported: closing early only skips reading the result
        return;
    }
    QDialog::reject();
}

void ImportDialog::onProgress(const ImportProgress& p) {
    if (!isImporting())
        return;
    m_progress->setRange(0, 1000);
    if (p.total > 0)
        m_progress->setValue(static_cast<int>(1000 * p.done / p.total));
    QString text = tr("%1 of %2 images").arg(qs(formatCount(p.done)), qs(formatCount(p.total)));
    if (p.imagesPerSecond > 0)
        text += tr(" · %1 images/s").arg(qs(formatCount(static_cast<std::int64_t>(p.imagesPerSecond))));
    if (p.etaSeconds >= 0 && p.done < p.total)
        text += tr(" · ETA %1").arg(qs(formatDuration(p.etaSeconds)));
    m_progressText->setText(text);
}

void ImportDialog::onImportDone(bool ok, bool cancelled, const QString& message, const ImportResult& result) {
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    m_progress->hide();
    m_progressText->clear();
    if (ok) {
        m_result = result;
        const ImportedMeta& meta = result.meta;
        const QString name = qs(result.dataset->name);
        QString text = result.reused
                           ? tr("%1 has not changed since the last import: reusing the cache of %L2 images in %3.")
                                 .arg(qs(meta.sourcePath), QString::number(meta.totalImages()), qs(result.folder))
                           : tr("Imported %1: %L2 images in %3 into %4.")
                                 .arg(name, QString::number(meta.totalImages()), qs(formatDuration(result.seconds)),
                                      qs(result.folder));
        if (!meta.skipped.empty())
            text += QStringLiteral(" ") + skippedText(meta.skipped.size());
        showSkipped(skippedLines(meta.skipped));
        setMessage(text, false);
        updateControls();
        emit importFinished(true, false);
        QTimer::singleShot(kCloseDelayMs, this, &QDialog::accept);
        return;
    }
    if (cancelled)
        setMessage(tr("Import cancelled; nothing half-made was kept."), false);
    else
        setMessage(message, true);
    updateControls();
    emit importFinished(false, cancelled);
}

}  // namespace kanalab::ui
