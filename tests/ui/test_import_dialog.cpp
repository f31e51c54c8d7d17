// SPDX-License-Identifier: GPL-3.0-or-later
// The Data tab's import dialog and Remove, driven through their real widgets offscreen: a
// generated folder of PNG class folders previewed (layout, class table, decoded images) and
// imported into a temporary data folder, a corrupt file counted as skipped, a missing path
// shown as an error, and an imported dataset removed from the Data view. Malformed folders
// (empty, zero-byte, non-image files, empty class folders, no images at all) are listed or
// told in one sentence. A colour folder is previewed, imported and shown in colour in the Data
// view (samples and augmentation); gray scans show as ink on paper whichever way round they
// are stored. XDG folders and KANALAB_DATA_DIR point into a temporary directory, so the user's
// own data is never touched.

#include "app_setup.h"
#include "common/class_labels.h"
#include "common/training_setup.h"
#include "data/catalogue.h"
#include "data/data_dirs.h"
#include "data/dataset_source.h"
#include "data/import.h"
#include "data/imported_source.h"
#include "data_view/augment_preview_panel.h"
#include "data_view/data_view.h"
#include "data_view/import_dialog.h"
#include "data_view/sample_browser.h"
#include "ui/colour_shapes.h"
#include "ui/ui_test_support.h"

#include <QAbstractButton>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPainter>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <functional>
#include <memory>

using namespace kanalab;
using namespace kanalab::ui;

namespace {

// お, か, き as Kuzushiji-Kanji names its folders: the scan turns the names into glyphs.
const char* const kClassFolders[] = {"U+304A", "U+304B", "U+304D"};
const QString kGlyphs[] = {QStringLiteral("お"), QStringLiteral("か"), QStringLiteral("き")};

// Writes count PNGs of the class's glyph (dark ink on white, shifted a little per image; with
// `night`, bright ink on black as the built-in datasets store it).
void writeClass(const QString& folder, int cls, int count, int side = 24, bool night = false) {
    QDir().mkpath(folder);
    for (int i = 0; i < count; ++i) {
        QImage image(side, side, QImage::Format_Grayscale8);
        image.fill(night ? Qt::black : Qt::white);
        QPainter painter(&image);
        painter.setFont(kanaFont(side * 0.5));
        painter.setPen(night ? Qt::white : Qt::black);
        painter.drawText(QRect(i % 3 - 1, i % 2, side, side), Qt::AlignCenter, kGlyphs[cls]);
        painter.end();
        QVERIFY(image.save(QDir(folder).filePath(QStringLiteral("%1.png").arg(i, 3, 10, QLatin1Char('0'))), "PNG"));
    }
}

QString makeKanaFolder(const QTemporaryDir& dir, const QString& name, int perClass, int side = 24, bool night = false) {
    const QString root = QDir(dir.path()).filePath(name);
    for (int c = 0; c < 3; ++c)
        writeClass(QDir(root).filePath(kClassFolders[c]), c, perClass, side, night);
    return root;
}

void writeFile(const QString& path, const QByteArray& bytes) {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

QStringList skippedLines(ImportDialog& dialog) {
    QStringList lines;
    for (int i = 0; i < dialog.skippedList()->count(); ++i)
        lines << dialog.skippedList()->item(i)->text();
    return lines;
}

bool anyLineHas(const QStringList& lines, const QString& a, const QString& b) {
    for (const QString& line : lines)
        if (line.contains(a) && line.contains(b))
            return true;
    return false;
}

// A thumbnail as shown (the icon's pixmap at its size).
QImage thumbnail(QListWidget* grid, int row) {
    return grid->item(row)->icon().pixmap(grid->iconSize()).toImage();
}

// Lightness of the corner (the background) and the darkest pixel (the ink) of a gray thumbnail.
int cornerLightness(const QImage& image) {
    return image.pixelColor(1, 1).lightness();
}
int darkestLightness(const QImage& image) {
    int darkest = 255;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            darkest = std::min(darkest, image.pixelColor(x, y).lightness());
    return darkest;
}

// A Data view on the given dataset, loaded.
std::unique_ptr<DataView> dataViewOn(TrainingSetup& setup, const std::string& dataset) {
    setup.update([&](TrainConfig& c) { c.dataset = dataset; });
    return std::make_unique<DataView>(&setup);
}

QString dataRoot() {
    return QString::fromStdString(downloadRoot(""));
}

bool waitForPreview(ImportDialog& dialog) {
    return QTest::qWaitFor([&] { return !dialog.isPreviewing(); }, 20000);
}

// Imports through the dialog's button; true once the dialog has accepted.
bool importAndWait(ImportDialog& dialog) {
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    if (!dialog.importButton()->isEnabled())
        return false;
    dialog.importButton()->click();
    return QTest::qWaitFor([&] { return accepted.count() == 1; }, 60000);
}

int rowOf(QTableWidget* table, const QString& name) {
    for (int row = 0; row < table->rowCount(); ++row)
        if (table->item(row, 0)->data(Qt::UserRole).toString() == name)
            return row;
    return -1;
}

bool listed(const std::string& name) {
    for (const DatasetInfo* info : datasetCatalogue(dataRoots("")))
        if (info->name == name)
            return true;
    return false;
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

void saveDialogScreenshot(QWidget& widget, const QString& name) {
    const QString dir = qEnvironmentVariable("KANALAB_TEST_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    widget.show();
    QTest::qWait(200);
    widget.grab().save(QDir(dir).filePath(name + QStringLiteral(".png")));
}

}  // namespace

class TestImportDialog : public QObject {
    Q_OBJECT

private slots:
    void previewThenImport();
    void corruptFileIsSkipped();
    void missingPathIsAnError();
    void cancelKeepsNothing();
    void dataViewImportsAndRemoves();
    void malformedFilesAreListed();
    void folderWithoutImagesIsOneSentence();
    void colourFolderEndToEnd();
    void grayScansShowAsInkOnPaper();

private:
    QTemporaryDir m_images;
};

void TestImportDialog::previewThenImport() {
    QVERIFY(m_images.isValid());
    const QString root = makeKanaFolder(m_images, QStringLiteral("My Kana"), 6);
    ImportDialog dialog(dataRoot());
    dialog.show();
    dialog.setPath(root);
    QCOMPARE(dialog.nameEdit()->text(), QStringLiteral("my-kana"));
    QVERIFY(waitForPreview(dialog));
    QVERIFY2(dialog.hasPreview(), qPrintable(dialog.message()));
    QVERIFY2(!dialog.messageIsError(), qPrintable(dialog.message()));

    // Layout, class table (class, glyph, images) and the first images, nothing written yet.
    QVERIFY2(dialog.layoutLabel()->text().contains(QStringLiteral("Class folders")),
             qPrintable(dialog.layoutLabel()->text()));
    QVERIFY2(dialog.layoutLabel()->text().contains(QStringLiteral("24 × 24 gray")),
             qPrintable(dialog.layoutLabel()->text()));
    QTableWidget* classes = dialog.classTable();
    QCOMPARE(classes->rowCount(), 3);
    QCOMPARE(classes->columnCount(), 3);
    for (int c = 0; c < 3; ++c) {
        QCOMPARE(classes->item(c, 0)->text(), QString::fromLatin1(kClassFolders[c]));
        QCOMPARE(classes->item(c, 1)->text(), kGlyphs[c]);
        QCOMPARE(classes->item(c, 2)->text(), QStringLiteral("6"));
    }
    QListWidget* grid = dialog.previewGrid();
    QCOMPARE(grid->count(), ImportDialog::kPreviewImages);
    // Round robin over the classes: お か き お …
    QCOMPARE(grid->item(0)->text(), kGlyphs[0]);
    QCOMPARE(grid->item(1)->text(), kGlyphs[1]);
    QCOMPARE(grid->item(2)->text(), kGlyphs[2]);
    QVERIFY(!grid->item(0)->icon().isNull());
    QVERIFY(!QFileInfo::exists(QString::fromStdString(importedDatasetFolder(dataRoot().toStdString(), "my-kana"))));
    QVERIFY(dialog.testFractionBox()->isEnabled());
    QVERIFY(dialog.importButton()->isEnabled());
    saveDialogScreenshot(dialog, QStringLiteral("import_dialog"));

    QVERIFY(importAndWait(dialog));
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QVERIFY2(dialog.message().contains(QStringLiteral("Imported my-kana: 18 images")), qPrintable(dialog.message()));
    QVERIFY(!dialog.importResult().reused);

    const DatasetInfo& info = findDataset("my-kana", dataRoots(""));
    QVERIFY(info.imported);
    QCOMPARE(info.numClasses(), 3);
    QCOMPARE(info.classes[0].glyph, std::string("お"));
    QCOMPARE(info.rows, 24);
    QCOMPARE(info.cols, 24);
    QCOMPARE(info.channels, 1);
    QVERIFY(info.handwriting());
    const DatasetStatus status = locateDataset(info, dataRoots(""));
    QVERIFY(status.train.present && status.test.present);
    QCOMPARE(status.train.count + status.test.count, std::int64_t(18));
    QCOMPARE(status.test.count, std::int64_t(3));  // 20 % of 6, per class, rounded
    QVERIFY(QFileInfo(QDir(dataRoot()).filePath("imported/my-kana/dataset.json")).isFile());

    // The same folder again: nothing changed, the cache is reused.
    ImportDialog again(dataRoot());
    again.setPath(root);
    QVERIFY(waitForPreview(again));
    QVERIFY(importAndWait(again));
    QVERIFY(again.importResult().reused);
    QVERIFY2(again.message().contains(QStringLiteral("reusing the cache")), qPrintable(again.message()));
}

void TestImportDialog::corruptFileIsSkipped() {
    const QString root = makeKanaFolder(m_images, QStringLiteral("with-broken"), 4);
    {
        QFile broken(QDir(root).filePath(QStringLiteral("U+304B/broken.png")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write("\x89PNG\r\n\x1a\n but nothing after the signature makes sense");
    }
    ImportDialog dialog(dataRoot());
    dialog.setPath(root);
    QVERIFY(waitForPreview(dialog));
    QVERIFY2(dialog.hasPreview(), qPrintable(dialog.message()));
    QCOMPARE(dialog.classTable()->rowCount(), 3);
    QCOMPARE(dialog.classTable()->item(1, 2)->text(), QStringLiteral("5"));  // listed: it is not decoded yet
    QCOMPARE(dialog.previewGrid()->count(), 13);
    QVERIFY2(dialog.layoutLabel()->text().contains(QStringLiteral("cannot be decoded")),
             qPrintable(dialog.layoutLabel()->text()));

    // A size of its own: 16 x 16.
    dialog.sizeBox()->setCurrentIndex(dialog.sizeBox()->findText(QStringLiteral("square")));
    dialog.rowsBox()->setValue(16);
    QCOMPARE(dialog.options().rows, 16);
    QCOMPARE(dialog.options().cols, 16);
    QVERIFY(QTest::qWaitFor([&] { return dialog.layoutLabel()->text().contains(QStringLiteral("16 × 16")); }, 20000));
    QVERIFY(waitForPreview(dialog));

    QVERIFY(importAndWait(dialog));
    const ImportResult& result = dialog.importResult();
    QCOMPARE(result.meta.skipped.size(), std::size_t(1));
    QVERIFY2(QString::fromStdString(result.meta.skipped[0].path).endsWith(QStringLiteral("broken.png")),
             result.meta.skipped[0].path.c_str());
    QCOMPARE(result.meta.totalImages(), std::int64_t(12));
    QVERIFY2(dialog.message().contains(QStringLiteral("1 file skipped")), qPrintable(dialog.message()));
    const DatasetInfo& info = findDataset("with-broken", dataRoots(""));
    QCOMPARE(info.rows, 16);
    QCOMPARE(info.cols, 16);
}

void TestImportDialog::missingPathIsAnError() {
    ImportDialog dialog(dataRoot());
    const QString missing = QDir(m_images.path()).filePath(QStringLiteral("no-such-folder"));
    dialog.setPath(missing);
    QVERIFY(waitForPreview(dialog));
    QVERIFY(!dialog.hasPreview());
    QVERIFY(dialog.messageIsError());
    QVERIFY2(dialog.message().contains(missing) && dialog.message().contains(QStringLiteral("no such folder")),
             qPrintable(dialog.message()));
    QVERIFY(!dialog.message().contains(QLatin1Char('\n')));
    QVERIFY(dialog.messageLabel()->isVisibleTo(&dialog));
    QVERIFY(!dialog.importButton()->isEnabled());
    QCOMPARE(dialog.classTable()->rowCount(), 0);
    QCOMPARE(dialog.previewGrid()->count(), 0);
    // Clicking anyway starts nothing.
    dialog.importButton()->click();
    QVERIFY(!dialog.isImporting());

    // A name taken by a built-in dataset is refused before importing.
    const QString root = makeKanaFolder(m_images, QStringLiteral("kmnist"), 2);
    dialog.setPath(root);
    QVERIFY(waitForPreview(dialog));
    QVERIFY(dialog.hasPreview());
    QVERIFY2(dialog.message().contains(QStringLiteral("built into KanaLab")), qPrintable(dialog.message()));
    QVERIFY(!dialog.importButton()->isEnabled());
    dialog.nameEdit()->setText(QStringLiteral("my-kmnist"));
    emit dialog.nameEdit()->textEdited(dialog.nameEdit()->text());
    QVERIFY(dialog.importButton()->isEnabled());
}

void TestImportDialog::cancelKeepsNothing() {
    // More images than one decoding chunk (1,024): the import checks the flag between chunks.
    const QString root = makeKanaFolder(m_images, QStringLiteral("to-cancel"), 400, 8);
    ImportDialog dialog(dataRoot());
    dialog.show();
    dialog.setPath(root);
    QVERIFY(waitForPreview(dialog));
    QVERIFY(dialog.importButton()->isEnabled());
    QSignalSpy finished(&dialog, &ImportDialog::importFinished);
    QSignalSpy rejected(&dialog, &QDialog::rejected);
    dialog.importButton()->click();
    QVERIFY(dialog.isImporting());
    QCOMPARE(dialog.cancelButton()->text(), QStringLiteral("Cancel import"));
    dialog.cancelButton()->click();  // cancels the import; the dialog stays open
    QVERIFY(QTest::qWaitFor([&] { return finished.count() == 1; }, 60000));
    QCOMPARE(finished.first().at(0).toBool(), false);
    QCOMPARE(finished.first().at(1).toBool(), true);
    QCOMPARE(rejected.count(), 0);
    QVERIFY(dialog.isVisible());
    QVERIFY2(dialog.message().contains(QStringLiteral("cancelled")), qPrintable(dialog.message()));
    QVERIFY(!dialog.importedDataset());
    QVERIFY(!listed("to-cancel"));
    QVERIFY(!QFileInfo::exists(QString::fromStdString(importedDatasetFolder(dataRoot().toStdString(), "to-cancel"))));
    QVERIFY(dialog.importButton()->isEnabled());  // may be tried again
    QCOMPARE(dialog.cancelButton()->text(), QStringLiteral("Cancel"));
}

void TestImportDialog::dataViewImportsAndRemoves() {
    const QString root = makeKanaFolder(m_images, QStringLiteral("to-remove"), 3);
    TrainingSetup setup;
    setup.update([](TrainConfig& c) { c.dataset = "kmnist"; });
    DataView view(&setup);
    QTableWidget* table = view.datasetTable();
    QVERIFY(rowOf(table, QStringLiteral("kmnist")) >= 0);
    QVERIFY(view.importButton()->isEnabled());
    QVERIFY(!view.removeButton()->isEnabled());  // kmnist is built in

    // Import through the view's button: the new dataset is listed and selected.
    view.importButton()->click();
    ImportDialog* dialog = view.importDialog();
    QVERIFY(dialog);
    dialog->setPath(root);
    QVERIFY(waitForPreview(*dialog));
    QVERIFY(importAndWait(*dialog));
    QVERIFY(QTest::qWaitFor([&] { return view.importDialog() == nullptr; }, 5000));  // closed and deleted
    const int row = rowOf(table, QStringLiteral("to-remove"));
    QVERIFY(row >= 0);
    QCOMPARE(setup.config().dataset, std::string("to-remove"));
    QVERIFY(view.removeButton()->isEnabled());
    QVERIFY(QTest::qWaitFor([&] { return !view.isLoading(); }, 20000));
    QVERIFY2(view.dataError().isEmpty(), qPrintable(view.dataError()));
    kanalab::test::saveScreenshot(view, QStringLiteral("data_view_imported"));

    // Another row: Remove follows the selection.
    table->selectRow(rowOf(table, QStringLiteral("kmnist")));
    QVERIFY(!view.removeButton()->isEnabled());
    QString error;
    QVERIFY(!view.removeSelectedDataset(false, &error));
    QVERIFY2(error.contains(QStringLiteral("built into")), qPrintable(error));
    table->selectRow(rowOf(table, QStringLiteral("to-remove")));
    QVERIFY(view.removeButton()->isEnabled());

    // Remove, confirmed: the cache is gone, so is the dataset.
    const QString folder = QString::fromStdString(importedDatasetFolder(dataRoot().toStdString(), "to-remove"));
    QVERIFY(QFileInfo(folder).isDir());
    acceptNextMessageBox();
    view.removeButton()->click();
    QVERIFY(!QFileInfo::exists(folder));
    QVERIFY(!listed("to-remove"));
    QCOMPARE(rowOf(table, QStringLiteral("to-remove")), -1);
    QCOMPARE(setup.config().dataset, std::string("kmnist"));
    QVERIFY(!view.removeButton()->isEnabled());
    QVERIFY(QFileInfo(root).isDir());  // the user's images stay
    QVERIFY(QTest::qWaitFor([&] { return !view.isLoading(); }, 20000));
}

void TestImportDialog::malformedFilesAreListed() {
    const QString root = makeKanaFolder(m_images, QStringLiteral("malformed"), 4);
    writeFile(QDir(root).filePath(QStringLiteral("U+304A/corrupt.png")), QByteArray("\x89PNG\r\n\x1a\n then noise"));
    writeFile(QDir(root).filePath(QStringLiteral("U+304B/empty.png")), QByteArray());
    writeFile(QDir(root).filePath(QStringLiteral("U+304D/readme.txt")), QByteArray("scanned on Tuesday\n"));
    writeFile(QDir(root).filePath(QStringLiteral("notes.md")), QByteArray("# my kana\n"));
    QVERIFY(QDir().mkpath(QDir(root).filePath(QStringLiteral("U+3042"))));  // an empty class folder

    ImportDialog dialog(dataRoot());
    dialog.show();
    dialog.setPath(root);
    QVERIFY(waitForPreview(dialog));
    QVERIFY2(dialog.hasPreview(), qPrintable(dialog.message()));
    QCOMPARE(dialog.classTable()->rowCount(), 3);  // the empty folder is no class
    const QString summary = dialog.layoutLabel()->text();
    QVERIFY2(summary.contains(QStringLiteral("3 files skipped")), qPrintable(summary));
    QVERIFY2(summary.contains(QStringLiteral("empty class folder")), qPrintable(summary));
    // The skipped files are listed with their reasons, in the dialog (not only in a tooltip).
    QVERIFY(dialog.skippedList()->isVisibleTo(&dialog));
    const QStringList before = skippedLines(dialog);
    QVERIFY2(anyLineHas(before, QStringLiteral("empty.png"), QStringLiteral("empty file")),
             qPrintable(before.join('|')));
    QVERIFY2(anyLineHas(before, QStringLiteral("readme.txt"), QStringLiteral("not an image")),
             qPrintable(before.join('|')));
    QVERIFY2(anyLineHas(before, QStringLiteral("notes.md"), QStringLiteral("not an image")),
             qPrintable(before.join('|')));
    QVERIFY(dialog.importButton()->isEnabled());

    // The corrupt PNG looks like an image until it is decoded: the import skips and lists it.
    QVERIFY(importAndWait(dialog));
    const ImportResult& result = dialog.importResult();
    QCOMPARE(result.meta.totalImages(), std::int64_t(12));
    const QStringList after = skippedLines(dialog);
    QVERIFY2(anyLineHas(after, QStringLiteral("corrupt.png"), QString()), qPrintable(after.join('|')));
    QVERIFY2(dialog.message().contains(QStringLiteral("skipped")), qPrintable(dialog.message()));
}

void TestImportDialog::folderWithoutImagesIsOneSentence() {
    struct Case {
        QString name;
        std::function<void(const QString&)> make;
        QString says;
    };
    const std::vector<Case> cases = {
        {QStringLiteral("nothing-here"), [](const QString& root) { QDir().mkpath(root); }, QStringLiteral("empty")},
        {QStringLiteral("only-text"),
         [](const QString& root) {
             writeFile(QDir(root).filePath(QStringLiteral("cats/list.txt")), QByteArray("cat1.jpg\n"));
             writeFile(QDir(root).filePath(QStringLiteral("dogs/empty.png")), QByteArray());
         },
         QStringLiteral("holds no images KanaLab can read: 2 files skipped")},
        {QStringLiteral("empty-classes"),
         [](const QString& root) {
             QDir().mkpath(QDir(root).filePath(QStringLiteral("a")));
             QDir().mkpath(QDir(root).filePath(QStringLiteral("b")));
         },
         QStringLiteral("holds no images")},
        {QStringLiteral("loose-images"),
         [](const QString& root) {
             QDir().mkpath(root);
             QVERIFY(kanalab::test::colourShape(0, 0).save(QDir(root).filePath(QStringLiteral("one.png"))));
         },
         QStringLiteral("no class folders")},
    };
    for (const Case& c : cases) {
        const QString root = QDir(m_images.path()).filePath(c.name);
        c.make(root);
        ImportDialog dialog(dataRoot());
        dialog.setPath(root);
        QVERIFY(waitForPreview(dialog));
        QVERIFY2(!dialog.hasPreview(), qPrintable(c.name));
        QVERIFY(dialog.messageIsError());
        QVERIFY2(dialog.message().contains(c.says), qPrintable(dialog.message()));
        QVERIFY2(dialog.message().contains(root), qPrintable(dialog.message()));
        QVERIFY2(!dialog.message().contains(QLatin1Char('\n')), qPrintable(dialog.message()));
        QVERIFY(!dialog.importButton()->isEnabled());
        dialog.importButton()->click();
        QVERIFY(!dialog.isImporting());
        if (c.name == QStringLiteral("only-text"))
            QCOMPARE(dialog.skippedList()->count(), 2);  // "listed below"
    }
}

void TestImportDialog::colourFolderEndToEnd() {
    // Ten classes of 32x32 coloured shapes, previewed in colour.
    const QString root = QDir(m_images.path()).filePath(QStringLiteral("colour-shapes"));
    QVERIFY(kanalab::test::writeColourShapes(root, 12));
    TrainingSetup setup;
    setup.update([](TrainConfig& c) { c.dataset = "kmnist"; });
    DataView view(&setup);
    view.importButton()->click();
    ImportDialog* dialog = view.importDialog();
    QVERIFY(dialog);
    dialog->setPath(root);
    QVERIFY(waitForPreview(*dialog));
    QVERIFY2(dialog->layoutLabel()->text().contains(QStringLiteral("32 × 32 colour")),
             qPrintable(dialog->layoutLabel()->text()));
    QCOMPARE(dialog->classTable()->rowCount(), 10);
    QCOMPARE(dialog->kindBox()->currentData().toString(), QString());  // auto: photo for colour
    QVERIFY(kanalab::test::hasColour(thumbnail(dialog->previewGrid(), 0)));
    dialog->resize(1000, 580);
    saveDialogScreenshot(*dialog, QStringLiteral("import_colour"));
    QVERIFY(importAndWait(*dialog));
    QVERIFY(QTest::qWaitFor([&] { return view.importDialog() == nullptr; }, 5000));
    QCOMPARE(setup.config().dataset, std::string("colour-shapes"));
    const DatasetInfo& info = findDataset("colour-shapes", dataRoots(""));
    QCOMPARE(info.channels, 3);
    QVERIFY(!info.handwriting());

    // The Data view: colour samples, and a colour augmentation preview of the selected one.
    QVERIFY(QTest::qWaitFor([&] { return !view.isLoading(); }, 20000));
    QVERIFY2(view.dataError().isEmpty(), qPrintable(view.dataError()));
    QListWidget* grid = view.sampleBrowser()->grid();
    QVERIFY(grid->count() > 0);
    QVERIFY(kanalab::test::hasColour(thumbnail(grid, 0)));
    AugmentPreviewPanel* preview = view.augmentPreview();
    QVERIFY(QTest::qWaitFor(
        [&] { return !preview->isBusy() && preview->shownCopies() == AugmentPreviewPanel::kCopies; }, 20000));
    QVERIFY(kanalab::test::hasColour(preview->tileImage(0)));
    int colourCopies = 0;
    for (int i = 1; i <= AugmentPreviewPanel::kCopies; ++i)
        colourCopies += kanalab::test::hasColour(preview->tileImage(i));
    QVERIFY2(colourCopies >= AugmentPreviewPanel::kCopies - 2, qPrintable(QString::number(colourCopies)));
    // The whole import (official train / test split) for a picture of it.
    setup.update([](TrainConfig& c) { c.protocol = SplitProtocol::Official; });
    QVERIFY(QTest::qWaitFor([&] { return !view.isLoading() && view.plan() && view.plan()->testFile; }, 20000));
    view.sampleBrowser()->grid()->setCurrentRow(3);
    QVERIFY(QTest::qWaitFor([&] { return !preview->isBusy(); }, 20000));
    kanalab::test::saveScreenshot(view, QStringLiteral("data_colour"));
}

void TestImportDialog::grayScansShowAsInkOnPaper() {
    // Scans are stored inverted at import (bright ink on dark, like KMNIST and the canvas), so
    // both sets reach the cache the same way round and are turned round for showing: both show
    // dark ink on white, in the grid and the preview.
    for (const bool night : {false, true}) {
        const QString name = night ? QStringLiteral("kana-night") : QStringLiteral("kana-scans");
        const QString root = makeKanaFolder(m_images, name, 5, 28, night);
        ImportOptions options;
        options.threads = 1;
        const ImportResult imported = importDataset(root.toStdString(), dataRoot().toStdString(), options);
        QCOMPARE(imported.meta.inkInverted, !night);
        TrainingSetup setup;
        const auto view = dataViewOn(setup, name.toStdString());
        QVERIFY(QTest::qWaitFor([&] { return !view->isLoading(); }, 20000));
        QVERIFY2(view->dataError().isEmpty(), qPrintable(view->dataError()));
        QListWidget* grid = view->sampleBrowser()->grid();
        QVERIFY(grid->count() > 0);
        const QImage tile = thumbnail(grid, 0);
        QVERIFY2(cornerLightness(tile) > 200, qPrintable(name));  // white paper
        QVERIFY2(darkestLightness(tile) < 80, qPrintable(name));  // dark ink
        QVERIFY(view->sampleBrowser()->currentSample().paper);
        AugmentPreviewPanel* preview = view->augmentPreview();
        QVERIFY(!preview->tileImage(0).isNull());
        QVERIFY2(cornerLightness(preview->tileImage(0)) > 200, qPrintable(name));
    }
}

int main(int argc, char** argv) {
    // Before QApplication: settings, runs and data (imports included) go to this test's folder.
    QTemporaryDir home;
    kanalab::test::isolateUserFolders(home);
    qputenv("KANALAB_DATA_DIR", QDir(home.path()).filePath("datasets").toLocal8Bit());
    QApplication app(argc, argv);
    setUpApplication(app);
    TestImportDialog test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_import_dialog.moc"
