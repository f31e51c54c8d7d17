// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

#include <map>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableWidget;

namespace kanalab::ui {

class AugmentEditor;
class TrainingSetup;

// Every setting of a training run: architecture (with its description, parameter count, layer
// table and options), recipe, optimizer, learning rate, schedule, loss, batch size, epochs,
// early stopping, augmentation, weight averaging, seed, threads and device, with tooltips. Edits
// the shared TrainingSetup and follows it when another view changes it.
class HyperparameterForm : public QWidget {
    Q_OBJECT
public:
    explicit HyperparameterForm(TrainingSetup* setup, QWidget* parent = nullptr);

    // Locks the form while a run trains (its settings are fixed for the run).
    void setLocked(bool locked);

signals:
    void showDataRequested();

private:
    void buildModelSection(QFormLayout* form);
    void buildOptimizerSection(QFormLayout* form);
    void refreshFromSetup();
    void refreshModelInfo();
    void rebuildModelOptions();
    void writeToSetup();

    TrainingSetup* m_setup;
    bool m_refreshing = false;
    QLabel* m_dataSummary;
    QComboBox* m_model;
    QLabel* m_modelDescription;
    QTableWidget* m_layers;
    QWidget* m_optionsBox;
    QFormLayout* m_optionsForm;
    std::map<std::string, QWidget*> m_optionEditors;
    std::string m_optionsModel;  // the architecture the option editors were built for
    QComboBox* m_recipe;
    QSpinBox* m_epochs;
    QSpinBox* m_batchSize;
    QComboBox* m_optimizer;
    QDoubleSpinBox* m_learningRate;
    QDoubleSpinBox* m_weightDecay;
    QDoubleSpinBox* m_momentum;
    QCheckBox* m_nesterov;
    QComboBox* m_schedule;
    QDoubleSpinBox* m_warmup;
    QSpinBox* m_stepEvery;
    QDoubleSpinBox* m_stepGamma;
    QComboBox* m_loss;
    QComboBox* m_classWeights;
    QComboBox* m_sampler;
    QDoubleSpinBox* m_labelSmoothing;
    QComboBox* m_earlyStop;
    QComboBox* m_monitor;
    QSpinBox* m_patience;
    QDoubleSpinBox* m_minDelta;
    QSpinBox* m_minEpochs;
    QCheckBox* m_restoreBest;
    AugmentEditor* m_augment;
    QDoubleSpinBox* m_ema;
    QDoubleSpinBox* m_clip;
    QSpinBox* m_tta;
    QSpinBox* m_seed;
    QSpinBox* m_threads;
    QComboBox* m_device;
    QList<QWidget*> m_lockable;
};

}  // namespace kanalab::ui
