// SPDX-License-Identifier: GPL-3.0-or-later
#include "train_view/hyperparameter_form.h"

#include "common/augment_editor.h"
#include "common/core_types.h"
#include "common/training_setup.h"
#include "common/format.h"
#include "common/threads.h"
#include "data/catalogue.h"
#include "models/model_spec.h"
#include "train/recipes.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace kanalab::ui {
namespace {

QDoubleSpinBox* doubleSpin(double min, double max, double step, int decimals, const QString& tip) {
    auto* box = new QDoubleSpinBox;
    box->setRange(min, max);
    box->setSingleStep(step);
    box->setDecimals(decimals);
    box->setToolTip(tip);
    box->setKeyboardTracking(false);
    return box;
}

QSpinBox* intSpin(int min, int max, const QString& tip) {
    auto* box = new QSpinBox;
    box->setRange(min, max);
    box->setToolTip(tip);
    box->setKeyboardTracking(false);
    return box;
}

QComboBox* combo(const QList<QPair<QString, QString>>& items, const QString& tip) {
    auto* box = new QComboBox;
    for (const auto& [label, data] : items)
        box->addItem(label, data);
    box->setToolTip(tip);
    return box;
}

void selectData(QComboBox* box, const std::string& value) {
    const int index = box->findData(QString::fromStdString(value));
    if (index >= 0)
        box->setCurrentIndex(index);
}

std::string comboValue(const QComboBox* box) { return box->currentData().toString().toStdString(); }

QString shapeText(const std::vector<std::int64_t>& shape) {
    QStringList parts;
    for (auto v : shape)
        parts << QString::number(v);
    return parts.join(QStringLiteral(" × "));
}

}  // namespace

HyperparameterForm::HyperparameterForm(TrainingSetup* setup, QWidget* parent) : QWidget(parent), m_setup(setup) {
    auto* layout = new QVBoxLayout(this);

    m_dataSummary = new QLabel;
    m_dataSummary->setWordWrap(true);
    m_dataSummary->setTextFormat(Qt::RichText);
    connect(m_dataSummary, &QLabel::linkActivated, this, &HyperparameterForm::showDataRequested);
    layout->addWidget(m_dataSummary);

    auto* modelGroup = new QGroupBox(tr("Model"));
    auto* modelForm = new QFormLayout(modelGroup);
    buildModelSection(modelForm);
    layout->addWidget(modelGroup);

    auto* optimGroup = new QGroupBox(tr("Optimisation"));
    auto* optimForm = new QFormLayout(optimGroup);
    buildOptimizerSection(optimForm);
    layout->addWidget(optimGroup);

    auto* stopGroup = new QGroupBox(tr("Early stopping"));
    auto* stopForm = new QFormLayout(stopGroup);
    m_earlyStop = combo({{tr("Off: train every epoch"), "none"},
                         {tr("Patience: stop when it stops improving"), "patience"},
                         {tr("Stop as soon as validation accuracy falls"), "drop"}},
                        tr("When to stop before the last epoch. Both rules keep the best epoch's weights."));
    m_monitor = combo({{tr("validation accuracy"), "val-accuracy"},
                       {tr("validation balanced accuracy"), "val-balanced-accuracy"},
                       {tr("validation loss"), "val-loss"}},
                      tr("What 'improving' means for the patience rule. Balanced accuracy (the mean recall per "
                         "class) suits imbalanced datasets such as K49."));
    m_patience = intSpin(1, 1000, tr("Epochs without improvement before stopping"));
    m_minDelta = doubleSpin(0, 0.1, 0.0005, 4, tr("Smallest change that counts as an improvement"));
    m_minEpochs = intSpin(0, 10000, tr("Never stop before this many epochs"));
    m_restoreBest = new QCheckBox(tr("Keep the best epoch's weights at the end"));
    m_restoreBest->setToolTip(tr("Evaluate and keep the weights of the epoch with the best validation result, "
                                 "not the last one"));
    stopForm->addRow(tr("Rule"), m_earlyStop);
    stopForm->addRow(tr("Monitor"), m_monitor);
    stopForm->addRow(tr("Patience"), m_patience);
    stopForm->addRow(tr("Min. improvement"), m_minDelta);
    stopForm->addRow(tr("Min. epochs"), m_minEpochs);
    stopForm->addRow(m_restoreBest);
    layout->addWidget(stopGroup);

    auto* augmentGroup = new QGroupBox(tr("Augmentation"));
    auto* augmentLayout = new QVBoxLayout(augmentGroup);
    m_augment = new AugmentEditor;
    augmentLayout->addWidget(m_augment);
    auto* previewLink = new QLabel(tr("<a href=\"data\">Preview in the Data tab</a>"));
    connect(previewLink, &QLabel::linkActivated, this, &HyperparameterForm::showDataRequested);
    augmentLayout->addWidget(previewLink);
    layout->addWidget(augmentGroup);

    auto* runGroup = new QGroupBox(tr("Run"));
    auto* runForm = new QFormLayout(runGroup);
    m_seed = intSpin(0, 2147483647, tr("Seed for initialisation, data order, split and augmentation: the same seed "
                                       "and threads give the same result"));
    m_threads = intSpin(0, 256, tr("LibTorch threads; 0 = automatic (idle cores; dense models let OpenBLAS use them)"));
    m_threads->setSpecialValueText(tr("automatic (%1 idle cores)").arg(idleCores()));
    m_device = combo({{tr("CPU"), "cpu"}, {tr("CUDA GPU"), "cuda"}},
                     tr("Where to train. CUDA needs a LibTorch built with CUDA and a visible GPU."));
    runForm->addRow(tr("Seed"), m_seed);
    runForm->addRow(tr("Threads"), m_threads);
    runForm->addRow(tr("Device"), m_device);
    layout->addWidget(runGroup);
    layout->addStretch(1);

    m_lockable = {modelGroup, optimGroup, stopGroup, augmentGroup, runGroup};

    // Any edit writes the whole form back to the setup.
    for (QComboBox* box : {m_optimizer, m_schedule, m_loss, m_classWeights, m_sampler, m_earlyStop, m_monitor, m_device})
        connect(box, &QComboBox::currentIndexChanged, this, &HyperparameterForm::writeToSetup);
    for (QSpinBox* box : {m_epochs, m_batchSize, m_stepEvery, m_patience, m_minEpochs, m_tta, m_seed, m_threads})
        connect(box, &QSpinBox::valueChanged, this, &HyperparameterForm::writeToSetup);
    for (QDoubleSpinBox* box :
         {m_learningRate, m_weightDecay, m_momentum, m_warmup, m_stepGamma, m_labelSmoothing, m_minDelta, m_ema, m_clip})
        connect(box, &QDoubleSpinBox::valueChanged, this, &HyperparameterForm::writeToSetup);
    for (QCheckBox* box : {m_nesterov, m_restoreBest})
        connect(box, &QCheckBox::toggled, this, &HyperparameterForm::writeToSetup);
    connect(m_augment, &AugmentEditor::edited, this, &HyperparameterForm::writeToSetup);
    connect(m_model, &QComboBox::currentIndexChanged, this, [this] {
        if (m_refreshing)
            return;
        // A new architecture starts from its default recipe: settings tuned for one model are
        // rarely right for another.
        const std::string model = comboValue(m_model);
        m_setup->update([&](TrainConfig& c) { defaultRecipeFor(model).apply(c); });
    });
    connect(m_recipe, &QComboBox::activated, this, [this] {
        const std::string recipe = comboValue(m_recipe);
        if (!recipe.empty())
            m_setup->update([&](TrainConfig& c) { findRecipe(recipe).apply(c); });
    });
    connect(m_setup, &TrainingSetup::changed, this, &HyperparameterForm::refreshFromSetup);
    refreshFromSetup();
}

void HyperparameterForm::buildModelSection(QFormLayout* form) {
    m_model = new QComboBox;
    for (const auto& info : modelInfos())
        m_model->addItem(QString::fromStdString(info.name), QString::fromStdString(info.name));
    m_model->setToolTip(tr("Architecture to train"));
    m_modelDescription = new QLabel;
    m_modelDescription->setWordWrap(true);
    m_recipe = new QComboBox;
    m_recipe->setToolTip(tr("Ready-made settings for this model. The default recipe is tuned for accuracy per minute "
                            "of CPU; 'published' ones reproduce a study's settings exactly."));
    m_optionsBox = new QWidget;
    m_optionsForm = new QFormLayout(m_optionsBox);
    m_optionsForm->setContentsMargins(0, 0, 0, 0);
    m_layers = new QTableWidget(0, 4);
    m_layers->setHorizontalHeaderLabels({tr("layer"), tr("type"), tr("output"), tr("parameters")});
    m_layers->verticalHeader()->hide();
    m_layers->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_layers->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_layers->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_layers->setWordWrap(false);
    m_layers->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_layers->setSelectionMode(QAbstractItemView::NoSelection);
    m_layers->setMinimumHeight(150);
    form->addRow(tr("Architecture"), m_model);
    form->addRow(m_modelDescription);
    form->addRow(tr("Recipe"), m_recipe);
    form->addRow(m_optionsBox);
    form->addRow(m_layers);
}

void HyperparameterForm::buildOptimizerSection(QFormLayout* form) {
    m_epochs = intSpin(1, 10000, tr("Passes over the training set"));
    m_batchSize = intSpin(1, 65536, tr("Images per optimisation step. Larger batches train faster per image on CPU "
                                       "but may need a larger learning rate."));
    m_optimizer = combo({{"Adam", "adam"},
                         {"AdamW", "adamw"},
                         {"SGD", "sgd"},
                         {"Adagrad", "adagrad"},
                         {"Adadelta", "adadelta"},
                         {"RMSprop", "rmsprop"}},
                        tr("Update rule. AdamW decouples weight decay from the gradient; Adadelta needs a "
                           "learning rate near 1."));
    m_learningRate = doubleSpin(0.000001, 100, 0.0001, 6, tr("Step size (the peak for one-cycle)"));
    m_weightDecay = doubleSpin(0, 1, 0.0001, 5, tr("L2 penalty (decoupled for AdamW)"));
    m_momentum = doubleSpin(0, 0.999, 0.05, 3, tr("Momentum (SGD and RMSprop)"));
    m_nesterov = new QCheckBox(tr("Nesterov momentum (SGD)"));
    m_schedule = combo({{tr("constant"), "constant"},
                        {tr("step decay"), "step"},
                        {tr("cosine decay"), "cosine"},
                        {tr("one-cycle"), "one-cycle"}},
                       tr("How the learning rate changes during training"));
    m_warmup = doubleSpin(0, 100, 0.5, 1, tr("Linear warm-up from 0, in epochs"));
    m_stepEvery = intSpin(1, 10000, tr("Step decay: multiply the learning rate by gamma every this many epochs"));
    m_stepGamma = doubleSpin(0.001, 1, 0.05, 3, tr("Step decay factor"));
    m_loss = combo({{tr("cross-entropy"), "cross-entropy"}, {tr("multi-class margin"), "multi-margin"}},
                   tr("Training loss"));
    m_labelSmoothing = doubleSpin(0, 0.5, 0.05, 2, tr("Label smoothing for cross-entropy: targets of 1-ε instead of 1"));
    m_classWeights = combo({{tr("equal"), "none"}, {tr("balanced: rare classes weigh more"), "balanced"}},
                           tr("Cross-entropy weights per class. Balanced weighs each class by the inverse of its "
                              "training images, so every class counts the same in the loss."));
    m_sampler = combo({{tr("shuffle: each image once per epoch"), "shuffle"},
                       {tr("class-balanced: every class equally often"), "balanced"}},
                      tr("How training images are drawn. Class-balanced draws a class uniformly, then one of its "
                         "images (rare classes repeat within an epoch)."));
    m_ema = doubleSpin(0, 0.9999, 0.001, 4, tr("Exponential moving average of the weights, evaluated instead of the "
                                               "last weights; 0 = off, 0.999 typical"));
    m_clip = doubleSpin(0, 1000, 0.5, 2, tr("Clip the gradient's global norm to this; 0 = off"));
    m_tta = intSpin(0, 8, tr("Test-time augmentation: average predictions over this many copies of each test image, "
                                  "1-pixel shifts (the first copy is the mirror image when training mirrors)"));
    form->addRow(tr("Epochs"), m_epochs);
    form->addRow(tr("Batch size"), m_batchSize);
    form->addRow(tr("Optimizer"), m_optimizer);
    form->addRow(tr("Learning rate"), m_learningRate);
    form->addRow(tr("Weight decay"), m_weightDecay);
    form->addRow(tr("Momentum"), m_momentum);
    form->addRow(m_nesterov);
    form->addRow(tr("Schedule"), m_schedule);
    form->addRow(tr("Warm-up (epochs)"), m_warmup);
    form->addRow(tr("Step every / gamma"), [&] {
        auto* row = new QWidget;
        auto* h = new QHBoxLayout(row);
        h->setContentsMargins(0, 0, 0, 0);
        h->addWidget(m_stepEvery);
        h->addWidget(m_stepGamma);
        return row;
    }());
    form->addRow(tr("Loss"), m_loss);
    form->addRow(tr("Label smoothing"), m_labelSmoothing);
    form->addRow(tr("Class weights"), m_classWeights);
    form->addRow(tr("Sampling"), m_sampler);
    form->addRow(tr("Weight averaging"), m_ema);
    form->addRow(tr("Gradient clipping"), m_clip);
    form->addRow(tr("Test-time augmentation"), m_tta);
}

void HyperparameterForm::setLocked(bool locked) {
    for (QWidget* w : m_lockable)
        w->setEnabled(!locked);
}

void HyperparameterForm::refreshFromSetup() {
    m_refreshing = true;
    const TrainConfig& c = m_setup->config();
    const QList<QWidget*> widgets = findChildren<QWidget*>();
    std::vector<std::unique_ptr<QSignalBlocker>> blockers;
    for (QWidget* w : widgets)
        blockers.push_back(std::make_unique<QSignalBlocker>(w));

    try {
        const DatasetInfo& info = findDataset(c.dataset);
        m_dataSummary->setText(tr("<b>Data:</b> %1, %2 split, %3% validation &nbsp; <a href=\"data\">change</a>")
                                   .arg(QString::fromStdString(info.title))
                                   .arg(QString::fromLatin1(protocolName(c.protocol)))
                                   .arg(c.validationFraction * 100, 0, 'f', 0));
    } catch (const std::exception&) {
        m_dataSummary->setText(tr("<b>Data:</b> none chosen &nbsp; <a href=\"data\">choose</a>"));
    }
    selectData(m_model, c.model);
    m_recipe->clear();
    m_recipe->addItem(tr("(custom)"), QString());
    for (const Recipe* r : recipesFor(c.model)) {
        m_recipe->addItem(QString::fromStdString(r->name), QString::fromStdString(r->name));
        m_recipe->setItemData(m_recipe->count() - 1, QString::fromStdString(r->description), Qt::ToolTipRole);
    }
    selectData(m_recipe, c.recipe);
    m_epochs->setValue(c.epochs);
    m_batchSize->setValue(c.batchSize);
    selectData(m_optimizer, c.optimizer.name);
    m_learningRate->setValue(c.optimizer.learningRate);
    m_weightDecay->setValue(c.optimizer.weightDecay);
    m_momentum->setValue(c.optimizer.momentum);
    m_nesterov->setChecked(c.optimizer.nesterov);
    selectData(m_schedule, c.schedule.name);
    m_warmup->setValue(c.schedule.warmupEpochs);
    m_stepEvery->setValue(c.schedule.stepEpochs);
    m_stepGamma->setValue(c.schedule.gamma);
    selectData(m_loss, c.loss.name);
    m_labelSmoothing->setValue(c.loss.labelSmoothing);
    selectData(m_classWeights, c.loss.classWeights);
    selectData(m_sampler, c.sampler);
    selectData(m_earlyStop, c.earlyStop.mode);
    selectData(m_monitor, c.earlyStop.monitor);
    m_patience->setValue(c.earlyStop.patience);
    m_minDelta->setValue(c.earlyStop.minDelta);
    m_minEpochs->setValue(c.earlyStop.minEpochs);
    m_restoreBest->setChecked(c.earlyStop.restoreBest);
    m_augment->setDataset(c.dataset);
    m_augment->setValue(c.augment);
    m_ema->setValue(c.emaDecay);
    m_clip->setValue(c.gradientClipNorm);
    m_tta->setValue(c.testTimeAugmentation);
    m_seed->setValue(static_cast<int>(c.seed & 0x7fffffff));
    m_threads->setValue(c.threads);
    selectData(m_device, c.device);

    const std::string& opt = c.optimizer.name;
    m_momentum->setEnabled(opt == "sgd" || opt == "rmsprop");
    m_nesterov->setEnabled(opt == "sgd");
    m_stepEvery->setEnabled(c.schedule.name == "step");
    m_stepGamma->setEnabled(c.schedule.name == "step");
    m_labelSmoothing->setEnabled(c.loss.name == "cross-entropy");
    m_classWeights->setEnabled(c.loss.name == "cross-entropy");
    const bool stopping = c.earlyStop.mode != "none";
    m_monitor->setEnabled(c.earlyStop.mode == "patience");
    m_patience->setEnabled(c.earlyStop.mode == "patience");
    m_minDelta->setEnabled(c.earlyStop.mode == "patience");
    m_minEpochs->setEnabled(stopping);
    blockers.clear();
    rebuildModelOptions();
    refreshModelInfo();
    m_refreshing = false;
}

void HyperparameterForm::rebuildModelOptions() {
    const TrainConfig& c = m_setup->config();
    const ModelInfo& info = findModelInfo(c.model);
    if (m_optionsModel == c.model) {
        // Same architecture: update values in place. Rebuilding would delete the editor whose
        // signal got us here.
        for (const auto& option : info.options) {
            const auto it = c.modelOptions.find(option.name);
            const QString value = QString::fromStdString(it == c.modelOptions.end() ? option.defaultValue : it->second);
            QWidget* editor = m_optionEditors[option.name];
            const QSignalBlocker blocker(editor);
            if (auto* box = qobject_cast<QComboBox*>(editor))
                box->setCurrentIndex(std::max(0, box->findData(value)));
            else if (auto* line = qobject_cast<QLineEdit*>(editor))
                line->setText(value);
        }
        return;
    }
    m_optionsModel = c.model;
    while (m_optionsForm->rowCount() > 0)
        m_optionsForm->removeRow(0);
    m_optionEditors.clear();
    for (const auto& option : info.options) {
        const auto it = c.modelOptions.find(option.name);
        const QString value = QString::fromStdString(it == c.modelOptions.end() ? option.defaultValue : it->second);
        QWidget* editor;
        if (!option.choices.empty()) {
            auto* box = new QComboBox;
            for (const auto& choice : option.choices)
                box->addItem(QString::fromStdString(choice), QString::fromStdString(choice));
            box->setCurrentIndex(std::max(0, box->findData(value)));
            connect(box, &QComboBox::currentIndexChanged, this, &HyperparameterForm::writeToSetup);
            editor = box;
        } else {
            auto* line = new QLineEdit(value);
            connect(line, &QLineEdit::editingFinished, this, &HyperparameterForm::writeToSetup);
            editor = line;
        }
        editor->setToolTip(QString::fromStdString(option.help));
        m_optionEditors[option.name] = editor;
        m_optionsForm->addRow(QString::fromStdString(option.name), editor);
    }
    m_optionsBox->setVisible(!info.options.empty());
}

void HyperparameterForm::refreshModelInfo() {
    const TrainConfig& c = m_setup->config();
    ModelSpec spec;
    spec.options = c.modelOptions;
    try {
        const DatasetInfo& dataset = findDataset(c.dataset);
        spec.channels = dataset.channels;
        spec.height = dataset.rows;
        spec.width = dataset.cols;
        spec.numClasses = dataset.numClasses();
    } catch (const std::exception&) {
    }
    try {
        const ModelDescription description = describeModel(c.model, spec);
        m_modelDescription->setText(tr("%1<br><b>%2 parameters</b>")
                                        .arg(QString::fromStdString(description.info.description).toHtmlEscaped())
                                        .arg(QString::fromStdString(formatCount(description.parameters))));
        m_layers->setRowCount(static_cast<int>(description.layers.size()));
        int row = 0;
        for (const auto& layer : description.layers) {
            m_layers->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(layer.name)));
            m_layers->setItem(row, 1, new QTableWidgetItem(QString::fromStdString(layer.type)));
            m_layers->setItem(row, 2, new QTableWidgetItem(shapeText(layer.outputShape)));
            auto* params = new QTableWidgetItem(QString::fromStdString(formatCount(layer.parameters)));
            params->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            m_layers->setItem(row, 3, params);
            ++row;
        }
    } catch (const std::exception& e) {
        m_modelDescription->setText(tr("<span style=\"color:#c0392b\">%1</span>").arg(QString::fromStdString(e.what())));
        m_layers->setRowCount(0);
    }
}

void HyperparameterForm::writeToSetup() {
    if (m_refreshing)
        return;
    m_setup->update([this](TrainConfig& c) {
        // Hand edits detach the settings from the recipe they started from.
        const TrainConfig before = c;
        c.epochs = m_epochs->value();
        c.batchSize = m_batchSize->value();
        if (comboValue(m_optimizer) != c.optimizer.name) {
            const double lr = c.optimizer.learningRate;
            c.optimizer = OptimizerConfig{};
            c.optimizer.name = comboValue(m_optimizer);
            c.optimizer.learningRate = c.optimizer.name == "adadelta" ? 1.0 : lr;
        } else {
            c.optimizer.learningRate = m_learningRate->value();
            c.optimizer.weightDecay = m_weightDecay->value();
            c.optimizer.momentum = m_momentum->value();
            c.optimizer.nesterov = m_nesterov->isChecked() && c.optimizer.momentum > 0;
        }
        c.schedule.name = comboValue(m_schedule);
        c.schedule.warmupEpochs = std::min(m_warmup->value(), static_cast<double>(c.epochs) - 1);
        c.schedule.stepEpochs = m_stepEvery->value();
        c.schedule.gamma = m_stepGamma->value();
        c.loss.name = comboValue(m_loss);
        c.loss.labelSmoothing = m_labelSmoothing->value();
        c.loss.classWeights = c.loss.name == "cross-entropy" ? comboValue(m_classWeights) : "none";
        c.sampler = comboValue(m_sampler);
        c.earlyStop.mode = comboValue(m_earlyStop);
        c.earlyStop.monitor = comboValue(m_monitor);
        c.earlyStop.patience = m_patience->value();
        c.earlyStop.minDelta = m_minDelta->value();
        c.earlyStop.minEpochs = m_minEpochs->value();
        c.earlyStop.restoreBest = m_restoreBest->isChecked();
        c.augment = m_augment->value();
        c.emaDecay = m_ema->value();
        c.gradientClipNorm = m_clip->value();
        c.testTimeAugmentation = m_tta->value();
        c.seed = static_cast<std::uint64_t>(m_seed->value());
        c.threads = m_threads->value();
        c.blasThreads = 0;
        c.device = comboValue(m_device);
        for (const auto& [name, editor] : m_optionEditors) {
            if (auto* box = qobject_cast<QComboBox*>(editor))
                c.modelOptions[name] = box->currentData().toString().toStdString();
            else if (auto* line = qobject_cast<QLineEdit*>(editor))
                c.modelOptions[name] = line->text().trimmed().toStdString();
        }
        if (trainConfigToJson(before) != trainConfigToJson(c))
            c.recipe.clear();
    });
}

}  // namespace kanalab::ui
