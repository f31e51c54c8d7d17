// SPDX-License-Identifier: GPL-3.0-or-later
#include "draw_view/draw_view.h"

#include "common/class_labels.h"
#include "common/images.h"
#include "data/data_dirs.h"
#include "data/dataset_store.h"
#include "draw_view/drawing_canvas.h"
#include "draw_view/feature_map_view.h"
#include "draw_view/prediction_panel.h"
#include "predict/model_library.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QRandomGenerator>
#include <QShortcut>
#include <QSlider>
#include <QSplitter>
#include <QVBoxLayout>

namespace kanalab::ui {
namespace {

constexpr int kSeenScale = 6;

QString modelTitle(const AvailableModel& m) {
    return m.shipped ? QObject::tr("%1 (shipped)").arg(QString::fromStdString(m.name))
                     : QObject::tr("%1 (run)").arg(QString::fromStdString(m.name));
}

}  // namespace

DrawView::DrawView(QWidget* parent) : QWidget(parent) {
    m_predictor = new LivePredictor(this);

    m_model = new QComboBox;
    m_model->setMinimumWidth(320);
    m_model->setToolTip(tr("A shipped model, or the best checkpoint of one of your runs. The labels follow the "
                           "model's dataset."));
    m_modelInfo = new QLabel;
    m_modelInfo->setWordWrap(true);
    m_trainOwn = new QPushButton(tr("Train my own…"));
    m_trainOwn->setToolTip(tr("Set up training on this model's dataset with the best recipe (the full dataset when it "
                              "is downloaded)"));
    auto* refresh = new QPushButton(tr("Refresh"));

    m_canvas = new DrawingCanvas;
    m_penWidth = new QSlider(Qt::Horizontal);
    m_penWidth->setRange(4, 60);
    m_penWidth->setValue(static_cast<int>(m_canvas->penWidth()));
    m_penWidth->setToolTip(tr("Pen width"));
    m_undo = new QPushButton(tr("Undo"));
    m_undo->setShortcut(QKeySequence::Undo);
    m_redo = new QPushButton(tr("Redo"));
    m_redo->setShortcut(QKeySequence::Redo);
    auto* clear = new QPushButton(tr("Clear"));
    clear->setShortcut(QKeySequence(Qt::Key_Delete));
    auto* guide = new QCheckBox(tr("Guide"));
    guide->setChecked(true);
    auto* open = new QPushButton(tr("Open image…"));
    auto* paste = new QPushButton(tr("Paste"));
    paste->setToolTip(tr("Read an image from the clipboard (Ctrl+V)"));
    auto* sample = new QPushButton(tr("Random test image"));
    sample->setToolTip(tr("Load a random image of the model's dataset (test split) when it is on this computer"));

    m_seen = new QLabel;
    m_seen->setFixedSize(28 * kSeenScale + 4, 28 * kSeenScale + 4);
    m_seen->setAlignment(Qt::AlignCenter);
    m_seen->setFrameShape(QFrame::StyledPanel);
    m_seen->setToolTip(tr("The 28x28 input the model sees: cropped to the ink, scaled and centred the way the "
                          "dataset's images were made"));
    m_latency = new QLabel;
    m_panel = new PredictionPanel;
    m_featureMaps = new FeatureMapView;

    auto* header = new QHBoxLayout;
    header->addWidget(new QLabel(tr("Model")));
    header->addWidget(m_model);
    header->addWidget(refresh);
    header->addWidget(m_modelInfo, 1);
    header->addWidget(m_trainOwn);

    auto* tools = new QHBoxLayout;
    tools->addWidget(new QLabel(tr("Pen")));
    tools->addWidget(m_penWidth);
    tools->addWidget(m_undo);
    tools->addWidget(m_redo);
    tools->addWidget(clear);
    tools->addWidget(guide);
    auto* files = new QHBoxLayout;
    files->addWidget(open);
    files->addWidget(paste);
    files->addWidget(sample);
    auto* canvasColumn = new QVBoxLayout;
    canvasColumn->addWidget(m_canvas, 1);
    canvasColumn->addLayout(tools);
    canvasColumn->addLayout(files);
    auto* canvasBox = new QWidget;
    canvasBox->setLayout(canvasColumn);

    auto* seenBox = new QGroupBox(tr("What the model sees"));
    auto* seenLayout = new QVBoxLayout(seenBox);
    seenLayout->addWidget(m_seen, 0, Qt::AlignHCenter);
    seenLayout->addWidget(m_latency, 0, Qt::AlignHCenter);
    auto* answerBox = new QGroupBox(tr("Prediction"));
    auto* answerLayout = new QVBoxLayout(answerBox);
    answerLayout->addWidget(m_panel);
    auto* middle = new QWidget;
    auto* middleLayout = new QVBoxLayout(middle);
    middleLayout->setContentsMargins(0, 0, 0, 0);
    middleLayout->addWidget(seenBox);
    middleLayout->addWidget(answerBox, 1);

    auto* mapsBox = new QGroupBox(tr("Feature maps"));
    auto* mapsLayout = new QVBoxLayout(mapsBox);
    mapsLayout->addWidget(m_featureMaps);

    auto* splitter = new QSplitter(Qt::Horizontal);
    splitter->addWidget(canvasBox);
    splitter->addWidget(middle);
    splitter->addWidget(mapsBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setStretchFactor(2, 3);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(splitter, 1);

    connect(m_penWidth, &QSlider::valueChanged, this, [this](int w) { m_canvas->setPenWidth(w); });
    connect(m_undo, &QPushButton::clicked, m_canvas, &DrawingCanvas::undo);
    connect(m_redo, &QPushButton::clicked, m_canvas, &DrawingCanvas::redo);
    connect(clear, &QPushButton::clicked, m_canvas, &DrawingCanvas::clear);
    connect(guide, &QCheckBox::toggled, m_canvas, &DrawingCanvas::setGuideVisible);
    connect(open, &QPushButton::clicked, this, &DrawView::openImageDialog);
    connect(paste, &QPushButton::clicked, this, &DrawView::pasteImage);
    connect(sample, &QPushButton::clicked, this, &DrawView::showRandomSample);
    auto* pasteShortcut = new QShortcut(QKeySequence::Paste, this);
    connect(pasteShortcut, &QShortcut::activated, this, &DrawView::pasteImage);
    connect(refresh, &QPushButton::clicked, this, &DrawView::refreshModels);
    connect(m_canvas, &DrawingCanvas::changed, this, [this] {
        m_pictureIsCurrent = false;
        predictNow();
    });
    connect(m_canvas, &DrawingCanvas::historyChanged, this, [this] {
        m_undo->setEnabled(m_canvas->canUndo());
        m_redo->setEnabled(m_canvas->canRedo());
    });
    connect(m_canvas, &DrawingCanvas::fileDropped, this, &DrawView::openImage);
    connect(m_canvas, &DrawingCanvas::pictureDropped, this, [this](const QImage& picture) {
        m_canvas->setPicture(picture);
        m_picture = imageToGray(picture);
        m_pictureIsCurrent = true;
        predictNow();
    });
    connect(m_model, &QComboBox::activated, this, [this] {
        const QString path = m_model->currentData().toString();
        if (!path.isEmpty())
            m_predictor->loadModel(path);
    });
    connect(m_trainOwn, &QPushButton::clicked, this, [this] {
        if (hasModel())
            emit trainOwnRequested(QString::fromStdString(m_loaded.dataset));
    });
    connect(m_featureMaps, &FeatureMapView::layerChanged, this, [this](const QString& layer) {
        if (!m_lastInput.empty() && !layer.isEmpty())
            m_predictor->requestFeatureMap(m_lastInput, layer);
    });
    connect(m_predictor, &LivePredictor::modelLoaded, this, &DrawView::onModelLoaded);
    connect(m_predictor, &LivePredictor::modelFailed, this, [this](const QString& message) {
        m_modelInfo->setText(QStringLiteral("<span style=\"color:#d0453a\">%1</span>").arg(message.toHtmlEscaped()));
        emit statusMessage(message);
    });
    connect(m_predictor, &LivePredictor::predicted, this, &DrawView::onPredicted);
    connect(m_predictor, &LivePredictor::predictionFailed, this,
            [this](const QString& message) { m_panel->showEmpty(message); });
    connect(m_predictor, &LivePredictor::featureMapReady, m_featureMaps, &FeatureMapView::showMap);
    m_undo->setEnabled(false);
    m_redo->setEnabled(false);
}

void DrawView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    if (!m_listed)
        refreshModels();
}

void DrawView::refreshModels() {
    m_listed = true;
    const QString current = m_model->currentData().toString();
    const QSignalBlocker blocker(m_model);
    m_model->clear();
    std::vector<AvailableModel> models;
    try {
        models = availableModels(defaultRunsFolder());
    } catch (const std::exception& e) {
        emit statusMessage(QString::fromStdString(e.what()));
    }
    for (const auto& m : models) {
        m_model->addItem(modelTitle(m), QString::fromStdString(m.path));
        const QString tip = QStringLiteral("%1 · %2\n%3\n\n%4")
                                .arg(QString::fromStdString(m.architecture), QString::fromStdString(m.dataset),
                                     QString::fromStdString(m.path), QString::fromStdString(m.card).left(600));
        m_model->setItemData(m_model->count() - 1, tip, Qt::ToolTipRole);
    }
    if (models.empty()) {
        m_modelInfo->setText(tr("No model yet: train one in the Train tab (the shipped models were not found)."));
        return;
    }
    const int keep = m_model->findData(current);
    m_model->setCurrentIndex(keep >= 0 ? keep : 0);
    if (m_model->currentData().toString() != m_loaded.path)
        m_predictor->loadModel(m_model->currentData().toString());
}

bool DrawView::selectModel(const QString& path) {
    if (!m_listed)
        refreshModels();
    int index = m_model->findData(path);
    if (index < 0) {
        m_model->addItem(QFileInfo(path).fileName(), path);
        index = m_model->count() - 1;
    }
    m_model->setCurrentIndex(index);
    m_predictor->loadModel(path);
    return true;
}

void DrawView::onModelLoaded(const LoadedModel& model) {
    m_loaded = model;
    m_panel->setClasses(model.classes);
    QStringList names;
    for (const auto& c : model.classes)
        names << classLabel(c);
    m_modelInfo->setText(tr("%1 on %2: %3")
                             .arg(QString::fromStdString(model.architecture), QString::fromStdString(model.dataset),
                                  names.join(QStringLiteral(" · "))));
    m_modelInfo->setFont(kanaFont());
    m_featureMaps->setLayers(model.imageLayers);
    emit modelReady();
    predictNow();
}

QImage DrawView::modelInputImage() const { return m_lastInput.empty() ? QImage() : grayToImage(m_lastInput); }

void DrawView::predictNow() {
    if (!hasModel())
        return;
    if (m_canvas->isEmpty()) {
        m_panel->showEmpty(tr("Write a character"));
        m_seen->clear();
        m_latency->clear();
        m_lastInput = GrayImage{};
        m_featureMaps->clearMap(tr("Feature maps appear here"));
        return;
    }
    m_predictor->request(m_pictureIsCurrent ? m_picture : imageToGray(m_canvas->image()));
}

void DrawView::onPredicted(const LivePrediction& prediction) {
    if (prediction.request < m_lastShown)
        return;  // an older answer overtaken by a newer one
    m_lastShown = prediction.request;
    if (m_canvas->isEmpty())
        return;  // cleared while this one was computed
    m_lastInput = prediction.result.modelInput;
    m_seen->setPixmap(QPixmap::fromImage(grayToImage(m_lastInput).scaled(28 * kSeenScale, 28 * kSeenScale)));
    m_latency->setText(tr("%1 ms").arg(prediction.latencyMs, 0, 'f', 1));
    m_panel->showPrediction(prediction.result);
    if (!m_featureMaps->currentLayer().isEmpty())
        m_predictor->requestFeatureMap(m_lastInput, m_featureMaps->currentLayer());
    emit predictionShown(prediction);
}

bool DrawView::openImage(const QString& path) {
    try {
        m_picture = loadGrayImage(path.toStdString());
    } catch (const std::exception& e) {
        m_panel->showEmpty(QString::fromStdString(e.what()));
        emit statusMessage(QString::fromStdString(e.what()));
        return false;
    }
    m_canvas->setPicture(grayToImage(m_picture, /*paper=*/false));
    m_pictureIsCurrent = true;  // setPicture's changed() cleared it; the picture is what counts
    predictNow();
    return true;
}

void DrawView::openImageDialog() {
    const QString path = QFileDialog::getOpenFileName(this, tr("Open an image"), QString(),
                                                      tr("Images (*.png *.jpg *.jpeg *.bmp *.pgm *.tif *.tiff)"));
    if (!path.isEmpty())
        openImage(path);
}

void DrawView::pasteImage() {
    const QMimeData* mime = QApplication::clipboard()->mimeData();
    if (mime && mime->hasUrls() && !mime->urls().isEmpty() && mime->urls().front().isLocalFile()) {
        openImage(mime->urls().front().toLocalFile());
        return;
    }
    const QImage picture = QApplication::clipboard()->image();
    if (picture.isNull()) {
        emit statusMessage(tr("The clipboard holds no image."));
        return;
    }
    m_canvas->setPicture(picture);
    m_picture = imageToGray(picture);
    m_pictureIsCurrent = true;
    predictNow();
}

void DrawView::showRandomSample() {
    if (!hasModel())
        return;
    try {
        const DatasetInfo& info = findDataset(m_loaded.dataset);
        const DatasetStatus status = locateDataset(info, dataRoots(""), false);
        // Only the small test file: a sample needs no 47 MB train set.
        const ImageSet set = loadSplit(status, Split::Test);
        const auto index = static_cast<std::int64_t>(QRandomGenerator::global()->bounded(static_cast<int>(set.count())));
        GrayImage image;
        image.rows = set.rows;
        image.cols = set.cols;
        image.pixels.assign(set.image(index), set.image(index) + set.imageBytes());
        m_picture = image;
        m_canvas->setPicture(grayToImage(image));
        m_pictureIsCurrent = true;
        predictNow();
        emit statusMessage(tr("Test image %1 of %2, labelled %3")
                               .arg(index)
                               .arg(QString::fromStdString(info.title))
                               .arg(classLabel(info.classes, static_cast<int>(set.labels[static_cast<std::size_t>(index)]))));
    } catch (const std::exception& e) {
        emit statusMessage(QString::fromStdString(e.what()));
    }
}

}  // namespace kanalab::ui
