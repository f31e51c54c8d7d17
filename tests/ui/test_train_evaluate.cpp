// SPDX-License-Identifier: GPL-3.0-or-later
// The Train and Evaluate views driven through their real widgets, offscreen: KMNIST from the
// shared data with the test-80-20 split, a small model for one short epoch started with the Start
// button; the curves fill, the confusion matrix sums to the evaluated count, and clicking a cell
// shows exactly that cell's mistakes. Pause, resume and stop act within a batch; a corrupt
// dataset file ends in a message in the view, not a crash; closing the window mid-run stops it
// cleanly. XDG folders point into a temporary directory.

#include "app_setup.h"
#include "common/core_types.h"
#include "common/training_setup.h"
#include "evaluate_view/class_recall_plot.h"
#include "evaluate_view/confused_pairs_table.h"
#include "evaluate_view/confusion_matrix_plot.h"
#include "evaluate_view/feature_map_snapshots.h"
#include "evaluate_view/evaluate_view.h"
#include "evaluate_view/misclassified_browser.h"
#include "main_window/main_window.h"
#include "run/run_directory.h"
#include "train_view/epoch_plot.h"
#include "train_view/loss_plot.h"
#include "train_view/train_view.h"
#include "train_view/training_controller.h"
#include "ui/ui_test_support.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

using namespace kanalab;
using namespace kanalab::ui;
using kanalab::test::saveScreenshot;
using kanalab::test::sharedDataDir;


namespace {

// One short epoch of a small model on KMNIST's offline split; 1 thread, as ctest runs tests in
// parallel on 2 cores.
void useSmallRun(TrainingSetup* setup, int epochs, const QString& dataDir = sharedDataDir()) {
    setup->update([&](TrainConfig& c) {
        c.dataset = "kmnist";
        c.dataDir = dataDir.toStdString();
        c.protocol = SplitProtocol::Test8020;
        c.validationFraction = 0.1;
        c.model = "lenet5";
        c.recipe.clear();
        c.modelOptions.clear();
        c.optimizer = OptimizerConfig{};
        c.optimizer.name = "adam";
        c.optimizer.learningRate = 2e-3;
        c.schedule = ScheduleConfig{};
        c.augment = AugmentConfig{};
        c.earlyStop = EarlyStopConfig{};
        c.emaDecay = 0;
        c.testTimeAugmentation = 0;
        c.batchSize = 32;
        c.epochs = epochs;
        c.threads = 1;
        c.blasThreads = 1;
        c.logEveryBatches = 5;
    });
}

TrainOutcome waitForOutcome(QSignalSpy& spy, int timeoutMs) {
    if (spy.isEmpty() && !spy.wait(timeoutMs))
        return {};
    return spy.takeFirst().at(0).value<TrainOutcome>();
}

}  // namespace

class TestTrainEvaluate : public QObject {
    Q_OBJECT

private slots:
    void trainOneEpochThenEvaluate();
    void pauseResumeAndStop();
    void corruptDatasetShowsError();
    void closingDuringTrainingStopsCleanly();
    void largeConfusionMatrixIsExplorable();
    void featureMapSnapshotsFollowTheEpochSlider();
};

void TestTrainEvaluate::trainOneEpochThenEvaluate() {
    REQUIRE_KMNIST();
    MainWindow window;
    window.setAskBeforeClosing(false);
    window.resize(1280, 860);
    window.show();
    TrainView* train = window.trainView();
    window.showTab(train);
    useSmallRun(window.setup(), 1);

    QSignalSpy finished(window.controller(), &TrainingController::finished);
    QSignalSpy evaluated(window.evaluateView(), &EvaluateView::evaluated);
    QVERIFY(train->startButton()->isEnabled());
    QTest::mouseClick(train->startButton(), Qt::LeftButton);
    QVERIFY(!train->startButton()->isEnabled());
    QVERIFY(train->stopButton()->isEnabled());

    const TrainOutcome outcome = waitForOutcome(finished, 180000);
    QVERIFY2(outcome.status == TrainStatus::Completed, outcome.message.c_str());
    QVERIFY(train->startButton()->isEnabled());
    // Progress every 5 batches of 225: the loss curve holds dozens of points, one epoch point.
    QVERIFY2(train->lossPlot()->pointCount() >= 40, qPrintable(QString::number(train->lossPlot()->pointCount())));
    QCOMPARE(train->epochPlot()->epochCount(), 1);
    QVERIFY(train->logView()->toPlainText().contains(QStringLiteral("epoch 1")));
    QCOMPARE(train->progressBar()->value(), train->progressBar()->maximum());
    QVERIFY(outcome.hasTest);
    QVERIFY2(outcome.test.accuracy > 0.7, qPrintable(QString::number(outcome.test.accuracy)));
    saveScreenshot(window, QStringLiteral("train_view_after_epoch"));

    // The main window evaluates a finished run at once, in the background.
    QVERIFY(evaluated.wait(120000) || !evaluated.isEmpty());
    EvaluateView* evaluate = window.evaluateView();
    const EvalReport& report = evaluate->evaluation().report;
    QCOMPARE(report.count, std::int64_t(2000));
    std::int64_t sum = 0;
    for (const auto& row : report.confusion)
        for (auto n : row)
            sum += n;
    QCOMPARE(sum, report.count);
    QCOMPARE(report.accuracy, outcome.test.accuracy);
    QCOMPARE(evaluate->classTable()->rowCount(), 12);  // 10 classes, macro and weighted averages
    QVERIFY(evaluate->classTable()->item(0, 0)->text().startsWith(QStringLiteral("お")));

    // Click the fullest off-diagonal cell: the browser shows exactly its mistakes, in order.
    window.showTab(evaluate);
    QTest::qWait(100);
    int bestTrue = 0, bestPredicted = 1;
    for (int t = 0; t < 10; ++t)
        for (int p = 0; p < 10; ++p)
            if (t != p && report.confusion[t][p] > report.confusion[bestTrue][bestPredicted]) {
                bestTrue = t;
                bestPredicted = p;
            }
    QVERIFY(report.confusion[bestTrue][bestPredicted] > 0);
    ConfusionMatrixPlot* matrix = evaluate->matrix();
    const QPoint centre = matrix->cellCentre(bestTrue, bestPredicted);
    QCOMPARE(matrix->cellAt(centre), QPoint(bestPredicted, bestTrue));
    QTest::mouseClick(matrix->plot(), Qt::LeftButton, Qt::NoModifier, centre);
    std::vector<std::int64_t> expected;
    for (const auto& m : report.mistakesFor(bestTrue, bestPredicted))
        expected.push_back(m.index);
    QCOMPARE(evaluate->browser()->shownIndices(), expected);
    QCOMPARE(static_cast<std::int64_t>(evaluate->browser()->shownCount()), report.confusion[bestTrue][bestPredicted]);
    QCOMPARE(evaluate->browser()->grid()->count(), evaluate->browser()->shownCount());
    // Every shown image really is a mistake of that pair.
    for (auto index : evaluate->browser()->shownIndices()) {
        const auto label = evaluate->evaluation().images->labels[static_cast<std::size_t>(index)];
        QCOMPARE(label, static_cast<std::int64_t>(bestTrue));
    }
    evaluate->browser()->grid()->setCurrentRow(0);
    saveScreenshot(window, QStringLiteral("evaluate_view_cell_clicked"));

    // Row-normalised view keeps the same matrix underneath.
    matrix->setRowNormalised(true);
    QVERIFY(matrix->rowNormalised());

    // Balanced accuracy and the time per epoch are in the summary; the pairs list starts with
    // the fullest off-diagonal cell, and choosing it filters the browser like the matrix does.
    QVERIFY2(evaluate->summary()->text().contains(QStringLiteral("balanced accuracy")),
             qPrintable(evaluate->summary()->text()));
    QVERIFY2(evaluate->summary()->text().contains(QStringLiteral("per epoch")), qPrintable(evaluate->summary()->text()));
    ConfusedPairsTable* pairs = evaluate->confusedPairs();
    QVERIFY(pairs->rowCount() > 0);
    const auto top = topConfusedPairs(report, 1).front();
    QCOMPARE(pairs->pairAt(0), std::make_pair(top.trueClass, top.predicted));
    evaluate->browser()->setFilter(-1, -1);
    evaluate->detailTabs()->setCurrentWidget(pairs);
    QTest::qWait(50);
    pairs->setCurrentCell(0, 0);
    QTest::keyClick(pairs, Qt::Key_Return);
    std::vector<std::int64_t> pairMistakes;
    for (const auto& m : report.mistakesFor(top.trueClass, top.predicted))
        pairMistakes.push_back(m.index);
    QCOMPARE(evaluate->browser()->shownIndices(), pairMistakes);
    QCOMPARE(evaluate->recallPlot()->order().size(), std::size_t(10));
    QVERIFY(evaluate->featureMaps()->epochs().isEmpty());
}

void TestTrainEvaluate::largeConfusionMatrixIsExplorable() {
    // K49's 49 classes: no text in the cells (it would not fit), zoom and pan, class names on
    // the axes once few are in view, and a tooltip naming each cell.
    const auto& classes = findDataset("k49").classes;
    const int k = static_cast<int>(classes.size());
    QCOMPARE(k, 49);
    std::vector<std::vector<std::int64_t>> confusion(k, std::vector<std::int64_t>(k, 0));
    for (int t = 0; t < k; ++t) {
        confusion[t][t] = 90 + t;
        confusion[t][(t + 1) % k] = t % 7;
    }
    ConfusionMatrixPlot matrix;
    matrix.resize(700, 600);
    matrix.show();
    matrix.setMatrix(confusion, classes);
    QCOMPARE(matrix.plot()->itemCount(), 0);
    QVERIFY(matrix.plot()->interactions().testFlag(QCP::iRangeZoom));
    QCOMPARE(matrix.visibleClasses(), 49);
    // 49 names do not fit along an axis: numbers there until the view narrows.
    QVERIFY(qSharedPointerDynamicCast<QCPAxisTickerText>(matrix.plot()->xAxis->ticker()).isNull());
    matrix.zoomTo(10, 19);
    QCOMPARE(matrix.visibleClasses(), 10);
    auto names = qSharedPointerDynamicCast<QCPAxisTickerText>(matrix.plot()->xAxis->ticker());
    QVERIFY(!names.isNull());
    QCOMPARE(names->ticks().size(), 10);
    QCOMPARE(names->ticks().value(10), QString::fromStdString(classes[10].displayName()));
    const QString tip = matrix.cellDescription(13, 14);
    QVERIFY2(tip.contains(QString::fromStdString(classes[13].displayName())) && tip.contains(QStringLiteral("6 image")),
             qPrintable(tip));
    QCOMPARE(matrix.cellAt(matrix.cellCentre(13, 14)), QPoint(14, 13));
    // A pan past the edge stays inside the matrix; a double click shows it all again.
    matrix.plot()->xAxis->setRange(-30, -20);
    QVERIFY(matrix.plot()->xAxis->range().lower >= -0.5);
    QTest::mouseDClick(matrix.plot(), Qt::LeftButton, Qt::NoModifier, matrix.cellCentre(15, 15));
    QCOMPARE(matrix.visibleClasses(), 49);
    saveScreenshot(matrix, QStringLiteral("confusion_k49"));
}

void TestTrainEvaluate::featureMapSnapshotsFollowTheEpochSlider() {
    QTemporaryDir run;
    for (int epoch : {1, 6})
        for (const char* layer : {"input", "conv1", "pool1"}) {
            const QString folder = run.filePath(QStringLiteral("feature-maps/epoch-%1").arg(epoch));
            QVERIFY(QDir().mkpath(folder));
            QImage image(8 + epoch, 8, QImage::Format_Grayscale8);
            image.fill(epoch * 20);
            QVERIFY(image.save(folder + "/" + layer + ".png"));
        }
    FeatureMapSnapshots snapshots;
    QVERIFY(snapshots.setRun(run.path()));
    QCOMPARE(snapshots.epochs(), (QList<int>{1, 6}));
    QCOMPARE(snapshots.layers(), (QStringList{"input", "conv1", "pool1"}));
    QVERIFY2(snapshots.shownFile().endsWith(QStringLiteral("epoch-6/conv1.png")), qPrintable(snapshots.shownFile()));
    snapshots.epochSlider()->setValue(0);
    QVERIFY2(snapshots.shownFile().endsWith(QStringLiteral("epoch-1/conv1.png")), qPrintable(snapshots.shownFile()));
    snapshots.showSnapshot(6, QStringLiteral("input"));
    QVERIFY(snapshots.shownFile().endsWith(QStringLiteral("epoch-6/input.png")));
    QTemporaryDir empty;
    QVERIFY(!snapshots.setRun(empty.path()));
    QVERIFY(snapshots.shownFile().isEmpty());
}

void TestTrainEvaluate::pauseResumeAndStop() {
    REQUIRE_KMNIST();
    MainWindow window;
    window.setAskBeforeClosing(false);
    TrainView* train = window.trainView();
    useSmallRun(window.setup(), 20);
    QSignalSpy progress(window.controller(), &TrainingController::progress);
    QSignalSpy finished(window.controller(), &TrainingController::finished);
    QTest::mouseClick(train->startButton(), Qt::LeftButton);
    QVERIFY(progress.wait(60000));

    QTest::mouseClick(train->pauseButton(), Qt::LeftButton);
    QVERIFY(window.controller()->isPaused());
    QCOMPARE(train->pauseButton()->text(), QStringLiteral("Resume"));
    QTest::qWait(300);  // reports already queued before the pause arrive now
    const int countWhilePaused = progress.count();
    QTest::qWait(700);
    QCOMPARE(progress.count(), countWhilePaused);

    QTest::mouseClick(train->pauseButton(), Qt::LeftButton);
    QVERIFY(!window.controller()->isPaused());
    QVERIFY(QTest::qWaitFor([&] { return progress.count() > countWhilePaused; }, 10000));

    QElapsedTimer clock;
    clock.start();
    QTest::mouseClick(train->stopButton(), Qt::LeftButton);
    const TrainOutcome outcome = waitForOutcome(finished, 10000);
    QCOMPARE(outcome.status, TrainStatus::Cancelled);
    QVERIFY2(clock.elapsed() < 3000, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(train->startButton()->isEnabled());
    QVERIFY(!train->stopButton()->isEnabled());
    QVERIFY(train->progressText()->text().contains(QStringLiteral("Stopped")));
}

void TestTrainEvaluate::corruptDatasetShowsError() {
    REQUIRE_KMNIST();
    QTemporaryDir data;
    QDir().mkpath(data.filePath(QStringLiteral("kmnist")));
    QFile good(sharedDataDir() + QStringLiteral("/kmnist/t10k-images-idx3-ubyte.gz"));
    QVERIFY(good.open(QIODevice::ReadOnly));
    QFile cut(data.filePath(QStringLiteral("kmnist/t10k-images-idx3-ubyte.gz")));
    QVERIFY(cut.open(QIODevice::WriteOnly));
    cut.write(good.read(100000));  // the first 3% of the compressed images
    cut.close();
    QVERIFY(QFile::copy(sharedDataDir() + QStringLiteral("/kmnist/t10k-labels-idx1-ubyte.gz"),
                        data.filePath(QStringLiteral("kmnist/t10k-labels-idx1-ubyte.gz"))));

    MainWindow window;
    window.setAskBeforeClosing(false);
    TrainView* train = window.trainView();
    useSmallRun(window.setup(), 1, data.path());
    QSignalSpy finished(window.controller(), &TrainingController::finished);
    QTest::mouseClick(train->startButton(), Qt::LeftButton);
    const TrainOutcome outcome = waitForOutcome(finished, 60000);
    QCOMPARE(outcome.status, TrainStatus::Failed);
    const QString shown = train->progressText()->text();
    QVERIFY2(shown.contains(QStringLiteral("t10k-images-idx3-ubyte.gz")), qPrintable(shown));
    QVERIFY2(shown.contains(QStringLiteral("download")), qPrintable(shown));
    QVERIFY(train->logView()->toPlainText().contains(QStringLiteral("t10k-images-idx3-ubyte.gz")));
    QVERIFY(train->startButton()->isEnabled());  // the user can fix the data and start again
}

void TestTrainEvaluate::closingDuringTrainingStopsCleanly() {
    REQUIRE_KMNIST();
    QString runDir;
    {
        MainWindow window;
        window.setAskBeforeClosing(false);
        window.show();
        useSmallRun(window.setup(), 20);
        QSignalSpy epochs(window.controller(), &TrainingController::epochFinished);
        QSignalSpy started(window.trainView(), &TrainView::runStarted);
        QTest::mouseClick(window.trainView()->startButton(), Qt::LeftButton);
        runDir = started.at(0).at(0).toString();
        QVERIFY(epochs.wait(60000));  // one epoch done: last.pt exists
        QElapsedTimer clock;
        clock.start();
        QVERIFY(window.close());
        QVERIFY(!window.controller()->isRunning());
        QVERIFY2(clock.elapsed() < 2000, qPrintable(QString::number(clock.elapsed())));
    }
    const RunSummary run = readRun(runDir.toStdString());
    QCOMPARE(run.status, std::string("cancelled"));
    QVERIFY(run.hasLastCheckpoint);
    QVERIFY(run.epochsDone >= 1);
}

int main(int argc, char** argv) {
    QTemporaryDir home;
    kanalab::test::isolateUserFolders(home);
    QApplication app(argc, argv);
    setUpApplication(app);
    TestTrainEvaluate test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_train_evaluate.moc"
