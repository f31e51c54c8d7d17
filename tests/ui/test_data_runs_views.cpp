// SPDX-License-Identifier: GPL-3.0-or-later
// The Data and Runs views driven through their real widgets, offscreen: datasets listed from the
// shared data folder, the class balance of KMNIST's test-80-20 split, labelled samples, a corrupt
// file shown as an error, and runs trained into a temporary folder listed, overlaid, renamed,
// exported and deleted. XDG folders point into a temporary directory, so the user's own
// settings, runs and data are never touched.

#include "app_setup.h"
#include "common/augment_editor.h"
#include "common/class_labels.h"
#include "common/core_types.h"
#include "common/training_setup.h"
#include "data_view/augment_preview_panel.h"
#include "data_view/class_balance_plot.h"
#include "data_view/data_view.h"
#include "data_view/sample_browser.h"
#include "data/data_dirs.h"
#include "main_window/main_window.h"
#include "runs_view/runs_view.h"
#include "support/local_http_server.h"
#include "support/tar_writer.h"
#include "ui/ui_test_support.h"
#include "train/recipes.h"
#include "train/trainer.h"
#include "train_view/train_view.h"

#include <qcustomplot.h>

#include <QAbstractButton>
#include <QApplication>
#include <QBuffer>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <cstdio>
#include <cstdlib>
#include <memory>

using namespace kanalab;
using namespace kanalab::ui;
using kanalab::test::saveScreenshot;
using kanalab::test::sharedDataDir;

namespace {

int rowOf(QTableWidget* table, const QString& name) {
    for (int row = 0; row < table->rowCount(); ++row)
        if (table->item(row, 0)->data(Qt::UserRole).toString() == name)
            return row;
    return -1;
}

// Waits for the view's background load of the current settings.
bool waitForData(DataView& view) {
    return QTest::qWaitFor([&] { return !view.isLoading(); }, 20000);
}

TrainConfig tinyRunConfig(const QString& runDir, std::uint64_t seed) {
    TrainConfig config;
    config.dataset = "kmnist";
    config.dataDir = sharedDataDir().toStdString();
    config.protocol = SplitProtocol::Test8020;
    config.model = "mlp";
    config = configWithRecipe(config, defaultRecipeFor("mlp").name);
    config.epochs = 1;
    config.threads = 1;
    config.blasThreads = 1;
    config.seed = seed;
    config.augment = AugmentConfig{};
    config.runDir = runDir.toStdString();
    return config;
}

// Clicks Yes on the confirmation box as soon as it is up (it runs its own event loop).
void acceptNextMessageBox() {
    auto* timer = new QTimer;
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, timer, [timer] {
        if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
            box->button(QMessageBox::Yes)->click();
            timer->deleteLater();
        }
    });
    timer->start();
}

}  // namespace

class TestDataRunsViews : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void kanaFontDrawsHiragana();
    void dataViewListsDatasets();
    void balanceChartOfTest8020();
    void sampleGridShowsLabels();
    void augmentationPreview();
    void datasetChangeTakesTheRecipeAlong();
    void corruptFileShowsError();
    void missingFilesShowDownloadHint();
    void downloadFromMirror();
    void downloadChecksumFailure();
    void downloadProgressAndCancel();
    void downloadHttpError();
    void kanjiDownloadIsConvertedOnce();
    void runsViewListsAndCompares();
    void runsViewRenameDeleteExport();
    void mainWindowTabsAndWiring();

private:
    QTemporaryDir m_runs;
    QStringList m_runDirs;
};

void TestDataRunsViews::initTestCase() {
    QVERIFY(m_runs.isValid());
}

void TestDataRunsViews::kanaFontDrawsHiragana() {
    // Without it every label below is drawn as boxes, though the strings are right.
    QVERIFY2(kanaFontAvailable(), "no CJK font: install fonts-noto-cjk");
}

void TestDataRunsViews::dataViewListsDatasets() {
    REQUIRE_KMNIST();
    TrainingSetup setup;
    DataView view(&setup);
    QTableWidget* table = view.datasetTable();
    QCOMPARE(table->rowCount(), 6);
    QCOMPARE(rowOf(table, "k49"), 3);
    QCOMPARE(rowOf(table, "cifar10"), 4);
    QCOMPARE(rowOf(table, "kkanji"), 5);
    QCOMPARE(rowOf(table, "kmnist"), 0);
    QCOMPARE(rowOf(table, "mnist"), 1);
    QCOMPARE(rowOf(table, "fashion-mnist"), 2);
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("Kuzushiji-MNIST"));
    const QString glyphs = table->item(0, 1)->text();
    QVERIFY2(glyphs.startsWith(QStringLiteral("お")) && glyphs.endsWith(QStringLiteral("を")), qPrintable(glyphs));
    // The shared folder holds KMNIST's test files and only the labels of its train split.
    QVERIFY2(table->item(0, 3)->text().contains(QStringLiteral("10,000 images")),
             qPrintable(table->item(0, 3)->text()));
    QVERIFY2(table->item(0, 2)->text().contains(QStringLiteral("missing")), qPrintable(table->item(0, 2)->text()));
    // Official needs the train split: not offered for KMNIST here.
    setup.update([](TrainConfig& c) { c.dataset = "kmnist"; });
    auto* model = qobject_cast<QStandardItemModel*>(view.protocolBox()->model());
    QVERIFY(model);
    QVERIFY(!model->item(0)->isEnabled());

    // Selecting a row sets the dataset of the shared setup.
    table->selectRow(1);
    QCOMPARE(setup.config().dataset, std::string("mnist"));
    QVERIFY(waitForData(view));
}

void TestDataRunsViews::balanceChartOfTest8020() {
    REQUIRE_KMNIST();
    TrainingSetup setup;
    setup.update([](TrainConfig& c) {
        c.dataset = "kmnist";
        c.protocol = SplitProtocol::Official;  // the view switches: there is no train split here
        c.validationFraction = 0.1;
        c.seed = 42;
    });
    DataView view(&setup);
    QCOMPARE(setup.config().protocol, SplitProtocol::Test8020);
    QVERIFY(waitForData(view));
    QVERIFY2(view.dataError().isEmpty(), qPrintable(view.dataError()));
    ClassBalancePlot* balance = view.balancePlot();
    QVERIFY(balance->hasData());
    const std::vector<std::int64_t> train = balance->barValues(0), validation = balance->barValues(1),
                                    test = balance->barValues(2);
    QCOMPARE(train.size(), std::size_t(10));
    for (int c = 0; c < 10; ++c) {
        QCOMPARE(train[c], std::int64_t(720));
        QCOMPARE(validation[c], std::int64_t(80));
        QCOMPARE(test[c], std::int64_t(200));
    }
    auto ticker = balance->plot()->xAxis->ticker().dynamicCast<QCPAxisTickerText>();
    QVERIFY(ticker);
    QCOMPARE(ticker->ticks().value(0), QStringLiteral("お o"));
    QCOMPARE(ticker->ticks().value(9), QStringLiteral("を wo"));

    // A different fraction reloads in the background and redraws.
    view.validationBox()->setValue(20);
    QCOMPARE(setup.config().validationFraction, 0.2);
    QVERIFY(waitForData(view));
    QCOMPARE(balance->barValues(1)[3], std::int64_t(160));
    QCOMPARE(balance->barValues(0)[3], std::int64_t(640));
}

void TestDataRunsViews::sampleGridShowsLabels() {
    REQUIRE_KMNIST();
    TrainingSetup setup;
    setup.update([](TrainConfig& c) {
        c.dataset = "kmnist";
        c.protocol = SplitProtocol::Test8020;
        c.validationFraction = 0.1;
    });
    DataView view(&setup);
    QVERIFY(waitForData(view));
    SampleBrowser* samples = view.sampleBrowser();
    QListWidget* grid = samples->grid();
    QCOMPARE(grid->count(), SampleBrowser::kPageSize);
    QCOMPARE(samples->shownCount(), 7200);
    QCOMPARE(samples->pageCount(), 72);
    // Class 0 only: every tile says お o.
    samples->setClassFilter(0);
    QCOMPARE(samples->shownCount(), 720);
    QCOMPARE(grid->count(), 100);
    for (int i = 0; i < grid->count(); ++i)
        QCOMPARE(grid->item(i)->text(), QStringLiteral("お o"));
    QVERIFY(!grid->item(0)->icon().isNull());
    // KMNIST stores bright ink on black: shown as ink on paper, a white corner.
    QVERIFY(grid->item(0)->icon().pixmap(56).toImage().pixelColor(1, 1).lightness() > 200);
    // Paging.
    QVERIFY(!samples->previousButton()->isEnabled());
    samples->nextButton()->click();
    QCOMPARE(samples->page(), 1);
    QCOMPARE(grid->count(), 100);
    samples->setPage(7);
    QCOMPARE(grid->count(), 20);  // 720 = 7 x 100 + 20
    QVERIFY(!samples->nextButton()->isEnabled());
    // The test set: 200 per class.
    samples->setClassFilter(-1);
    samples->setSet(2);
    QCOMPARE(samples->shownCount(), 2000);
    QStringList labels;
    for (int i = 0; i < grid->count(); ++i)
        labels << grid->item(i)->text();
    QVERIFY2(labels.contains(QStringLiteral("お o")), qPrintable(labels.join(',')));
    saveScreenshot(view, QStringLiteral("data_view_test_set"));
}

void TestDataRunsViews::augmentationPreview() {
    REQUIRE_KMNIST();
    TrainingSetup setup;
    setup.update([](TrainConfig& c) {
        c.dataset = "kmnist";
        c.protocol = SplitProtocol::Test8020;
        c.augment = handwritingAugmentation();
    });
    DataView view(&setup);
    QVERIFY(waitForData(view));
    AugmentPreviewPanel* preview = view.augmentPreview();
    QVERIFY(QTest::qWaitFor([&] { return !preview->isBusy() && preview->shownCopies() > 0; }, 20000));
    QCOMPARE(preview->shownCopies(), AugmentPreviewPanel::kCopies);
    // The editor follows the setup, and an edit there reaches the setup.
    QVERIFY(view.augmentEditor()->value().enabled());
    AugmentConfig stronger = setup.config().augment;
    stronger.rotationDegrees = 30;
    view.augmentEditor()->setValue(stronger);
    emit view.augmentEditor()->edited(view.augmentEditor()->value());
    QCOMPARE(setup.config().augment.rotationDegrees, 30.0);
    const auto seed = preview->seed();
    preview->newDraw();
    QCOMPARE(preview->seed(), seed + 1);
    QVERIFY(QTest::qWaitFor([&] { return !preview->isBusy(); }, 20000));
    QCOMPARE(preview->shownCopies(), AugmentPreviewPanel::kCopies);
}

void TestDataRunsViews::datasetChangeTakesTheRecipeAlong() {
    TrainingSetup setup;
    setup.update([](TrainConfig& c) {
        c.dataset = "kmnist";
        c = configWithRecipe(c, "kanalab-best-default");
    });
    DataView view(&setup);
    QVERIFY(view.augmentEditor()->value().rotationDegrees > 0);
    // Settings that follow a recipe follow it to clothing: mirrors, no rotation, 20 epochs.
    QTableWidget* table = view.datasetTable();
    table->selectRow(rowOf(table, QStringLiteral("fashion-mnist")));
    QCOMPARE(setup.config().dataset, std::string("fashion-mnist"));
    QCOMPARE(setup.config().recipe, std::string("kanalab-best-default"));
    QCOMPARE(setup.config().augment.flipProbability, 0.5);
    QCOMPARE(setup.config().augment.rotationDegrees, 0.0);
    QCOMPARE(setup.config().epochs, 20);
    QCOMPARE(view.augmentEditor()->value().flipProbability, 0.5);
    saveScreenshot(view, QStringLiteral("data_view_clothing"));
    table->selectRow(rowOf(table, QStringLiteral("kmnist")));
    QCOMPARE(setup.config().augment.flipProbability, 0.0);
    QCOMPARE(setup.config().epochs, 16);
    // A hand edit detaches the settings from the recipe: they stay as edited on another dataset.
    AugmentConfig mine = view.augmentEditor()->value();
    mine.rotationDegrees = 25;
    view.augmentEditor()->setValue(mine);
    emit view.augmentEditor()->edited(view.augmentEditor()->value());
    QVERIFY(setup.config().recipe.empty());
    table->selectRow(rowOf(table, QStringLiteral("fashion-mnist")));
    QCOMPARE(setup.config().dataset, std::string("fashion-mnist"));
    QCOMPARE(setup.config().augment.rotationDegrees, 25.0);
    QCOMPARE(setup.config().augment.flipProbability, 0.0);
    QVERIFY(waitForData(view));
}

void TestDataRunsViews::corruptFileShowsError() {
    QTemporaryDir data;
    QVERIFY(data.isValid());
    QDir().mkpath(data.filePath("kmnist"));
    QDir().mkpath(data.filePath("mnist"));
    // KMNIST: not gzip at all, under the gzip name.
    {
        QFile images(data.filePath("kmnist/t10k-images-idx3-ubyte.gz"));
        QVERIFY(images.open(QIODevice::WriteOnly));
        images.write(QByteArray(4096, 'x'));
        QFile labels(data.filePath("kmnist/t10k-labels-idx1-ubyte.gz"));
        QVERIFY(labels.open(QIODevice::WriteOnly));
        labels.write("not a label file");
    }
    // MNIST: a valid header that promises 10,000 images, then only a few bytes.
    {
        QFile images(data.filePath("mnist/t10k-images-idx3-ubyte"));
        QVERIFY(images.open(QIODevice::WriteOnly));
        const unsigned char header[] = {0, 0, 8, 3, 0, 0, 0x27, 0x10, 0, 0, 0, 28, 0, 0, 0, 28};
        images.write(reinterpret_cast<const char*>(header), sizeof header);
        images.write(QByteArray(500, '\x7f'));
        QFile labels(data.filePath("mnist/t10k-labels-idx1-ubyte"));
        QVERIFY(labels.open(QIODevice::WriteOnly));
        const unsigned char labelHeader[] = {0, 0, 8, 1, 0, 0, 0x27, 0x10};
        labels.write(reinterpret_cast<const char*>(labelHeader), sizeof labelHeader);
        labels.write(QByteArray(10000, '\x01'));
    }
    TrainingSetup setup;
    setup.update([&](TrainConfig& c) {
        c.dataset = "kmnist";
        c.dataDir = data.path().toStdString();
        c.protocol = SplitProtocol::Test8020;
    });
    DataView view(&setup);
    QVERIFY(waitForData(view));
    QVERIFY(!view.dataError().isEmpty());
    QVERIFY(!view.plan());
    QVERIFY(!view.balancePlot()->hasData());
    QCOMPARE(view.sampleBrowser()->grid()->count(), 0);
    // The table names the unreadable file instead of a count.
    const QString testCell = view.datasetTable()->item(0, 3)->text();
    QVERIFY2(testCell.startsWith(QStringLiteral("unreadable")), qPrintable(testCell));
    bool shown = false;
    for (QLabel* label : view.findChildren<QLabel*>())
        shown = shown || (label->isVisibleTo(&view) && label->text().contains(QStringLiteral("could not be loaded")));
    QVERIFY2(shown, qPrintable(view.dataError()));
    saveScreenshot(view, QStringLiteral("data_view_corrupt"));

    // The truncated MNIST file: the header reads, the images do not.
    setup.update([](TrainConfig& c) { c.dataset = "mnist"; });
    QVERIFY(waitForData(view));
    QVERIFY2(!view.dataError().isEmpty(), "a truncated file must be reported");
    QVERIFY(!view.plan());
}

void TestDataRunsViews::missingFilesShowDownloadHint() {
    QTemporaryDir data;  // empty: nothing of anything (fashion-mnist may still be in /usr/share)
    TrainingSetup setup;
    setup.update([&](TrainConfig& c) {
        c.dataset = "mnist";
        c.dataDir = data.path().toStdString();
        c.protocol = SplitProtocol::Test8020;
    });
    const QByteArray saved = qgetenv("KANALAB_DATA_DIR");
    qunsetenv("KANALAB_DATA_DIR");
    DataView view(&setup);
    QVERIFY(waitForData(view));
    qputenv("KANALAB_DATA_DIR", saved);
    QCOMPARE(view.datasetTable()->item(1, 3)->text(), QStringLiteral("missing (1.65 MB)"));
    QVERIFY(view.dataError().contains(QStringLiteral("download")));
    QVERIFY(view.downloadButton()->isEnabled());
    QVERIFY2(view.downloadButton()->text().contains(QStringLiteral("mnist")),
             qPrintable(view.downloadButton()->text()));
}

namespace {

// A data folder whose KMNIST train split is "present" (valid headers, no images: enough for a
// listing) and whose test split is missing, so Download fetches exactly the test split.
void writeTrainHeaders(const QString& dataDir) {
    QDir().mkpath(dataDir + "/kmnist");
    QFile images(dataDir + "/kmnist/train-images-idx3-ubyte");
    QVERIFY(images.open(QIODevice::WriteOnly));
    const unsigned char header[] = {0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28};
    images.write(reinterpret_cast<const char*>(header), sizeof header);
    QFile labels(dataDir + "/kmnist/train-labels-idx1-ubyte");
    QVERIFY(labels.open(QIODevice::WriteOnly));
    const unsigned char labelHeader[] = {0, 0, 8, 1, 0, 0, 0xea, 0x60};
    labels.write(reinterpret_cast<const char*>(labelHeader), sizeof labelHeader);
}

// Runs one download through the view's button and waits for its end.
bool downloadThroughView(DataView& view, const QString& mirror) {
    QSignalSpy done(&view, &DataView::downloadFinished);
    view.mirrorEdit()->setText(mirror);
    if (!view.downloadButton()->isEnabled())
        return false;
    view.downloadButton()->click();
    if (!view.isDownloading() || !view.cancelButton()->isEnabled())
        return false;
    return done.wait(60000) || done.count() == 1;
}

}  // namespace

void TestDataRunsViews::downloadFromMirror() {
    REQUIRE_KMNIST();
    QTemporaryDir data;
    writeTrainHeaders(data.path());
    TrainingSetup setup;
    setup.update([&](TrainConfig& c) {
        c.dataset = "kmnist";
        c.dataDir = data.path().toStdString();
        c.protocol = SplitProtocol::Test8020;
    });
    const QByteArray saved = qgetenv("KANALAB_DATA_DIR");
    qunsetenv("KANALAB_DATA_DIR");  // else the shared test files count as present
    DataView view(&setup);
    QVERIFY(waitForData(view));
    QCOMPARE(view.datasetTable()->item(0, 3)->text(), QStringLiteral("missing (3.05 MB)"));
    QVERIFY(view.dataError().contains(QStringLiteral("no test split")));

    // An address the downloader cannot use is refused in the view, before any thread starts.
    view.mirrorEdit()->setText(QStringLiteral("ftp://example.org/data"));
    view.downloadButton()->click();
    QVERIFY(!view.isDownloading());
    QVERIFY2(view.downloadMessage().contains(QStringLiteral("not a mirror URL")), qPrintable(view.downloadMessage()));

    // The shared folder is laid out like a mirror: file://<shared>/kmnist/<official name>.
    QVERIFY(downloadThroughView(view, QStringLiteral("file://") + sharedDataDir()));
    qputenv("KANALAB_DATA_DIR", saved);
    QVERIFY2(!view.downloadMessage().contains(QStringLiteral("failed")), qPrintable(view.downloadMessage()));
    QVERIFY(QFileInfo(data.filePath("kmnist/t10k-images-idx3-ubyte.gz")).isFile());
    // The view rescanned and loaded the new split.
    QVERIFY2(view.datasetTable()->item(0, 3)->text().startsWith(QStringLiteral("10,000 images")),
             qPrintable(view.datasetTable()->item(0, 3)->text()));
    QVERIFY(waitForData(view));
    QVERIFY2(view.dataError().isEmpty(), qPrintable(view.dataError()));
    QCOMPARE(view.balancePlot()->barValues(2)[0], std::int64_t(200));
}

void TestDataRunsViews::downloadChecksumFailure() {
    REQUIRE_KMNIST();
    // A mirror whose test images have the official size but one byte changed.
    QTemporaryDir mirror, data;
    QDir().mkpath(mirror.filePath("kmnist"));
    const QString shared = sharedDataDir() + "/kmnist/";
    QVERIFY(QFile::copy(shared + "t10k-labels-idx1-ubyte.gz", mirror.filePath("kmnist/t10k-labels-idx1-ubyte.gz")));
    QFile original(shared + "t10k-images-idx3-ubyte.gz");
    QVERIFY(original.open(QIODevice::ReadOnly));
    QByteArray bytes = original.readAll();
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5a);
    QFile damaged(mirror.filePath("kmnist/t10k-images-idx3-ubyte.gz"));
    QVERIFY(damaged.open(QIODevice::WriteOnly));
    damaged.write(bytes);
    damaged.close();
    writeTrainHeaders(data.path());

    TrainingSetup setup;
    setup.update([&](TrainConfig& c) {
        c.dataset = "kmnist";
        c.dataDir = data.path().toStdString();
        c.protocol = SplitProtocol::Test8020;
    });
    const QByteArray saved = qgetenv("KANALAB_DATA_DIR");
    qunsetenv("KANALAB_DATA_DIR");
    DataView view(&setup);
    QVERIFY(waitForData(view));
    QVERIFY(downloadThroughView(view, QStringLiteral("file://") + mirror.path()));
    qputenv("KANALAB_DATA_DIR", saved);
    // Said in the view itself, not only in a popup, and nothing wrong was kept.
    QVERIFY2(view.downloadMessage().contains(QStringLiteral("checksum mismatch")), qPrintable(view.downloadMessage()));
    QVERIFY(view.downloadMessage().contains(QStringLiteral("Download failed")));
    QVERIFY(!QFileInfo::exists(data.filePath("kmnist/t10k-images-idx3-ubyte.gz")));
    QVERIFY(!QFileInfo::exists(data.filePath("kmnist/t10k-images-idx3-ubyte.gz.part")));
    QVERIFY(view.downloadButton()->isEnabled());
    saveScreenshot(view, QStringLiteral("data_view_checksum"));
}

namespace {

// A view over an empty data folder (plus fake train headers) whose Download fetches KMNIST's
// test split from `mirror`.
struct DownloadFixture {
    QTemporaryDir data;
    TrainingSetup setup;
    QByteArray savedDataDir = qgetenv("KANALAB_DATA_DIR");
    std::unique_ptr<DataView> view;

    DownloadFixture() {
        writeTrainHeaders(data.path());
        setup.update([this](TrainConfig& c) {
            c.dataset = "kmnist";
            c.dataDir = data.path().toStdString();
            c.protocol = SplitProtocol::Test8020;
        });
        qunsetenv("KANALAB_DATA_DIR");
        view = std::make_unique<DataView>(&setup);
    }
    ~DownloadFixture() {
        view.reset();
        qputenv("KANALAB_DATA_DIR", savedDataDir);
    }
};

}  // namespace

void TestDataRunsViews::downloadProgressAndCancel() {
    REQUIRE_KMNIST();
    test::LocalHttpServer server(sharedDataDir().toStdString());
    server.setSlowRate(150 * 1000);  // 3 MB would take 20 s
    server.setBehaviour("/kmnist/t10k-images-idx3-ubyte.gz", test::LocalHttpServer::Behaviour::Slow);
    DownloadFixture f;
    DataView& view = *f.view;
    QVERIFY(waitForData(view));
    QSignalSpy done(&view, &DataView::downloadFinished);
    view.mirrorEdit()->setText(QString::fromStdString(server.baseUrl()));
    view.downloadButton()->click();
    QVERIFY(view.isDownloading());
    QVERIFY(!view.downloadButton()->isEnabled());
    // Progress arrives on the UI thread while the worker thread downloads: bytes, rate, ETA.
    QLabel* text = nullptr;
    QVERIFY(QTest::qWaitFor(
        [&] {
            for (QLabel* label : view.findChildren<QLabel*>())
                if (label->text().contains(QStringLiteral(" of ")) && label->text().contains(QStringLiteral("/s")) &&
                    label->text().contains(QStringLiteral("ETA")))
                    text = label;
            return text != nullptr && view.downloadProgress()->value() > 0;
        },
        15000));
    QVERIFY2(text->text().contains(QStringLiteral("t10k-images-idx3-ubyte.gz")), qPrintable(text->text()));
    saveScreenshot(view, QStringLiteral("data_view_downloading"));

    QElapsedTimer clock;
    clock.start();
    view.cancelButton()->click();
    QVERIFY(done.wait(10000) || done.count() == 1);
    QVERIFY2(clock.elapsed() < 5000, "cancel must act within a few seconds");
    QCOMPARE(done.first().first().toBool(), false);
    QVERIFY2(view.downloadMessage().contains(QStringLiteral("cancelled")), qPrintable(view.downloadMessage()));
    QVERIFY(!view.isDownloading());
    QVERIFY(!QFileInfo::exists(f.data.filePath("kmnist/t10k-images-idx3-ubyte.gz")));
    QVERIFY(!QFileInfo::exists(f.data.filePath("kmnist/t10k-images-idx3-ubyte.gz.part")));
}

void TestDataRunsViews::kanjiDownloadIsConvertedOnce() {
    // A small kkanji.tar laid out as the official one (kkanji2/U+XXXX/*.png, 64x64), on a
    // file:// mirror: the Data view's Download fetches it, checks it, records its SHA-256 and
    // decodes it once into the cache, after which kkanji has its classes.
    QTemporaryDir mirror, data;
    test::TarWriter tar(test::TarFormat::Gnu);
    tar.addDirectory("kkanji2/");
    for (const char* folder : {"U+4E00", "U+4E8C", "U+4E09"}) {
        tar.addDirectory(std::string("kkanji2/") + folder + "/");
        for (int i = 0; i < 5; ++i) {
            QImage image(64, 64, QImage::Format_Grayscale8);
            image.fill(0);
            for (int y = 10 + i; y < 54; ++y)
                image.setPixel(20 + (folder[5] - '0') * 3, y, qRgb(255, 255, 255));
            QByteArray png;
            QBuffer buffer(&png);
            buffer.open(QIODevice::WriteOnly);
            QVERIFY(image.save(&buffer, "PNG"));
            char name[64];
            std::snprintf(name, sizeof name, "kkanji2/%s/%06d.png", folder, i);
            tar.addFile(name, std::vector<std::uint8_t>(png.begin(), png.end()));
        }
    }
    const auto bytes = tar.finish();
    QVERIFY(QDir().mkpath(mirror.filePath("kkanji")));
    QFile file(mirror.filePath("kkanji/kkanji.tar"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(reinterpret_cast<const char*>(bytes.data()), static_cast<qint64>(bytes.size()));
    file.close();

    TrainingSetup setup;
    setup.update([&](TrainConfig& c) {
        c.dataset = "kkanji";
        c.dataDir = data.path().toStdString();
    });
    const QByteArray saved = qgetenv("KANALAB_DATA_DIR");
    qunsetenv("KANALAB_DATA_DIR");
    DataView view(&setup);
    QTest::qWait(200);
    QVERIFY(downloadThroughView(view, QStringLiteral("file://") + mirror.path()));
    qputenv("KANALAB_DATA_DIR", saved);
    const QString message = view.downloadMessage();
    QVERIFY2(message.contains(QStringLiteral("decoded 15 images of 3 classes")), qPrintable(message));
    QVERIFY(QFileInfo(data.filePath("kkanji/kkanji.tar.sha256")).isFile());
    const DatasetInfo& kanji = findDataset("kkanji", dataRoots(data.path().toStdString()));
    QCOMPARE(kanji.numClasses(), 3);
    QCOMPARE(QString::fromStdString(kanji.classes[0].glyph), QStringLiteral("一"));
}

void TestDataRunsViews::downloadHttpError() {
    REQUIRE_KMNIST();
    test::LocalHttpServer server(sharedDataDir().toStdString());
    server.setBehaviour("/kmnist/t10k-images-idx3-ubyte.gz", test::LocalHttpServer::Behaviour::NotFound);
    DownloadFixture f;
    QVERIFY(waitForData(*f.view));
    QVERIFY(downloadThroughView(*f.view, QString::fromStdString(server.baseUrl())));
    const QString message = f.view->downloadMessage();
    QVERIFY2(message.contains(QStringLiteral("Download failed")) && message.contains(QStringLiteral("404")),
             qPrintable(message));
    QVERIFY(!f.view->isDownloading());
}

void TestDataRunsViews::runsViewListsAndCompares() {
    REQUIRE_KMNIST();
    for (const auto& [name, seed] : {std::pair<QString, std::uint64_t>{"run-a", 1}, {"run-b", 2}}) {
        const QString dir = m_runs.filePath(name);
        TrainControl control;
        const TrainOutcome outcome = runTraining(tinyRunConfig(dir, seed), TrainCallbacks{}, control);
        QVERIFY2(outcome.status == TrainStatus::Completed, outcome.message.c_str());
        m_runDirs << dir;
    }
    RunsView view;
    view.setRunsFolder(m_runs.path());
    QCOMPARE(view.runs().size(), std::size_t(2));
    QCOMPARE(view.table()->model()->rowCount(), 2);
    view.selectRuns(m_runDirs);
    QCOMPARE(view.selectedRuns().size(), 2);
    QCOMPARE(view.curveCount(), 2);
    QCOMPARE(view.plot()->graphCount(), 2);
    QStringList names = {view.plot()->graph(0)->name(), view.plot()->graph(1)->name()};
    names.sort();
    QCOMPARE(names, QStringList({"run-a", "run-b"}));
    QVERIFY(view.plot()->graph(0)->pen().color() != view.plot()->graph(1)->pen().color());
    saveScreenshot(view, QStringLiteral("runs_view"));
    view.setMetric(RunsView::TrainingLoss);
    QCOMPARE(view.curveCount(), 2);
    saveScreenshot(view, QStringLiteral("runs_view_loss"));
    view.setMetric(RunsView::ValidationAccuracy);
    QCOMPARE(view.curveCount(), 2);

    // A final model trained without a validation split: its comparison shows training accuracy
    // rather than an empty plot.
    {
        const QString dir = m_runs.filePath("run-final");
        TrainConfig config = tinyRunConfig(dir, 3);
        config.validationFraction = 0;
        TrainControl control;
        const TrainOutcome outcome = runTraining(config, TrainCallbacks{}, control);
        QVERIFY2(outcome.status == TrainStatus::Completed, outcome.message.c_str());
        view.refresh();
        view.selectRuns({dir});
        QCOMPARE(view.curveCount(), 1);
        QCOMPARE(view.plot()->graph(0)->dataCount(), 1);
        QCOMPARE(static_cast<int>(view.metric()), static_cast<int>(RunsView::TrainingAccuracy));
        view.setMetric(RunsView::ValidationAccuracy);
        QVERIFY(QDir(dir).removeRecursively());
        view.refresh();
        view.selectRuns(m_runDirs);
    }

    // The numbers in the row: dataset, model, epochs, a test accuracy.
    const QAbstractItemModel* model = view.table()->model();
    bool foundMlp = false;
    for (int row = 0; row < model->rowCount(); ++row) {
        foundMlp = foundMlp || model->index(row, 3).data().toString() == QStringLiteral("mlp");
        QCOMPARE(model->index(row, 5).data().toString(), QStringLiteral("1 / 1"));
        QVERIFY(model->index(row, 9).data().toString().endsWith(QStringLiteral(" %")));
        QVERIFY(model->index(row, 10).data().toString().endsWith(QStringLiteral(" %")));  // balanced
        QVERIFY(model->index(row, 12).data().toString() != QStringLiteral("–"));         // per epoch
        QCOMPARE(model->index(row, 13).data().toString(), QStringLiteral("completed"));
    }
    QVERIFY(foundMlp);

    // Train again hands the run's settings out.
    QSignalSpy again(&view, &RunsView::trainAgainRequested);
    view.selectRuns({m_runDirs.first()});
    for (QPushButton* b : view.findChildren<QPushButton*>())
        if (b->text() == QStringLiteral("Train again"))
            b->click();
    QCOMPARE(again.count(), 1);
    const auto config = again.first().first().value<TrainConfig>();
    QCOMPARE(config.model, std::string("mlp"));
    QVERIFY(config.runDir.empty());
}

void TestDataRunsViews::runsViewRenameDeleteExport() {
    if (m_runDirs.size() != 2)
        QSKIP("needs the runs of runsViewListsAndCompares");
    RunsView view;
    view.setRunsFolder(m_runs.path());
    QCOMPARE(view.runs().size(), std::size_t(2));

    // Export: one header, one row per epoch of each run, with the run's name first.
    const QString csv = m_runs.filePath("export.csv");
    QVERIFY(view.exportMetricsCsv(m_runDirs, csv));
    QFile file(csv);
    QVERIFY(file.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList lines = QString::fromUtf8(file.readAll()).split('\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 3);
    QVERIFY2(lines[0].startsWith(QStringLiteral("run,epoch,train_loss")), qPrintable(lines[0]));
    QVERIFY(lines[1].startsWith(QStringLiteral("run-a,1,")));
    QVERIFY(lines[2].startsWith(QStringLiteral("run-b,1,")));
    QFile::remove(csv);

    // A run written before the balanced-accuracy column: its rows are padded to the new header.
    {
        QTemporaryDir old;
        QFile metrics(old.filePath("metrics.csv"));
        QVERIFY(metrics.open(QIODevice::WriteOnly | QIODevice::Text));
        metrics.write("epoch,train_loss,train_accuracy,val_loss,val_accuracy,learning_rate,seconds,best\n"
                      "1,0.5,0.8,0.4,0.85,0.001,3.5,1\n");
        metrics.close();
        QVERIFY(view.exportMetricsCsv({old.path(), m_runDirs[0]}, csv));
        QFile merged(csv);
        QVERIFY(merged.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList rows = QString::fromUtf8(merged.readAll()).split('\n', Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), 3);
        QVERIFY2(rows[0].endsWith(QStringLiteral(",val_balanced_accuracy")), qPrintable(rows[0]));
        for (const QString& row : rows)
            QCOMPARE(row.count(','), rows[0].count(','));
        QFile::remove(csv);
    }

    // Rename: refused with a slash or onto an existing run, done otherwise.
    QString error;
    QVERIFY(!view.renameRun(m_runDirs[0], QStringLiteral("a/b"), &error));
    QVERIFY2(error.contains(QStringLiteral("slash")), qPrintable(error));
    QVERIFY(!view.renameRun(m_runDirs[0], QStringLiteral("run-b"), &error));
    QVERIFY2(error.contains(QStringLiteral("already exists")), qPrintable(error));
    QVERIFY(view.messageLabel()->text().contains(QStringLiteral("already exists")));
    const QString renamed = m_runs.filePath("lr-0.01");
    QVERIFY(view.renameRun(m_runDirs[0], QStringLiteral("lr-0.01"), &error));
    QVERIFY(QFileInfo(renamed + "/config.json").isFile());
    QVERIFY(!QFileInfo::exists(m_runDirs[0]));
    bool listed = false;
    for (const auto& run : view.runs())
        listed = listed || run.name == "lr-0.01";
    QVERIFY(listed);

    // Delete: refused while the run trains, done after the confirmation is accepted.
    view.setTrainingRun(m_runDirs[1]);
    QVERIFY(!view.deleteRuns({m_runDirs[1]}, /*askFirst=*/false, &error));
    QVERIFY2(error.contains(QStringLiteral("training")), qPrintable(error));
    QVERIFY(!view.renameRun(m_runDirs[1], QStringLiteral("other"), &error));
    view.setTrainingRun(QString());

    acceptNextMessageBox();
    QVERIFY(view.deleteRuns({renamed}, /*askFirst=*/true, &error));
    QVERIFY(!QFileInfo::exists(renamed));
    QCOMPARE(view.runs().size(), std::size_t(1));
    m_runDirs.removeFirst();

    // A folder that is not a run is never removed.
    const QString stray = m_runs.filePath("not-a-run");
    QDir().mkpath(stray);
    QVERIFY(!view.deleteRuns({stray}, false, &error));
    QVERIFY(QFileInfo(stray).isDir());
}

void TestDataRunsViews::mainWindowTabsAndWiring() {
    MainWindow window;
    window.setAskBeforeClosing(false);
    QTabWidget* tabs = window.tabs();
    QCOMPARE(tabs->count(), 5);
    QCOMPARE(tabs->tabText(0), QStringLiteral("&Data"));
    QCOMPARE(tabs->tabText(1), QStringLiteral("&Train"));
    QCOMPARE(tabs->tabText(2), QStringLiteral("&Evaluate"));
    QCOMPARE(tabs->tabText(3), QStringLiteral("&Runs"));
    QCOMPARE(tabs->tabText(4), QStringLiteral("Dra&w"));
    // Train again: the settings land in the shared setup and the Train tab shows.
    TrainConfig config = window.setup()->config();
    config.model = "sep1d";
    config.epochs = 3;
    emit window.runsView()->trainAgainRequested(config);
    QCOMPARE(window.setup()->config().model, std::string("sep1d"));
    QCOMPARE(tabs->currentIndex(), 1);
    emit window.trainView()->showDataRequested();
    QCOMPARE(tabs->currentIndex(), 0);
    QVERIFY(QTest::qWaitFor([&] { return !window.dataView()->isLoading(); }, 20000));
}

int main(int argc, char** argv) {
    // Before QApplication: settings, runs and downloads go to a folder of this test's own.
    QTemporaryDir home;
    kanalab::test::isolateUserFolders(home);
    qputenv("KANALAB_DATA_DIR", sharedDataDir().toLocal8Bit());
    QApplication app(argc, argv);
    setUpApplication(app);
    TestDataRunsViews test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_data_runs_views.moc"
