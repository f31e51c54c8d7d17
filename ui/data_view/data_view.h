// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/dataset_store.h"
#include "data/splits.h"
#include "train/train_config.h"

#include <QFutureWatcher>
#include <QPointer>
#include <QWidget>

#include <memory>
#include <vector>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace kanalab {
struct DownloadProgress;
}

namespace kanalab::ui {

class AugmentEditor;
class AugmentPreviewPanel;
class ClassBalancePlot;
class DownloadJob;
class ImportDialog;
class SampleBrowser;
class TrainingSetup;

// What a background load of the current split produces: the plan, or why there is none.
struct PlanTask {
    QString key;  // the settings it was made for (stale results are dropped)
    std::shared_ptr<const DataPlan> plan;
    QString error;
};

// Choosing and looking at data: the dataset list (present / partial / missing, with Download),
// a paged sample grid with labels (hiragana and romaji for KMNIST), the class balance of the
// train / validation / test sets under the chosen split, the split settings, and a preview of
// the augmentation (one sample, many augmented copies). Edits the shared TrainingSetup's
// dataset, protocol, validation fraction, seed and augmentation.
//
// Nothing slow runs on the UI thread: loading and splitting the files (about half a second for
// 10,000 images) runs on the thread pool, downloads on a thread of their own.
class DataView : public QWidget {
    Q_OBJECT
public:
    explicit DataView(TrainingSetup* setup, QWidget* parent = nullptr);
    ~DataView() override;

    // Re-scans the data folders (after a download, or when the user asks) and reloads the split.
    void refresh();
    // Fetches the selected dataset's missing splits on a worker thread.
    void startDownload();
    void cancelDownload();
    // "Import folder or list…": opens the import dialog (window-modal, not blocking); when it
    // accepts, the table is scanned again and the new dataset selected.
    void openImportDialog();
    // Removes the selected imported dataset: forgets it and deletes its cache folder. askFirst
    // shows a confirmation; false (and *error) when nothing was removed.
    bool removeSelectedDataset(bool askFirst = true, QString* error = nullptr);

    // What the view shows, for tests and the main window.
    const std::vector<DatasetStatus>& statuses() const { return m_statuses; }
    bool isLoading() const { return m_loading; }
    bool isDownloading() const;
    std::shared_ptr<const DataPlan> plan() const { return m_plan; }
    // The error shown in place of the chart and samples (empty when the data loaded).
    QString dataError() const { return m_dataError; }
    QString downloadMessage() const;

    QTableWidget* datasetTable() const { return m_table; }
    ClassBalancePlot* balancePlot() const { return m_balance; }
    SampleBrowser* sampleBrowser() const { return m_samples; }
    AugmentEditor* augmentEditor() const { return m_augment; }
    AugmentPreviewPanel* augmentPreview() const { return m_preview; }
    QComboBox* protocolBox() const { return m_protocol; }
    QDoubleSpinBox* validationBox() const { return m_validation; }
    QSpinBox* seedBox() const { return m_seed; }
    QLineEdit* mirrorEdit() const { return m_mirror; }
    QPushButton* downloadButton() const { return m_download; }
    QPushButton* cancelButton() const { return m_cancel; }
    QProgressBar* downloadProgress() const { return m_downloadBar; }
    QPushButton* importButton() const { return m_importButton; }
    QPushButton* removeButton() const { return m_remove; }
    // The open import dialog (nullptr when none).
    ImportDialog* importDialog() const;

signals:
    // A status line for the main window ("Downloading kmnist: 3.1 MB of 18.2 MB").
    void statusMessage(const QString& text);
    // The split of the current settings is loaded (or failed: dataError() says why).
    void dataLoaded();
    void downloadFinished(bool ok);

private:
    void buildLayout();
    void fillTable();
    void syncFromSetup();
    void onRowSelected();
    void ensureUsableProtocol();
    void updateProtocolChoices();
    void updateDownloadButton();
    const DatasetStatus* currentStatus() const;
    QString planKey() const;
    void requestPlan();
    void onPlanReady();
    void showSample();
    void onDownloadProgress(const DownloadProgress& progress);
    void onDownloadFinished(bool ok, bool cancelled, const QString& message);
    void setDownloadMessage(const QString& text, bool error);
    void updateRemoveButton();

    TrainingSetup* m_setup;
    std::vector<DatasetStatus> m_statuses;
    std::string m_scannedDataDir;
    int m_scan = 0;  // bumps on every refresh, so a re-scan reloads even with equal settings

    std::shared_ptr<const DataPlan> m_plan;
    QFutureWatcher<PlanTask> m_planWatcher;
    bool m_planPending = false;
    // Until the result is shown: the watcher stops "running" before its finished() arrives.
    bool m_loading = false;
    QString m_loadedKey;
    QString m_dataError;

    DownloadJob* m_job = nullptr;
    AugmentConfig m_previewConfig;
    bool m_previewConfigSet = false;

    QTableWidget* m_table;
    QLabel* m_dataFolders;
    QPushButton* m_rescan;
    QLineEdit* m_mirror;
    QPushButton* m_download;
    QPushButton* m_cancel;
    QProgressBar* m_downloadBar;
    QLabel* m_downloadText;
    QLabel* m_downloadStatus;
    QPushButton* m_importButton;
    QPushButton* m_remove;
    QPointer<ImportDialog> m_importDialog;

    QComboBox* m_protocol;
    QDoubleSpinBox* m_validation;
    QSpinBox* m_seed;
    QLabel* m_protocolNote;
    QLabel* m_sizes;

    QLabel* m_errorLabel;
    ClassBalancePlot* m_balance;
    SampleBrowser* m_samples;
    AugmentEditor* m_augment;
    AugmentPreviewPanel* m_preview;
};

}  // namespace kanalab::ui
