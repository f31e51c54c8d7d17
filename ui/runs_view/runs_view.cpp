// SPDX-License-Identifier: GPL-3.0-or-later
#include "runs_view/runs_view.h"

#include "common/class_labels.h"
#include "common/core_types.h"
#include "common/format.h"
#include "common/plot_hover.h"
#include "common/plot_style.h"
#include "data/data_dirs.h"

#include <qcustomplot.h>

#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTableView>
#include <QTextStream>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace kanalab::ui {
namespace {

enum Column {
    kCreated,
    kName,
    kDataset,
    kModel,
    kRecipe,
    kEpochs,
    kBatch,
    kOptimizer,
    kBestValidation,
    kTest,
    kTestBalanced,
    kTime,
    kEpochTime,
    kStatus,
    kColumnCount
};

constexpr int kPathRole = Qt::UserRole + 1;
constexpr int kSortRole = Qt::UserRole + 2;

const QColor kGood(46, 139, 87);
const QColor kBad(208, 69, 58);
const QColor kWarn(176, 112, 0);
const QColor kBusy(60, 120, 200);

QString percentText(double fraction) {
    return std::isfinite(fraction) ? QString::number(100 * fraction, 'f', 2) + QStringLiteral(" %")
                                   : QStringLiteral("–");
}

// Text shown, value sorted by: numbers sort as numbers ("9 %" before "10 %"), missing ones last.
QStandardItem* cell(const QString& text, const QVariant& sortValue, bool number = false) {
    auto* item = new QStandardItem(text);
    item->setData(sortValue, kSortRole);
    item->setEditable(false);
    if (number)
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QString csvField(const QString& text) {
    if (!text.contains(QLatin1Char(',')) && !text.contains(QLatin1Char('"')) && !text.contains(QLatin1Char('\n')))
        return text;
    QString quoted = text;
    quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

bool isFinished(const RunSummary& run) {
    return run.status == "completed" || run.status == "early-stopped";
}

double metricValue(const EpochResult& r, RunsView::Metric metric) {
    switch (metric) {
        case RunsView::ValidationAccuracy:
            return 100 * r.validationAccuracy;
        case RunsView::TrainingLoss:
            return r.trainLoss;
        case RunsView::ValidationLoss:
            return r.validationLoss;
        case RunsView::TrainingAccuracy:
            return 100 * r.trainAccuracy;
        case RunsView::ValidationBalancedAccuracy:
            return 100 * r.validationBalancedAccuracy;
    }
    return kNoValue;
}

bool isAccuracy(RunsView::Metric metric) {
    return metric == RunsView::ValidationAccuracy || metric == RunsView::TrainingAccuracy ||
           metric == RunsView::ValidationBalancedAccuracy;
}

}  // namespace

RunsView::RunsView(QWidget* parent) : QWidget(parent), m_folder(QString::fromStdString(defaultRunsFolder())) {
    m_model = new QStandardItemModel(0, kColumnCount, this);
    m_model->setHorizontalHeaderLabels({tr("Created"), tr("Name"), tr("Dataset"), tr("Model"), tr("Recipe"),
                                        tr("Epochs"), tr("Batch"), tr("Optimizer"), tr("Best val."), tr("Test"),
                                        tr("Balanced"), tr("Time"), tr("Per epoch"), tr("Status")});
    m_model->horizontalHeaderItem(kTestBalanced)
        ->setToolTip(tr("Balanced test accuracy: the mean recall over the classes, which a model that neglects "
                        "the rare classes cannot keep high"));
    m_model->horizontalHeaderItem(kEpochTime)->setToolTip(tr("Mean wall time of one epoch, validation included"));
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setSortRole(kSortRole);
    m_table = new QTableView;
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(kCreated, Qt::DescendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->verticalHeader()->hide();
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setFont(kanaFont());
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(kName, QHeaderView::Stretch);
    m_table->setToolTip(tr("Select several runs (Ctrl or Shift) to compare their curves; double-click to evaluate"));

    m_folderLabel = new QLabel;
    m_folderLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message = new QLabel;
    m_message->setWordWrap(true);
    m_message->setTextFormat(Qt::RichText);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();  // until there is something to say

    m_open = new QPushButton(tr("Open"));
    m_open->setToolTip(tr("Evaluate the run in the Evaluate tab (confusion matrix, mistakes)"));
    m_rename = new QPushButton(tr("Rename…"));
    m_rename->setToolTip(tr("Rename the run's folder"));
    m_delete = new QPushButton(tr("Delete…"));
    m_delete->setToolTip(tr("Delete the selected runs' folders with their checkpoints"));
    m_resume = new QPushButton(tr("Resume"));
    m_resume->setToolTip(tr("Continue an unfinished run from its last checkpoint"));
    m_trainAgain = new QPushButton(tr("Train again"));
    m_trainAgain->setToolTip(tr("Load this run's settings into the Train tab, to repeat or vary them"));
    m_export = new QPushButton(tr("Export…"));
    m_refresh = new QPushButton(tr("Refresh"));
    m_refresh->setShortcut(QKeySequence::Refresh);
    auto* exportMenu = new QMenu(this);
    exportMenu->addAction(tr("Metrics of the selected runs as CSV…"), this, &RunsView::exportCsvSelected);
    exportMenu->addAction(tr("Plot as PNG or PDF…"), this,
                          [this] { exportPlot(m_plot, this, QStringLiteral("runs.png")); });
    m_export->setMenu(exportMenu);

    connect(m_open, &QPushButton::clicked, this, &RunsView::openSelected);
    connect(m_rename, &QPushButton::clicked, this, &RunsView::renameSelected);
    connect(m_delete, &QPushButton::clicked, this, &RunsView::deleteSelected);
    connect(m_resume, &QPushButton::clicked, this, &RunsView::resumeSelected);
    connect(m_trainAgain, &QPushButton::clicked, this, &RunsView::trainAgainSelected);
    connect(m_refresh, &QPushButton::clicked, this, &RunsView::refresh);

    m_contextMenu = new QMenu(this);
    m_openAction = m_contextMenu->addAction(tr("Open"), this, &RunsView::openSelected);
    m_renameAction = m_contextMenu->addAction(tr("Rename…"), this, &RunsView::renameSelected);
    m_contextMenu->addAction(tr("Delete…"), this, &RunsView::deleteSelected);
    m_contextMenu->addSeparator();
    m_resumeAction = m_contextMenu->addAction(tr("Resume"), this, &RunsView::resumeSelected);
    m_trainAgainAction = m_contextMenu->addAction(tr("Train again"), this, &RunsView::trainAgainSelected);
    m_contextMenu->addSeparator();
    m_contextMenu->addAction(tr("Export metrics as CSV…"), this, &RunsView::exportCsvSelected);
    m_contextMenu->addAction(tr("Show folder path"), this, [this] {
        const QStringList runs = selectedRuns();
        if (!runs.isEmpty())
            showMessage(runs.join(QStringLiteral("<br>")), false);
    });
    connect(m_table, &QTableView::customContextMenuRequested, this, [this](const QPoint& pos) {
        if (m_table->indexAt(pos).isValid())
            m_contextMenu->popup(m_table->viewport()->mapToGlobal(pos));
    });
    connect(m_table, &QTableView::doubleClicked, this, &RunsView::openSelected);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updatePlot();
        updateActions();
    });

    m_metric = new QComboBox;
    m_metric->addItem(tr("validation accuracy"), ValidationAccuracy);
    m_metric->addItem(tr("training loss"), TrainingLoss);
    m_metric->addItem(tr("validation loss"), ValidationLoss);
    m_metric->addItem(tr("training accuracy"), TrainingAccuracy);
    m_metric->addItem(tr("validation balanced accuracy"), ValidationBalancedAccuracy);
    m_metric->setToolTip(tr("Which per-epoch curve to compare"));
    connect(m_metric, &QComboBox::currentIndexChanged, this, &RunsView::updatePlot);

    m_plot = new QCustomPlot;
    m_plot->setMinimumHeight(220);
    stylePlot(m_plot);
    m_plot->xAxis->setLabel(tr("epoch"));
    QSharedPointer<QCPAxisTickerFixed> integerTicks(new QCPAxisTickerFixed);
    integerTicks->setTickStep(1);
    integerTicks->setScaleStrategy(QCPAxisTickerFixed::ssMultiples);
    m_plot->xAxis->setTicker(integerTicks);
    m_plot->legend->setVisible(true);
    m_plot->legend->setFont(kanaFont(8));
    m_plot->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
    new PlotHover(m_plot, [this](const QString& graph, double x, double y) {
        const auto metric = static_cast<Metric>(m_metric->currentData().toInt());
        return QStringLiteral("%1\nepoch %2: %3")
            .arg(graph)
            .arg(static_cast<int>(x))
            .arg(isAccuracy(metric) ? QString::number(y, 'f', 2) + QStringLiteral(" %") : QString::number(y, 'f', 4));
    });
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, [this] {
        m_plot->rescaleAxes();
        m_plot->replot();
    });

    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {m_open, m_rename, m_delete, m_resume, m_trainAgain, m_export})
        buttons->addWidget(b);
    buttons->addStretch(1);
    buttons->addWidget(m_refresh);
    auto* top = new QWidget;
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_folderLabel);
    topLayout->addLayout(buttons);
    topLayout->addWidget(m_message);
    topLayout->addWidget(m_table, 1);
    auto* plotHeader = new QHBoxLayout;
    plotHeader->addWidget(new QLabel(tr("Compare per epoch:")));
    plotHeader->addWidget(m_metric);
    plotHeader->addStretch(1);
    auto* bottom = new QWidget;
    auto* bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 0, 0, 0);
    bottomLayout->addLayout(plotHeader);
    bottomLayout->addWidget(m_plot, 1);
    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(top);
    splitter->addWidget(bottom);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setChildrenCollapsible(false);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter);

    m_watcher = new QFileSystemWatcher(this);
    m_refreshSoon = new QTimer(this);
    m_refreshSoon->setSingleShot(true);
    m_refreshSoon->setInterval(400);
    connect(m_refreshSoon, &QTimer::timeout, this, &RunsView::refresh);
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, m_refreshSoon, qOverload<>(&QTimer::start));
    m_liveRefresh = new QTimer(this);
    m_liveRefresh->setInterval(5000);
    connect(m_liveRefresh, &QTimer::timeout, this, &RunsView::refresh);

    refresh();
}

RunsView::~RunsView() = default;

void RunsView::setRunsFolder(const QString& folder) {
    m_folder = folder;
    m_selectedOnce = false;
    refresh();
}

QString RunsView::runsFolder() const {
    return m_folder;
}

void RunsView::setTrainingRun(const QString& runDir) {
    m_trainingRun = runDir;
    if (!m_trainingRun.isEmpty() && isVisible())
        m_liveRefresh->start();
    else
        m_liveRefresh->stop();
    refresh();
}

void RunsView::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    // Runs made by the CLI or another window appear when the tab is looked at.
    refresh();
    if (!m_trainingRun.isEmpty())
        m_liveRefresh->start();
}

void RunsView::hideEvent(QHideEvent* event) {
    m_liveRefresh->stop();
    QWidget::hideEvent(event);
}

void RunsView::watchFolder() {
    if (!m_watcher->directories().isEmpty())
        m_watcher->removePaths(m_watcher->directories());
    if (QFileInfo(m_folder).isDir())
        m_watcher->addPath(m_folder);
}

void RunsView::refresh() {
    const QStringList selected = selectedRuns();
    m_runs = listRuns(m_folder.toStdString());
    watchFolder();
    fillModel();
    if (!selected.isEmpty()) {
        selectRuns(selected);
    } else if (!m_selectedOnce && !m_runs.empty()) {
        // The newest run, so the plot is not empty the first time the tab shows.
        m_table->selectRow(0);
    }
    m_selectedOnce = m_selectedOnce || !m_runs.empty();
    m_folderLabel->setText(tr("%n run(s) in %1", nullptr, static_cast<int>(m_runs.size())).arg(m_folder));
    updatePlot();
    updateActions();
}

void RunsView::fillModel() {
    const QSignalBlocker blocker(m_table->selectionModel());
    m_model->removeRows(0, m_model->rowCount());
    for (const RunSummary& run : m_runs) {
        const TrainConfig& c = run.config;
        const QString path = QString::fromStdString(run.path);
        const bool training = !m_trainingRun.isEmpty() && QDir(path) == QDir(m_trainingRun);
        QList<QStandardItem*> row;
        row << cell(QString::fromStdString(run.createdAt), QString::fromStdString(run.createdAt));
        row << cell(QString::fromStdString(run.name), QString::fromStdString(run.name).toLower());
        row << cell(QString::fromStdString(c.dataset), QString::fromStdString(c.dataset));
        row << cell(QString::fromStdString(c.model), QString::fromStdString(c.model));
        row << cell(QString::fromStdString(c.recipe.empty() ? std::string("–") : c.recipe),
                    QString::fromStdString(c.recipe));
        row << cell(QStringLiteral("%1 / %2").arg(run.epochsDone).arg(c.epochs), run.epochsDone, true);
        row << cell(QString::number(c.batchSize), c.batchSize, true);
        row << cell(QStringLiteral("%1 %2")
                        .arg(QString::fromStdString(c.optimizer.name))
                        .arg(c.optimizer.learningRate, 0, 'g', 3),
                    QStringLiteral("%1 %2")
                        .arg(QString::fromStdString(c.optimizer.name))
                        .arg(c.optimizer.learningRate, 12, 'e', 4));
        row << cell(percentText(run.bestValidationAccuracy),
                    std::isfinite(run.bestValidationAccuracy) ? run.bestValidationAccuracy : -1.0, true);
        row << cell(percentText(run.testAccuracy), std::isfinite(run.testAccuracy) ? run.testAccuracy : -1.0, true);
        row << cell(percentText(run.testBalancedAccuracy),
                    std::isfinite(run.testBalancedAccuracy) ? run.testBalancedAccuracy : -1.0, true);
        row << cell(QString::fromStdString(formatDuration(run.trainSeconds)), run.trainSeconds, true);
        const double perEpoch = run.secondsPerEpoch();
        row << cell(std::isfinite(perEpoch) ? QString::fromStdString(formatDuration(perEpoch)) : QStringLiteral("–"),
                    std::isfinite(perEpoch) ? perEpoch : -1.0, true);
        const QString status = training ? tr("training") : QString::fromStdString(run.status);
        QStandardItem* statusItem = cell(status, status);
        statusItem->setForeground(training ? kBusy : isFinished(run) ? kGood : run.status == "failed" ? kBad : kWarn);
        QString tip = QString::fromStdString(run.message);
        if (!isFinished(run) && !training && run.hasLastCheckpoint)
            tip += (tip.isEmpty() ? QString() : QStringLiteral("\n")) + tr("Can be resumed from its last checkpoint");
        statusItem->setToolTip(tip);
        row << statusItem;
        row.first()->setData(path, kPathRole);
        for (QStandardItem* item : row)
            item->setToolTip(item->toolTip().isEmpty() ? path : item->toolTip());
        m_model->appendRow(row);
    }
}

QStringList RunsView::selectedRuns() const {
    QStringList runs;
    if (!m_table->selectionModel())
        return runs;
    QModelIndexList rows = m_table->selectionModel()->selectedRows(kCreated);
    std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    for (const QModelIndex& index : rows)
        runs << index.data(kPathRole).toString();
    return runs;
}

void RunsView::selectRuns(const QStringList& runDirs) {
    QItemSelection selection;
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex index = m_proxy->index(row, kCreated);
        if (runDirs.contains(index.data(kPathRole).toString()))
            selection.select(index, m_proxy->index(row, kColumnCount - 1));
    }
    m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

const RunSummary* RunsView::findRun(const QString& runDir) const {
    for (const auto& run : m_runs)
        if (QString::fromStdString(run.path) == runDir)
            return &run;
    return nullptr;
}

void RunsView::setMetric(Metric metric) {
    m_metric->setCurrentIndex(m_metric->findData(metric));
}

RunsView::Metric RunsView::metric() const { return static_cast<Metric>(m_metric->currentData().toInt()); }

int RunsView::curveCount() const {
    int count = 0;
    for (int g = 0; g < m_plot->graphCount(); ++g)
        count += m_plot->graph(g)->dataCount() > 0 ? 1 : 0;
    return count;
}

void RunsView::updatePlot() {
    const auto metric = static_cast<Metric>(m_metric->currentData().toInt());
    m_plot->clearGraphs();
    m_plot->yAxis->setLabel(isAccuracy(metric) ? tr("%1 (%)").arg(m_metric->currentText()) : m_metric->currentText());
    const QStringList runs = selectedRuns();
    double maxEpoch = 1, low = INFINITY, high = -INFINITY;
    for (int i = 0; i < runs.size(); ++i) {
        const RunSummary* run = findRun(runs[i]);
        if (!run)
            continue;
        std::vector<EpochResult> metrics;
        try {
            metrics = readMetrics(run->path);
        } catch (const std::exception& e) {
            showMessage(QString::fromStdString(e.what()), true);
        }
        QCPGraph* graph = m_plot->addGraph();
        graph->setName(QString::fromStdString(run->name));
        graph->setPen(QPen(seriesColor(i), 2));
        graph->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 5));
        for (const auto& r : metrics) {
            const double v = metricValue(r, metric);
            if (!std::isfinite(v))
                continue;
            graph->addData(r.epoch, v);
            maxEpoch = std::max<double>(maxEpoch, r.epoch);
            low = std::min(low, v);
            high = std::max(high, v);
        }
        if (graph->dataCount() == 0)
            graph->setName(tr("%1 (no %2)").arg(graph->name(), m_metric->currentText()));
    }
    // Runs trained without a validation split (final models) have no validation curves: show
    // the training counterpart instead of an empty plot.
    if (!std::isfinite(low) && m_plot->graphCount() > 0 && (metric == ValidationAccuracy || metric == ValidationLoss)) {
        setMetric(metric == ValidationAccuracy ? TrainingAccuracy : TrainingLoss);  // replots
        return;
    }
    m_plot->legend->setVisible(m_plot->graphCount() > 0);
    m_plot->xAxis->setRange(0.5, maxEpoch + 0.5);
    if (!std::isfinite(low)) {
        m_plot->yAxis->setRange(0, isAccuracy(metric) ? 100 : 1);
    } else if (isAccuracy(metric)) {
        m_plot->yAxis->setRange(std::max(0.0, std::floor(low / 5) * 5 - 5), std::min(100.0, std::ceil(high) + 1));
    } else {
        m_plot->yAxis->setRange(0, high * 1.1);
    }
    m_plot->replot();
}

void RunsView::updateActions() {
    const QStringList runs = selectedRuns();
    const RunSummary* one = runs.size() == 1 ? findRun(runs.first()) : nullptr;
    const bool training = one && !m_trainingRun.isEmpty() && QDir(runs.first()) == QDir(m_trainingRun);
    m_open->setEnabled(one != nullptr);
    m_rename->setEnabled(one != nullptr && !training);
    m_delete->setEnabled(!runs.isEmpty());
    const bool resumable = one && one->hasLastCheckpoint && !isFinished(*one) && !training && m_trainingRun.isEmpty();
    m_resume->setEnabled(resumable);
    if (one && !resumable)
        m_resume->setToolTip(training                   ? tr("This run is training now")
                             : !m_trainingRun.isEmpty() ? tr("Another run is training; stop it first")
                             : isFinished(*one)         ? tr("This run completed: use Train again to repeat it")
                                                        : tr("This run has no checkpoints/last.pt to resume from"));
    else
        m_resume->setToolTip(tr("Continue an unfinished run from its last checkpoint"));
    m_trainAgain->setEnabled(one != nullptr);
    m_export->setEnabled(true);
    m_openAction->setEnabled(m_open->isEnabled());
    m_renameAction->setEnabled(m_rename->isEnabled());
    m_resumeAction->setEnabled(m_resume->isEnabled());
    m_trainAgainAction->setEnabled(m_trainAgain->isEnabled());
}

void RunsView::showMessage(const QString& text, bool error) {
    m_message->show();
    m_message->setText(
        error ? QStringLiteral("<span style=\"color:%1\">%2</span>").arg(kBad.name(), text.toHtmlEscaped()) : text);
    emit statusMessage(QString(text).remove(QRegularExpression(QStringLiteral("<[^>]*>"))));
}

bool RunsView::renameRun(const QString& runDir, const QString& newName, QString* error) {
    auto fail = [&](const QString& why) {
        showMessage(why, true);
        if (error)
            *error = why;
        return false;
    };
    const QString name = newName.trimmed();
    const QFileInfo old(runDir);
    if (name.isEmpty())
        return fail(tr("A run needs a name."));
    if (name.contains(QLatin1Char('/')) || name.contains(QLatin1Char('\\')))
        return fail(tr("\"%1\" contains a slash: a run name is one folder name, without / or \\.").arg(name));
    if (name == QStringLiteral(".") || name == QStringLiteral("..") || name.startsWith(QLatin1Char('.')))
        return fail(
            tr("\"%1\" would be a hidden or special folder: choose a name that does not start with a dot.").arg(name));
    if (!m_trainingRun.isEmpty() && QDir(runDir) == QDir(m_trainingRun))
        return fail(tr("%1 is training now: rename it after it stops.").arg(old.fileName()));
    if (name == old.fileName())
        return true;
    const QString target = old.absoluteDir().filePath(name);
    if (QFileInfo::exists(target))
        return fail(
            tr("A run or file named \"%1\" already exists in %2: choose another name.").arg(name, old.absolutePath()));
    if (!old.absoluteDir().rename(old.fileName(), name))
        return fail(tr("Could not rename %1 to %2: check that the folder is writable.").arg(old.fileName(), name));
    const bool wasSelected = selectedRuns().contains(runDir);
    refresh();
    if (wasSelected)
        selectRuns({target});
    showMessage(tr("Renamed %1 to %2.").arg(old.fileName().toHtmlEscaped(), name.toHtmlEscaped()), false);
    return true;
}

bool RunsView::deleteRuns(const QStringList& runDirs, bool askFirst, QString* error) {
    auto fail = [&](const QString& why) {
        showMessage(why, true);
        if (error)
            *error = why;
        return false;
    };
    if (runDirs.isEmpty())
        return fail(tr("Select the runs to delete first."));
    QStringList names;
    for (const QString& dir : runDirs) {
        if (!m_trainingRun.isEmpty() && QDir(dir) == QDir(m_trainingRun))
            return fail(
                tr("%1 is training now: stop it in the Train tab before deleting it.").arg(QFileInfo(dir).fileName()));
        // Only folders that are runs: a stray path must never reach removeRecursively.
        if (!QFileInfo(QDir(dir).filePath(QStringLiteral("config.json"))).isFile())
            return fail(tr("%1 is not a run folder (no config.json): not deleted.").arg(dir));
        names << QFileInfo(dir).fileName();
    }
    if (askFirst) {
        const QString question =
            names.size() == 1
                ? tr("Delete the run %1 with its checkpoints and metrics? This cannot be undone.").arg(names.first())
                : tr("Delete these %1 runs with their checkpoints and metrics? This cannot be undone.\n\n%2")
                      .arg(names.size())
                      .arg(names.join(QLatin1Char('\n')));
        const auto answer = QMessageBox::question(this, tr("Delete runs"), question, QMessageBox::Yes | QMessageBox::No,
                                                  QMessageBox::No);
        if (answer != QMessageBox::Yes)
            return false;
    }
    QStringList failed;
    for (const QString& dir : runDirs)
        if (!QDir(dir).removeRecursively())
            failed << QFileInfo(dir).fileName();
    refresh();
    if (!failed.isEmpty())
        return fail(tr("Could not delete everything in %1: check the folder's permissions.")
                        .arg(failed.join(QStringLiteral(", "))));
    showMessage(tr("Deleted %1.").arg(names.join(QStringLiteral(", ")).toHtmlEscaped()), false);
    return true;
}

bool RunsView::exportMetricsCsv(const QStringList& runDirs, const QString& path, QString* error) {
    auto fail = [&](const QString& why) {
        showMessage(why, true);
        if (error)
            *error = why;
        return false;
    };
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Text))
        return fail(tr("Could not write %1: %2").arg(path, out.errorString()));
    QTextStream stream(&out);
    // Runs of different versions can have different column counts (new columns only ever go
    // at the end, see run_directory.cpp): the merged file takes the longest header and pads
    // the shorter rows with empty cells.
    QString header;
    QStringList body, bodyRuns;  // metrics rows (no quoted fields) and their run names
    for (const QString& dir : runDirs) {
        QFile in(QDir(dir).filePath(QStringLiteral("metrics.csv")));
        if (!in.open(QIODevice::ReadOnly | QIODevice::Text))
            continue;  // a run that never finished an epoch has nothing to add
        QTextStream lines(&in);
        const QString runHeader = lines.readLine();
        if (header.isEmpty() || runHeader.count(QLatin1Char(',')) > header.count(QLatin1Char(',')))
            header = runHeader;
        const QString run = csvField(QFileInfo(dir).fileName());
        while (!lines.atEnd()) {
            const QString line = lines.readLine();
            if (line.trimmed().isEmpty())
                continue;
            body << line;
            bodyRuns << run;
        }
    }
    if (header.isEmpty()) {
        out.cancelWriting();
        return fail(tr("The selected runs have no metrics yet: nothing exported."));
    }
    stream << "run," << header << "\n";
    const auto separators = header.count(QLatin1Char(','));
    for (qsizetype i = 0; i < body.size(); ++i) {
        const auto missing = separators - body[i].count(QLatin1Char(','));
        stream << bodyRuns[i] << ',' << body[i]
               << QString(static_cast<int>(std::max<qsizetype>(0, missing)), QLatin1Char(',')) << "\n";
    }
    const int rows = static_cast<int>(body.size());
    if (!out.commit())
        return fail(tr("Could not write %1: %2").arg(path, out.errorString()));
    showMessage(tr("Exported %n epoch row(s) to %1.", nullptr, rows).arg(path.toHtmlEscaped()), false);
    return true;
}

void RunsView::openSelected() {
    const QStringList runs = selectedRuns();
    if (!runs.isEmpty())
        emit openRequested(runs.first());
}

void RunsView::renameSelected() {
    const QStringList runs = selectedRuns();
    if (runs.size() != 1)
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Rename run"), tr("New name of the run's folder:"),
                                               QLineEdit::Normal, QFileInfo(runs.first()).fileName(), &ok);
    if (ok)
        renameRun(runs.first(), name);
}

void RunsView::deleteSelected() {
    deleteRuns(selectedRuns(), /*askFirst=*/true);
}

void RunsView::resumeSelected() {
    const QStringList runs = selectedRuns();
    if (runs.size() == 1 && m_resume->isEnabled())
        emit resumeRequested(runs.first());
}

void RunsView::trainAgainSelected() {
    const QStringList runs = selectedRuns();
    const RunSummary* run = runs.size() == 1 ? findRun(runs.first()) : nullptr;
    if (!run)
        return;
    TrainConfig config = run->config;
    config.runDir.clear();  // a new run, not a continuation
    emit trainAgainRequested(config);
    emit statusMessage(tr("Settings of %1 loaded: press Start to train again").arg(QString::fromStdString(run->name)));
}

void RunsView::exportCsvSelected() {
    const QStringList runs = selectedRuns();
    if (runs.isEmpty()) {
        showMessage(tr("Select the runs whose metrics to export first."), true);
        return;
    }
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export metrics"), QStringLiteral("runs_metrics.csv"), tr("CSV (*.csv)"));
    if (!path.isEmpty())
        exportMetricsCsv(runs, path);
}

}  // namespace kanalab::ui
