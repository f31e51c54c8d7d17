// SPDX-License-Identifier: GPL-3.0-or-later
// The Data tab's import dialog and Remove, driven through their real widgets offscreen: a
// generated folder of PNG class folders previewed (layout, class table, decoded images) and
// imported into a temporary data folder, a corrupt file counted as skipped, a missing path
// shown as an error, and an imported dataset removed from the Data view. XDG folders and
// KANALAB_DATA_DIR point into a temporary directory, so the user's own data is never touched.

#include "app_setup.h"
#include "common/class_labels.h"
#include "common/training_setup.h"
#include "data/catalogue.h"
#include "data/data_dirs.h"
#include "data/dataset_source.h"
#include "data/imported_source.h"
#include "data_view/data_view.h"
#include "data_view/import_dialog.h"
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

using namespace kanalab;
using namespace kanalab::ui;

namespace {

// お, か, き as Kuzushiji-Kanji names its folders: the scan turns the names into glyphs.
const char* const kClassFolders[] = {"U+304A", "U+304B", "U+304D"};
const QString kGlyphs[] = {QStringLiteral("お"), QStringLiteral("か"), QStringLiteral("き")};

// Writes count PNGs of the class's glyph (dark ink on white, shifted a little per image).
void writeClass(const QString& folder, int cls, int count, int side = 24) {
    QDir().mkpath(folder);
    for (int i = 0; i < count; ++i) {
        QImage image(side, side, QImage::Format_Grayscale8);
        image.fill(Qt::white);
        QPainter painter(&image);
        painter.setFont(kanaFont(side * 0.5));
        painter.setPen(Qt::black);
        painter.drawText(QRect(i % 3 - 1, i % 2, side, side), Qt::AlignCenter, kGlyphs[cls]);
        painter.end();
        QVERIFY(image.save(QDir(folder).filePath(QStringLiteral("%1.png").arg(i, 3, 10, QLatin1Char('0'))), "PNG"));
    }
}

QString makeKanaFolder(const QTemporaryDir& dir, const QString& name, int perClass, int side = 24) {
    const QString root = QDir(dir.path()).filePath(name);
    for (int c = 0; c < 3; ++c)
        writeClass(QDir(root).filePath(kClassFolders[c]), c, perClass, side);
    return root;
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
