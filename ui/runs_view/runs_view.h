// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "train/train_config.h"

#include <QString>
#include <QWidget>

namespace kanalab::ui {

// Every run directory under the runs folder as a row (date, dataset, model, key
// hyperparameters, best validation accuracy, test accuracy, time, status). Selecting several
// overlays their curves (validation accuracy and training loss per epoch). Open, rename, delete,
// resume, train again with the same settings, export metrics to CSV.
class RunsView : public QWidget {
    Q_OBJECT
public:
    explicit RunsView(QWidget* parent = nullptr);
    ~RunsView() override;

    // The folder whose sub-folders are runs (defaults to the user's runs folder).
    void setRunsFolder(const QString& folder);
    QString runsFolder() const;
    void refresh();

signals:
    void openRequested(const QString& runDir);
    void resumeRequested(const QString& runDir);
    void trainAgainRequested(const kanalab::TrainConfig& config);
    void statusMessage(const QString& text);

private:
    struct Private;
    Private* d;
};

}  // namespace kanalab::ui
