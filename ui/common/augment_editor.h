// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "train/train_config.h"

#include <QWidget>

class QDoubleSpinBox;
class QCheckBox;
class QPushButton;

namespace kanalab::ui {

// Edits an AugmentConfig: rotation, translation, scale range, shear, elastic distortion,
// random erasing, mirroring and mixup, with an on/off switch and a button that restores the
// dataset's default (handwriting or objects, see defaultAugmentationFor).
class AugmentEditor : public QWidget {
    Q_OBJECT
public:
    explicit AugmentEditor(QWidget* parent = nullptr);

    AugmentConfig value() const;
    void setValue(const AugmentConfig& config);  // emits nothing
    void setDataset(const std::string& dataset);  // whose default the button restores

signals:
    void edited(const kanalab::AugmentConfig& config);

private:
    void emitEdited();

    QCheckBox* m_enabled;
    QDoubleSpinBox* m_rotation;
    QDoubleSpinBox* m_translate;
    QDoubleSpinBox* m_scaleMin;
    QDoubleSpinBox* m_scaleMax;
    QDoubleSpinBox* m_shear;
    QDoubleSpinBox* m_elasticAlpha;
    QDoubleSpinBox* m_elasticSigma;
    QDoubleSpinBox* m_erase;
    QDoubleSpinBox* m_flip;
    QDoubleSpinBox* m_mixup;
    QDoubleSpinBox* m_brightness;
    QDoubleSpinBox* m_contrast;
    QDoubleSpinBox* m_saturation;
    QPushButton* m_defaults;
    std::string m_dataset;
    AugmentConfig m_lastEnabled;  // restored when the switch goes back on
};

}  // namespace kanalab::ui
