// SPDX-License-Identifier: GPL-3.0-or-later
// The Draw view through its real widgets, offscreen, with the shipped models: strokes drawn with
// QTest mouse events are read through the whole pipeline (canvas, preprocessing, model, answer
// panel); undo, redo and clear; a held-out test image opened as a file gets its true label and
// the same answer as the core predictor (the CLI's path); a damaged model file is an error in the
// view; feature maps follow; predictions coalesce. A colour model (trained here on a generated
// folder of coloured shapes) turns the canvas into "try an image": a photo opened, dropped and
// pasted is shown and read in colour, and broken, empty or non-image files are messages in the
// panel; the handwriting models keep the canvas.

#include "app_setup.h"
#include "common/class_labels.h"
#include "common/core_types.h"
#include "data/data_dirs.h"
#include "data/dataset_store.h"
#include "data/import.h"
#include "data/splits.h"
#include "draw_view/draw_view.h"
#include "draw_view/drawing_canvas.h"
#include "draw_view/feature_map_view.h"
#include "draw_view/image_panel.h"
#include "draw_view/prediction_panel.h"
#include "predict/model_library.h"
#include "predict/predictor.h"
#include "train/trainer.h"
#include "ui/colour_shapes.h"
#include "ui/ui_test_support.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDropEvent>
#include <QFile>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace kanalab;
using namespace kanalab::ui;
using kanalab::test::saveScreenshot;
using kanalab::test::sharedDataDir;

namespace {

QString shippedModel(const std::string& dataset) {
    for (const auto& m : availableModels("/nonexistent"))
        if (m.shipped && m.dataset == dataset)
            return QString::fromStdString(m.path);
    return {};
}

#define REQUIRE_SHIPPED(dataset, path)                                                               \
    const QString path = shippedModel(dataset);                                                      \
    if (path.isEmpty())                                                                              \
        QFAIL("no shipped " dataset " model in models/: the repository should ship one");

// Until this model is the one loaded: the first modelReady may be the first listed model's.
bool loadModel(DrawView& view, const QString& path) {
    view.selectModel(path);
    return QTest::qWaitFor([&] { return view.model().path == path; }, 30000);
}

// Drags the mouse through sheet coordinates (0..400), as a person drawing would.
void stroke(DrawingCanvas* canvas, const std::vector<QPointF>& points) {
    auto at = [canvas](const QPointF& p) { return canvas->toWidget(p).toPoint(); };
    QTest::mousePress(canvas, Qt::LeftButton, Qt::NoModifier, at(points.front()));
    for (std::size_t i = 1; i < points.size(); ++i) {
        // QTest::mouseMove does not carry the pressed button: send the event by hand.
        QMouseEvent move(QEvent::MouseMove, QPointF(at(points[i])), canvas->mapToGlobal(QPointF(at(points[i]))),
                         Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(canvas, &move);
    }
    QTest::mouseRelease(canvas, Qt::LeftButton, Qt::NoModifier, at(points.back()));
}

std::vector<QPointF> line(QPointF a, QPointF b, int steps = 24) {
    std::vector<QPointF> points;
    for (int i = 0; i <= steps; ++i)
        points.push_back(a + (b - a) * (static_cast<double>(i) / steps));
    return points;
}

// Waits until the panel shows the answer to the newest drawing, not to a partial stroke that
// was read while the mouse was still moving (under load that earlier answer can be the one up).
bool waitForAnswer(DrawView& view) {
    return QTest::qWaitFor(
        [&] {
            return view.predictor()->computedCount() > 0 &&
                   view.lastShownRequest() == view.predictor()->requestCount() &&
                   view.panel()->headline() != QStringLiteral("–") && !view.modelInputImage().isNull();
        },
        20000);
}

// Waits for an answer computed after `before` answers, to the newest request.
bool waitForNewAnswer(DrawView& view, quint64 before) {
    return QTest::qWaitFor(
        [&] {
            return view.predictor()->computedCount() > before &&
                   view.lastShownRequest() == view.predictor()->requestCount() && !view.modelInputImage().isNull();
        },
        20000);
}

// Drops mime data on a widget as a drag does: enter first (Qt delivers a drop only to a widget
// the drag entered), then the drop. True when the widget accepted the drag.
bool dropOnto(QWidget* widget, QMimeData* mime) {
    const QPoint at(20, 20);
    QDragEnterEvent enter(at, Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(widget, &enter);
    QDropEvent drop(QPointF(at), Qt::CopyAction, mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(widget, &drop);
    return enter.isAccepted();
}

// A colour model of the generated shapes: imported into the test's data folder and trained for
// a few seconds (LeNet-5, so it has feature maps). Made once; empty (and a failure logged) on error.
QString colourModel(const QTemporaryDir& home) {
    static QString made;
    if (!made.isEmpty())
        return made;
    const QString images = QDir(home.path()).filePath(QStringLiteral("shapes"));
    if (!kanalab::test::writeColourShapes(images, 16)) {
        qWarning("cannot write the generated shapes into %s", qPrintable(images));
        return {};
    }
    try {
        ImportOptions options;
        options.threads = 1;
        const ImportResult imported = importDataset(images.toStdString(), downloadRoot(""), options);
        TrainConfig config;
        config.dataset = imported.dataset->name;
        config.model = "lenet5";
        config.epochs = 12;
        config.batchSize = 16;
        config.validationFraction = 0;
        config.seed = 11;
        config.threads = 1;
        config.blasThreads = 1;
        config.runDir = QDir(home.path()).filePath(QStringLiteral("shapes-run")).toStdString();
        TrainControl control;
        const TrainOutcome outcome = runTraining(config, TrainCallbacks{}, control);
        if (outcome.status != TrainStatus::Completed) {
            qWarning("training on the shapes failed: %s", outcome.message.c_str());
            return {};
        }
        made = QString::fromStdString(Predictor::resolveCheckpoint(config.runDir));
    } catch (const std::exception& e) {
        qWarning("colour model: %s", e.what());
    }
    return made;
}

}  // namespace

class TestDrawView : public QObject {
    Q_OBJECT

private slots:
    void shippedModelsAreListed();
    void drawnOneIsReadAsOne();
    void drawnTsuIsReadThroughTheWholePipeline();
    void undoRedoAndClear();
    void heldOutTestImageGetsItsTrueLabel();
    void damagedModelFileIsAnErrorNotACrash();
    void predictionsCoalesce();
    void photoModelTriesAnImage();
    void brokenPicturesAreMessagesNotCrashes();
    void handwritingModelsKeepTheCanvas();

public:
    QTemporaryDir* home = nullptr;
};

void TestDrawView::shippedModelsAreListed() {
    DrawView view;
    view.show();
    QVERIFY(QTest::qWaitFor([&] { return view.hasModel(); }, 30000));
    QVERIFY(view.modelBox()->count() >= 2);
    QVERIFY(!shippedModel("kmnist").isEmpty());
    QVERIFY(!shippedModel("mnist").isEmpty());
}

void TestDrawView::drawnOneIsReadAsOne() {
    REQUIRE_SHIPPED("mnist", path);
    DrawView view;
    view.resize(1200, 600);
    view.show();
    QVERIFY(loadModel(view, path));
    stroke(view.canvas(), line({205, 70}, {195, 330}));
    QVERIFY(waitForAnswer(view));
    QCOMPARE(view.panel()->headline(), QStringLiteral("1"));
    QVERIFY(!view.panel()->isUnsure());
}

void TestDrawView::drawnTsuIsReadThroughTheWholePipeline() {
    REQUIRE_SHIPPED("kmnist", path);
    DrawView view;
    view.resize(1200, 600);
    view.show();
    QVERIFY(loadModel(view, path));
    QCOMPARE(view.model().classes.size(), std::size_t(10));
    // つ: one stroke, left to right, bulging up and round on the right, ending low in the middle.
    std::vector<QPointF> tsu;
    for (int i = 0; i <= 40; ++i) {
        const double t = i / 40.0;
        const double angle = M_PI * (1.1 - 1.35 * t);  // from the left, over the top, down the right
        tsu.push_back({200 + 130 * std::cos(angle), 200 - 80 * std::sin(angle) + 60 * t});
    }
    stroke(view.canvas(), tsu);
    QVERIFY(waitForAnswer(view));
    // The answer is one of the classes, shown with glyph and romaji, and its input is 28x28.
    const QImage seen = view.modelInputImage();
    QCOMPARE(seen.size(), QSize(28, 28));
    QCOMPARE(view.panel()->headline(), QStringLiteral("つ"));
    QVERIFY2(view.panel()->subline().contains(QStringLiteral("tsu")), qPrintable(view.panel()->subline()));
    // Feature maps of the first convolution follow the drawing.
    QVERIFY(QTest::qWaitFor([&] { return !view.featureMaps()->gridImage().isNull(); }, 10000));
    QVERIFY(view.featureMaps()->shapeText().contains(QStringLiteral("28")));
    saveScreenshot(view, QStringLiteral("draw_view_tsu"));
}

void TestDrawView::undoRedoAndClear() {
    REQUIRE_SHIPPED("mnist", path);
    DrawView view;
    view.show();
    QVERIFY(loadModel(view, path));
    DrawingCanvas* canvas = view.canvas();
    stroke(canvas, line({200, 60}, {200, 340}));
    stroke(canvas, line({120, 200}, {280, 200}));
    QCOMPARE(canvas->strokeCount(), 2);
    const QImage both = canvas->image();
    canvas->undo();
    QCOMPARE(canvas->strokeCount(), 1);
    QVERIFY(canvas->image() != both);
    QVERIFY(canvas->canRedo());
    canvas->redo();
    QCOMPARE(canvas->strokeCount(), 2);
    QCOMPARE(canvas->image(), both);  // redrawn from the strokes, pixel for pixel
    canvas->clear();
    QVERIFY(canvas->isEmpty());
    QVERIFY(QTest::qWaitFor([&] { return view.panel()->headline() == QStringLiteral("–"); }, 5000));
}

void TestDrawView::heldOutTestImageGetsItsTrueLabel() {
    REQUIRE_KMNIST();
    REQUIRE_SHIPPED("kmnist", path);
    // The last 20% of each class are what the shipped model never trained on (test-80-20).
    const DatasetInfo& info = findDataset("kmnist");
    const ImageSet set = loadSplit(locateDataset(info, {{sharedDataDir().toStdString(), "test"}}, false), Split::Test);
    const IndexSplit split = perClassHeadTail(set.labels, 10, 0.8);
    Predictor core(path.toStdString());
    QTemporaryDir dir;
    int checked = 0;
    DrawView view;
    view.show();
    QVERIFY(loadModel(view, path));
    for (std::size_t k = 0; k < split.second.size() && checked < 5; k += 97) {
        const auto index = split.second[k];
        GrayImage image;
        image.rows = image.cols = 28;
        image.pixels.assign(set.image(index), set.image(index) + 784);
        const QString file = dir.filePath(QStringLiteral("sample-%1.png").arg(index));
        saveGrayImage(image, file.toStdString());
        const PredictionResult expected = core.predictFile(file.toStdString());
        const int label = static_cast<int>(set.labels[static_cast<std::size_t>(index)]);
        if (expected.ranked.front().index != label)
            continue;  // a test image the model gets wrong says nothing about the pipeline
        const quint64 before = view.predictor()->computedCount();
        QVERIFY(view.openImage(file));
        QVERIFY(QTest::qWaitFor([&] { return view.predictor()->computedCount() > before; }, 10000));
        QTest::qWait(50);
        QCOMPARE(view.panel()->headline(), QString::fromStdString(info.classes[static_cast<std::size_t>(label)].glyph));
        ++checked;
    }
    QVERIFY(checked >= 3);
}

void TestDrawView::damagedModelFileIsAnErrorNotACrash() {
    QTemporaryDir dir;
    const QString broken = dir.filePath(QStringLiteral("kmnist-broken.pt"));
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("PK\x03\x04 definitely not a checkpoint");
    file.close();
    DrawView view;
    QSignalSpy failed(view.predictor(), &LivePredictor::modelFailed);
    view.selectModel(broken);
    QVERIFY(failed.wait(10000));
    QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("kmnist-broken.pt")),
             qPrintable(failed.at(0).at(0).toString()));
}

void TestDrawView::predictionsCoalesce() {
    REQUIRE_SHIPPED("kmnist", path);
    DrawView view;
    view.show();
    QVERIFY(loadModel(view, path));
    QSignalSpy shown(&view, &DrawView::predictionShown);
    // A fast scribble: every mouse move asks for a prediction; the worker keeps only the newest.
    stroke(view.canvas(), line({60, 60}, {340, 340}, 120));
    QVERIFY(QTest::qWaitFor([&] { return !shown.isEmpty(); }, 10000));
    QTest::qWait(500);
    LivePredictor* predictor = view.predictor();
    QVERIFY(predictor->computedCount() >= 1);
    QVERIFY(predictor->computedCount() + predictor->droppedCount() >= 100);
    // The last answer shown is for the final drawing.
    const LivePrediction last = shown.last().at(0).value<LivePrediction>();
    const quint64 requests = predictor->computedCount() + predictor->droppedCount();
    QCOMPARE(last.request, requests);
}

void TestDrawView::photoModelTriesAnImage() {
    const QString model = colourModel(*home);
    QVERIFY2(!model.isEmpty(), "the colour model could not be made (see the warning above)");
    DrawView view;
    view.resize(1200, 600);
    view.show();
    QVERIFY(loadModel(view, model));
    QCOMPARE(view.model().channels, 3);
    QVERIFY(view.model().photo);
    QVERIFY(view.isTryingImages());
    QVERIFY(view.imagePanel()->isVisible());
    QVERIFY(!view.canvas()->isVisible());
    QCOMPARE(view.panel()->headline(), QStringLiteral("–"));
    QVERIFY2(view.panel()->subline().contains(QStringLiteral("image")), qPrintable(view.panel()->subline()));

    // Open: a blue cross three times the size of the dataset's images. The view shows the
    // model's 32x32 input in colour and the same answer the core gives for the file.
    QTemporaryDir dir;
    const QString cross = dir.filePath(QStringLiteral("cross.png"));
    QVERIFY(kanalab::test::colourShape(5, 3, 96).save(cross));
    Predictor core(model.toStdString());
    const PredictionResult expected = core.predictFile(cross.toStdString());
    // Learnt: the shapes differ in colour and form (classes are sorted by folder name).
    QCOMPARE(core.classes()[static_cast<std::size_t>(expected.ranked.front().index)].label, std::string("blue-cross"));
    quint64 before = view.predictor()->computedCount();
    QVERIFY(view.openImage(cross));
    QVERIFY(waitForNewAnswer(view, before));
    QCOMPARE(view.modelInputImage().size(), QSize(32, 32));
    QVERIFY(kanalab::test::hasColour(view.modelInputImage()));
    QCOMPARE(view.panel()->headline(), QStringLiteral("blue-cross"));
    QVERIFY(view.imagePanel()->hasPicture());
    QCOMPARE(view.imagePanel()->picture().cols, 96);
    QVERIFY(!view.imagePanel()->pictureLabel()->pixmap().isNull());
    QVERIFY2(view.imagePanel()->message().contains(QStringLiteral("cross.png")),
             qPrintable(view.imagePanel()->message()));
    // Feature maps of a convolution follow the colour input.
    QVERIFY(QTest::qWaitFor([&] { return !view.featureMaps()->gridImage().isNull(); }, 10000));
    saveScreenshot(view, QStringLiteral("try_image"));

    // Drop: a file, as a file manager drops it.
    const QString circle = dir.filePath(QStringLiteral("circle.png"));
    QVERIFY(kanalab::test::colourShape(0, 4, 64).save(circle));
    {
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(circle)});
        before = view.predictor()->computedCount();
        QVERIFY(dropOnto(view.imagePanel(), &mime));
        QVERIFY(waitForNewAnswer(view, before));
    }
    QCOMPARE(view.panel()->headline(), QStringLiteral("red-circle"));

    // Paste: an image on the clipboard (Ctrl+V in the view), transparent around the shape.
    QImage star = kanalab::test::colourShape(7, 5, 80).convertToFormat(QImage::Format_ARGB32);
    QGuiApplication::clipboard()->setImage(star);
    before = view.predictor()->computedCount();
    view.pasteImage();
    QVERIFY(waitForNewAnswer(view, before));
    QCOMPARE(view.panel()->headline(), QStringLiteral("pink-star"));
    QCOMPARE(view.imagePanel()->picture().rows, 80);

    // Image data dropped (from a browser): the same path as a paste.
    {
        QMimeData mime;
        mime.setImageData(kanalab::test::colourShape(1, 6, 48));
        before = view.predictor()->computedCount();
        QVERIFY(dropOnto(view.imagePanel(), &mime));
        QVERIFY2(waitForNewAnswer(view, before), qPrintable(view.imagePanel()->message()));
    }
    QCOMPARE(view.panel()->headline(), QStringLiteral("orange-square"));

    // A random test image of the imported dataset, in colour.
    before = view.predictor()->computedCount();
    view.imagePanel()->sampleButton()->click();
    QVERIFY(waitForNewAnswer(view, before));
    QCOMPARE(view.imagePanel()->picture().channels, 3);
    QCOMPARE(view.imagePanel()->picture().rows, 32);
    QVERIFY2(view.imagePanel()->message().contains(QStringLiteral("Test image")),
             qPrintable(view.imagePanel()->message()));
}

void TestDrawView::brokenPicturesAreMessagesNotCrashes() {
    const QString model = colourModel(*home);
    QVERIFY2(!model.isEmpty(), "the colour model could not be made (see the warning above)");
    DrawView view;
    view.show();
    QVERIFY(loadModel(view, model));
    QVERIFY(view.isTryingImages());
    ImagePanel* panel = view.imagePanel();
    QTemporaryDir dir;
    const QString good = dir.filePath(QStringLiteral("good.png"));
    QVERIFY(kanalab::test::colourShape(3, 1).save(good));
    const quint64 before = view.predictor()->computedCount();
    QVERIFY(view.openImage(good));
    QVERIFY(waitForNewAnswer(view, before));
    const QString answer = view.panel()->headline();

    auto write = [&](const QString& name, const QByteArray& bytes) {
        const QString path = dir.filePath(name);
        QFile file(path);
        if (file.open(QIODevice::WriteOnly))
            file.write(bytes);
        return path;
    };
    const QString corrupt =
        write(QStringLiteral("corrupt.png"), QByteArray("\x89PNG\r\n\x1a\n and then nothing sensible"));
    const QString empty = write(QStringLiteral("empty.jpg"), QByteArray());
    const QString text = write(QStringLiteral("notes.txt"), QByteArray("not a picture\n"));
    for (const QString& path : {corrupt, empty, text, dir.filePath(QStringLiteral("missing.png")), dir.path()}) {
        view.openImage(path);
        QVERIFY(QTest::qWaitFor([&] { return !panel->isLoading(); }, 10000));
        QVERIFY2(panel->hasError(), qPrintable(path));
        // One sentence that names the file, shown in the panel.
        QVERIFY2(panel->message().contains(QFileInfo(path).fileName()), qPrintable(panel->message()));
        QVERIFY(!panel->message().contains(QLatin1Char('\n')));
        // The last good picture and its answer stay.
        QVERIFY(panel->hasPicture());
        QCOMPARE(view.panel()->headline(), answer);
    }

    // A dropped web address, an empty clipboard: messages too.
    QMimeData web;
    web.setUrls({QUrl(QStringLiteral("https://example.org/cat.jpg"))});
    QVERIFY(dropOnto(panel, &web));
    QVERIFY(panel->hasError());
    QVERIFY2(panel->message().contains(QStringLiteral("not a file on this computer")), qPrintable(panel->message()));
    QGuiApplication::clipboard()->clear();
    view.pasteImage();
    QVERIFY(panel->hasError());
    QVERIFY2(panel->message().contains(QStringLiteral("clipboard")), qPrintable(panel->message()));
}

void TestDrawView::handwritingModelsKeepTheCanvas() {
    REQUIRE_SHIPPED("kmnist", path);
    DrawView view;
    view.show();
    const QString model = colourModel(*home);
    if (!model.isEmpty()) {
        QVERIFY(loadModel(view, model));
        QVERIFY(view.isTryingImages());
    }
    QVERIFY(loadModel(view, path));
    QVERIFY(!view.model().photo);
    QVERIFY(!view.isTryingImages());
    QVERIFY(view.canvas()->isVisible());
    QVERIFY(!view.imagePanel()->isVisible());
    stroke(view.canvas(), line({200, 60}, {200, 340}));
    QVERIFY(waitForAnswer(view));
    QCOMPARE(view.modelInputImage().size(), QSize(28, 28));
}

int main(int argc, char** argv) {
    QTemporaryDir home;
    kanalab::test::isolateUserFolders(home);
    // Imports (the colour shapes) go to this test's folder, never to a shared data folder.
    qputenv("KANALAB_DATA_DIR", QDir(home.path()).filePath("datasets").toLocal8Bit());
    QApplication app(argc, argv);
    setUpApplication(app);
    TestDrawView test;
    test.home = &home;
    return QTest::qExec(&test, argc, argv);
}

#include "test_draw_view.moc"
