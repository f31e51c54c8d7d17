// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The Data tab's "Import folder or list…": the user's own images (a folder of class folders,
// train/val/test folders, or list files) become a dataset like the built-in ones. Choosing a
// path shows what an import would make before anything is written: the layout found, each
// class with its images per split, what is skipped, and the first images as they will be
// stored (size, channels, fit). Import then decodes everything into the cache on a thread of
// its own (data/import.h), with progress and Cancel.
//
// Scanning and decoding the preview runs on the thread pool: a folder of a million files never
// freezes the dialog, and a newer path (or setting) cancels the older preview and drops its result.

#include "data/folder_scan.h"
#include "data/import.h"

#include <QDialog>
#include <QImage>
#include <QString>
#include <QStringList>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QThread;
class QTimer;

namespace kanalab::ui {

// What a background preview of one path produces (or why there is none).
struct ImportPreview {
    int generation = 0;  // which request it answers: older ones are dropped
    QString path;        // what was scanned, and in which format (a rescan is skipped when
    QString format;      // only the size, channels or fit change)
    QString error;       // one sentence; empty when the path could be scanned
    ImportLayout layout = ImportLayout::ClassFolders;
    ImportListing listing;
    int rows = 0;  // the size images will have (0: none could be decoded)
    int cols = 0;
    bool colour = false;         // any previewed image has colour
    std::vector<QImage> images;  // the first images, fitted as the import would store them
    QStringList captions;        // their class names
    QStringList files;           // and paths
    int unreadable = 0;          // previewed files that would not decode
};

class ImportDialog : public QDialog {
    Q_OBJECT
public:
    // dataRoot: the data folder the cache goes to (<dataRoot>/imported/<name>/).
    explicit ImportDialog(QString dataRoot, QWidget* parent = nullptr);
    // Cancels a running import and waits for it: the worker never outlives the dialog.
    ~ImportDialog() override;

    static constexpr int kPreviewImages = 16;

    // Chooses the path (as the file dialogs do) and starts its preview at once.
    void setPath(const QString& path);
    QString path() const;
    // The options the form says now (name, format, size, channels, fit, kind, test fraction).
    ImportOptions options() const;
    void startImport();
    void cancelImport();

    bool isPreviewing() const { return m_previewRunning; }
    bool isImporting() const { return m_thread != nullptr; }
    bool hasPreview() const { return m_preview != nullptr && m_preview->error.isEmpty(); }
    // The dataset made by the last successful import (nullptr before).
    const DatasetInfo* importedDataset() const { return m_result.dataset; }
    const ImportResult& importResult() const { return m_result; }
    // One sentence: the error of the preview or the import, or the import's result.
    QString message() const { return m_messageText; }
    bool messageIsError() const { return m_messageError; }

    // For tests.
    QLineEdit* pathEdit() const { return m_path; }
    QLineEdit* nameEdit() const { return m_name; }
    QComboBox* formatBox() const { return m_format; }
    QComboBox* sizeBox() const { return m_sizeMode; }
    QSpinBox* rowsBox() const { return m_rows; }
    QSpinBox* colsBox() const { return m_cols; }
    QComboBox* channelsBox() const { return m_channels; }
    QComboBox* fitBox() const { return m_fit; }
    QComboBox* kindBox() const { return m_kind; }
    QDoubleSpinBox* testFractionBox() const { return m_testFraction; }
    QLabel* layoutLabel() const { return m_layoutLabel; }
    QTableWidget* classTable() const { return m_classes; }
    QListWidget* previewGrid() const { return m_images; }
    // "file: reason" for each file the import leaves out (hidden when none); after an import,
    // the files that would not decode too.
    QListWidget* skippedList() const { return m_skipped; }
    QLabel* messageLabel() const { return m_message; }
    QPushButton* importButton() const { return m_import; }
    QPushButton* cancelButton() const { return m_cancel; }
    QProgressBar* progressBar() const { return m_progress; }

public slots:
    // Esc, the window's close button and Cancel: cancel a running import first, close otherwise.
    void reject() override;

signals:
    void previewReady();
    // ok: registered; cancelled: the user asked; message() says what happened.
    void importFinished(bool ok, bool cancelled);

private:
    void buildLayout();
    void chooseFolder();
    void chooseListFile();
    void schedulePreview();
    void startPreview();
    void showPreview(const std::shared_ptr<const ImportPreview>& preview);
    void clearPreview(const QString& placeholder);
    void showSkipped(const QStringList& lines);
    void updateControls();
    void setMessage(const QString& text, bool error);
    QString nameProblem() const;
    void onProgress(const ImportProgress& progress);
    void onImportDone(bool ok, bool cancelled, const QString& message, const ImportResult& result);

    QString m_dataRoot;
    bool m_nameEdited = false;  // typed by the user: a new path no longer renames it

    int m_generation = 0;
    std::shared_ptr<std::atomic<bool>> m_previewCancel;  // of the preview running now
    bool m_previewRunning = false;
    std::shared_ptr<const ImportPreview> m_preview;
    QTimer* m_previewTimer;

    std::atomic<bool> m_cancelImport{false};
    QThread* m_thread = nullptr;
    ImportResult m_result;
    QString m_messageText;
    bool m_messageError = false;

    QLineEdit* m_path;
    QPushButton* m_chooseFolder;
    QPushButton* m_chooseList;
    QLineEdit* m_name;
    QComboBox* m_format;
    QComboBox* m_sizeMode;
    QSpinBox* m_rows;
    QLabel* m_times;
    QSpinBox* m_cols;
    QComboBox* m_channels;
    QComboBox* m_fit;
    QComboBox* m_kind;
    QDoubleSpinBox* m_testFraction;
    QLabel* m_layoutLabel;
    QTableWidget* m_classes;
    QListWidget* m_images;
    QListWidget* m_skipped;
    QLabel* m_message;
    QProgressBar* m_progress;
    QLabel* m_progressText;
    QPushButton* m_import;
    QPushButton* m_cancel;
};

}  // namespace kanalab::ui
