// SPDX-License-Identifier: GPL-3.0-or-later
// The Draw view through its real widgets, offscreen, with the shipped models: strokes drawn with
// QTest mouse events are read through the whole pipeline (canvas, preprocessing, model, answer
// panel); undo, redo and clear; a held-out test image opened as a file gets its true label and
// the same answer as the core predictor (the CLI's path); a damaged model file is an error in the
// view; feature maps follow; predictions coalesce.

#include "app_setup.h"
#include "common/core_types.h"
#include "data/dataset_store.h"
#include "data/splits.h"
#include "draw_view/draw_view.h"
#include "draw_view/drawing_canvas.h"
#include "draw_view/feature_map_view.h"
#include "draw_view/prediction_panel.h"
#include "predict/model_library.h"
#include "predict/predictor.h"
#include "ui/ui_test_support.h"

#include <QApplication>
#include <QComboBox>
#include <QFile>
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

bool loadModel(DrawView& view, const QString& path) {
    QSignalSpy ready(&view, &DrawView::modelReady);
    view.selectModel(path);
    return ready.wait(30000) || view.model().path == path;
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

int main(int argc, char** argv) {
    QTemporaryDir home;
    kanalab::test::isolateUserFolders(home);
    QApplication app(argc, argv);
    setUpApplication(app);
    TestDrawView test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_draw_view.moc"
