// SPDX-License-Identifier: GPL-3.0-or-later
#include "draw_view/draw_view.h"

#include "common/class_labels.h"
#include "common/error.h"
#include "common/images.h"
#include "data/data_dirs.h"
#include "data/dataset_store.h"
#include "draw_view/drawing_canvas.h"
#include "draw_view/feature_map_view.h"
#include "draw_view/image_panel.h"
#include "draw_view/prediction_panel.h"
#include "predict/model_library.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QRandomGenerator>
#include <QShortcut>
#include <QSlider>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace kanalab::ui {
namespace {

constexpr int kSeenScale = 6;
constexpr int kSeenSide = 28 * kSeenScale;  // room for what the model sees

// The model's input, large: enlarged by whole pixels (a 28 or 32 px input stays crisp), shrunk
// smoothly when it is larger than the room.
QPixmap seenPixmap(const QImage& input) {
    const int side = std::max(input.width(), input.height());
    if (side <= 0)
        return {};
    if (side > kSeenSide)
        return QPixmap::fromImage(input.scaled(kSeenSide, kSeenSide, Qt::KeepAspectRatio, Qt::SmoothTransformation));
    const int scale = kSeenSide / side;
    return QPixmap::fromImage(input.scaled(input.size() * scale, Qt::IgnoreAspectRatio, Qt::FastTransformation));
}

QString modelTitle(const AvailableModel& m) {
    return m.shipped ? QObject::tr("%1 (shipped)").arg(QString::fromStdString(m.name))
                     : QObject::tr("%1 (run)").arg(QString::fromStdString(m.name));
}

// One image of a dataset's test split, read off the UI thread for "Random test image".
struct RandomSample {
    DecodedImage picture;          // as stored: planar, the dataset's channels
    bool lightBackground = false;  // a gray set stored as dark ink on paper (imported scans)
    QString text;                  // "Test image 12 of Kuzushiji-MNIST, labelled は ha"
    QString error;
};

RandomSample randomTestImage(const std::string& dataset, std::uint64_t pick) {
    RandomSample sample;
    try {
        const DatasetInfo& info = findDataset(dataset);
        const DatasetStatus status = locateDataset(info, dataRoots(""), false);
        // Only the small test file: a sample needs no 47 MB train set.
        const ImageSet set = loadSplit(status, Split::Test);
        if (set.count() == 0)
            throw Error(set.source + " holds no images");
        const auto index = static_cast<std::int64_t>(pick % static_cast<std::uint64_t>(set.count()));
        sample.picture.channels = set.channels;
        sample.picture.rows = set.rows;
        sample.picture.cols = set.cols;
        sample.picture.pixels.assign(set.image(index), set.image(index) + set.imageBytes());
        sample.lightBackground = storedOnLightBackground(set);
        sample.text = DrawView::tr("Test image %1 of %2, labelled %3")
                          .arg(index)
                          .arg(QString::fromStdString(info.title))
                          .arg(classLabel(info.classes, static_cast<int>(set.labels[static_cast<std::size_t>(index)])));
    } catch (const std::exception& e) {
        sample.error = QString::fromStdString(e.what());
    }
    return sample;
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
    m_imagePanel = new ImagePanel;
    m_input = new QStackedWidget;
    m_input->addWidget(canvasBox);
    m_input->addWidget(m_imagePanel);

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
    splitter->addWidget(m_input);
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
    connect(m_imagePanel, &ImagePanel::pictureChanged, this, &DrawView::predictNow);
    connect(m_imagePanel, &ImagePanel::sampleRequested, this, &DrawView::showRandomSample);
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
        if (layer.isEmpty())
            return;
        if (!m_lastColourInput.empty())
            m_predictor->requestFeatureMap(m_lastColourInput, layer);
        else if (!m_lastInput.empty())
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
    // Photos are not drawn: their models get "try an image" instead of the canvas.
    m_input->setCurrentWidget(model.photo ? static_cast<QWidget*>(m_imagePanel) : m_input->widget(0));
    m_seen->setToolTip(model.photo ? tr("The %1x%2 input the model sees: the picture scaled as the dataset's images "
                                        "were%3")
                                         .arg(model.rows)
                                         .arg(model.cols)
                                         .arg(model.channels == 3 ? tr(", in colour") : tr(", in gray"))
                                   : tr("The %1x%2 input the model sees: cropped to the ink, scaled and centred the "
                                        "way the dataset's images were made")
                                         .arg(model.rows)
                                         .arg(model.cols));
    emit modelReady();
    predictNow();
}

QImage DrawView::modelInputImage() const {
    if (!m_lastColourInput.empty())
        return pictureToImage(m_lastColourInput);
    return m_lastInput.empty() ? QImage() : grayToImage(m_lastInput);
}

bool DrawView::isTryingImages() const {
    return m_input->currentWidget() == m_imagePanel;
}

void DrawView::predictNow() {
    if (!hasModel())
        return;
    const bool photo = isTryingImages();
    if (photo ? !m_imagePanel->hasPicture() : m_canvas->isEmpty()) {
        m_panel->showEmpty(photo ? tr("Open, drop or paste an image") : tr("Write a character"));
        m_seen->clear();
        m_latency->clear();
        m_lastInput = GrayImage{};
        m_lastColourInput = DecodedImage{};
        m_featureMaps->clearMap(tr("Feature maps appear here"));
        return;
    }
    if (photo)
        m_predictor->request(m_imagePanel->picture());
    else
        m_predictor->request(m_pictureIsCurrent ? m_picture : imageToGray(m_canvas->image()));
}

void DrawView::onPredicted(const LivePrediction& prediction) {
    if (prediction.request < m_lastShown)
        return;  // an older answer overtaken by a newer one
    m_lastShown = prediction.request;
    if (!isTryingImages() && m_canvas->isEmpty())
        return;  // cleared while this one was computed
    showModelInput(prediction.result);
    m_latency->setText(tr("%1 ms").arg(prediction.latencyMs, 0, 'f', 1));
    m_panel->showPrediction(prediction.result);
    if (const QString layer = m_featureMaps->currentLayer(); !layer.isEmpty()) {
        if (!m_lastColourInput.empty())
            m_predictor->requestFeatureMap(m_lastColourInput, layer);
        else
            m_predictor->requestFeatureMap(m_lastInput, layer);
    }
    emit predictionShown(prediction);
}

void DrawView::showModelInput(const PredictionResult& result) {
    m_lastInput = result.modelInput;
    m_lastColourInput = result.colourInput;
    m_seen->setPixmap(seenPixmap(modelInputImage()));
}

bool DrawView::openImage(const QString& path) {
    if (isTryingImages()) {
        m_imagePanel->openFile(path);
        return true;
    }
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
    if (isTryingImages()) {
        m_imagePanel->paste();
        return;
    }
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
    const std::string dataset = m_loaded.dataset;
    const QString model = m_loaded.path;
    const auto pick = QRandomGenerator::global()->generate64();
    // Reading the test split (30 MB for CIFAR-10) runs on the thread pool, not here.
    auto* watcher = new QFutureWatcher<RandomSample>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, model] {
        const RandomSample sample = watcher->result();
        watcher->deleteLater();
        if (model != m_loaded.path)
            return;  // another model was chosen meanwhile
        if (!sample.error.isEmpty()) {
            emit statusMessage(sample.error);
            return;
        }
        if (isTryingImages()) {
            m_imagePanel->setPicture(sample.picture, sample.text);  // predicts through pictureChanged()
        } else {
            m_picture = toGray(sample.picture);
            m_canvas->setPicture(grayToImage(m_picture, /*paper=*/!sample.lightBackground));
            m_pictureIsCurrent = true;
            predictNow();
        }
        emit statusMessage(sample.text);
    });
    watcher->setFuture(QtConcurrent::run([dataset, pick] { return randomTestImage(dataset, pick); }));
}

}  // namespace kanalab::ui
