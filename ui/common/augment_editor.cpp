// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/augment_editor.h"

#include "train/recipes.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QPushButton>
#include <QSignalBlocker>

namespace kanalab::ui {
namespace {

QDoubleSpinBox* spin(double min, double max, double step, int decimals, const QString& suffix, const QString& tip) {
    auto* box = new QDoubleSpinBox;
    box->setRange(min, max);
    box->setSingleStep(step);
    box->setDecimals(decimals);
    box->setSuffix(suffix);
    box->setToolTip(tip);
    box->setKeyboardTracking(false);
    return box;
}

}  // namespace

AugmentEditor::AugmentEditor(QWidget* parent) : QWidget(parent) {
    m_enabled = new QCheckBox(tr("Augment training images on the fly"));
    m_enabled->setToolTip(tr("Random distortions of each training image, new every epoch: the model sees more "
                             "variety and overfits less. Validation and test images are never augmented."));
    m_rotation = spin(0, 45, 1, 1, tr(" °"), tr("Rotate by a random angle in [-r, r] degrees"));
    m_translate = spin(0, 0.3, 0.01, 2, QString(), tr("Shift by up to this fraction of the image size"));
    m_scaleMin = spin(0.5, 1.5, 0.05, 2, QString(), tr("Smallest random scale"));
    m_scaleMax = spin(0.5, 1.5, 0.05, 2, QString(), tr("Largest random scale"));
    m_shear = spin(0, 30, 1, 1, tr(" °"), tr("Shear by a random angle in [-s, s] degrees"));
    m_elasticAlpha = spin(0, 20, 0.5, 1, tr(" px"),
                          tr("Elastic distortion (Simard et al.): strength of the smooth random displacement"));
    m_elasticSigma = spin(1, 10, 0.5, 1, tr(" px"), tr("Smoothness of the elastic displacement field"));
    m_erase = spin(0, 1, 0.05, 2, QString(), tr("Probability of blanking one random rectangle (random erasing)"));
    m_flip = spin(0, 1, 0.05, 2, QString(),
                  tr("Probability of mirroring left-right: good for clothing, wrong for characters (a mirrored "
                     "kana or digit is not one)"));
    m_mixup = spin(0, 2, 0.05, 2, QString(), tr("Mixup strength alpha: blends pairs of images and their labels; 0 = off"));
    m_brightness = spin(0, 1, 0.05, 2, QString(), tr("Brightness jitter: each image's brightness times a factor in [1-x, 1+x]"));
    m_contrast = spin(0, 1, 0.05, 2, QString(), tr("Contrast jitter: each image's contrast times a factor in [1-x, 1+x]"));
    m_saturation = spin(0, 1, 0.05, 2, QString(),
                        tr("Saturation jitter (colour images): each image's colourfulness times a factor in [1-x, 1+x]"));
    m_defaults = new QPushButton;

    auto* scaleRow = new QHBoxLayout;
    scaleRow->addWidget(m_scaleMin);
    scaleRow->addWidget(m_scaleMax);
    auto* elasticRow = new QHBoxLayout;
    elasticRow->addWidget(m_elasticAlpha);
    elasticRow->addWidget(m_elasticSigma);
    auto* form = new QFormLayout(this);
    form->setContentsMargins(0, 0, 0, 0);
    form->addRow(m_enabled);
    form->addRow(tr("Rotation"), m_rotation);
    form->addRow(tr("Translation"), m_translate);
    form->addRow(tr("Scale min / max"), scaleRow);
    form->addRow(tr("Shear"), m_shear);
    form->addRow(tr("Elastic strength / smoothness"), elasticRow);
    form->addRow(tr("Random erasing"), m_erase);
    form->addRow(tr("Mirror left-right"), m_flip);
    form->addRow(tr("Mixup"), m_mixup);
    auto* jitterRow = new QHBoxLayout;
    jitterRow->addWidget(m_brightness);
    jitterRow->addWidget(m_contrast);
    jitterRow->addWidget(m_saturation);
    form->addRow(tr("Brightness / contrast / saturation"), jitterRow);
    form->addRow(m_defaults);

    setDataset("kmnist");
    for (QDoubleSpinBox* box : {m_rotation, m_translate, m_scaleMin, m_scaleMax, m_shear, m_elasticAlpha,
                                m_elasticSigma, m_erase, m_flip, m_mixup, m_brightness, m_contrast, m_saturation})
        connect(box, &QDoubleSpinBox::valueChanged, this, &AugmentEditor::emitEdited);
    connect(m_enabled, &QCheckBox::toggled, this, [this](bool on) {
        setValue(on ? m_lastEnabled : AugmentConfig{});
        emitEdited();
    });
    connect(m_defaults, &QPushButton::clicked, this, [this] {
        setValue(defaultAugmentationFor(m_dataset));
        emitEdited();
    });
}

void AugmentEditor::setDataset(const std::string& dataset) {
    if (dataset == m_dataset)
        return;
    const bool switchedOff = !m_enabled->isChecked();
    m_dataset = dataset;
    const AugmentConfig d = defaultAugmentationFor(dataset);
    if (d.flipProbability > 0) {
        m_defaults->setText(tr("Default for pictures of things"));
        m_defaults->setToolTip(tr("Mirror half the images, %1% shift, %2-%3 scale")
                                   .arg(d.translate * 100)
                                   .arg(d.scaleMin)
                                   .arg(d.scaleMax));
    } else {
        m_defaults->setText(tr("Default for handwriting"));
        m_defaults->setToolTip(tr("%1° rotation, %2% shift, %3-%4 scale, %5° shear")
                                   .arg(d.rotationDegrees)
                                   .arg(d.translate * 100)
                                   .arg(d.scaleMin)
                                   .arg(d.scaleMax)
                                   .arg(d.shearDegrees));
    }
    // What the switch turns on while augmentation is off: this dataset's default.
    if (switchedOff)
        m_lastEnabled = d;
}

AugmentConfig AugmentEditor::value() const {
    AugmentConfig a;
    if (!m_enabled->isChecked())
        return a;
    a.rotationDegrees = m_rotation->value();
    a.translate = m_translate->value();
    a.scaleMin = std::min(m_scaleMin->value(), m_scaleMax->value());
    a.scaleMax = std::max(m_scaleMin->value(), m_scaleMax->value());
    a.shearDegrees = m_shear->value();
    a.elasticAlpha = m_elasticAlpha->value();
    a.elasticSigma = m_elasticSigma->value();
    a.eraseProbability = m_erase->value();
    a.flipProbability = m_flip->value();
    a.mixupAlpha = m_mixup->value();
    a.brightness = m_brightness->value();
    a.contrast = m_contrast->value();
    a.saturation = m_saturation->value();
    return a;
}

void AugmentEditor::setValue(const AugmentConfig& a) {
    const QSignalBlocker blockers[] = {QSignalBlocker(m_enabled),  QSignalBlocker(m_rotation),
                                       QSignalBlocker(m_translate), QSignalBlocker(m_scaleMin),
                                       QSignalBlocker(m_scaleMax), QSignalBlocker(m_shear),
                                       QSignalBlocker(m_elasticAlpha), QSignalBlocker(m_elasticSigma),
                                       QSignalBlocker(m_erase), QSignalBlocker(m_flip),
                                       QSignalBlocker(m_mixup), QSignalBlocker(m_brightness),
                                       QSignalBlocker(m_contrast), QSignalBlocker(m_saturation)};
    const bool on = a.enabled();
    if (on)
        m_lastEnabled = a;
    m_enabled->setChecked(on);
    m_rotation->setValue(a.rotationDegrees);
    m_translate->setValue(a.translate);
    m_scaleMin->setValue(a.scaleMin);
    m_scaleMax->setValue(a.scaleMax);
    m_shear->setValue(a.shearDegrees);
    m_elasticAlpha->setValue(a.elasticAlpha);
    m_elasticSigma->setValue(a.elasticSigma);
    m_erase->setValue(a.eraseProbability);
    m_flip->setValue(a.flipProbability);
    m_mixup->setValue(a.mixupAlpha);
    m_brightness->setValue(a.brightness);
    m_contrast->setValue(a.contrast);
    m_saturation->setValue(a.saturation);
    for (QWidget* w : std::initializer_list<QWidget*>{m_rotation, m_translate, m_scaleMin, m_scaleMax, m_shear,
                                                      m_elasticAlpha, m_elasticSigma, m_erase, m_flip, m_mixup,
                                                      m_brightness, m_contrast, m_saturation})
        w->setEnabled(on);
}

void AugmentEditor::emitEdited() {
    const AugmentConfig a = value();
    if (a.enabled())
        m_lastEnabled = a;
    emit edited(a);
}

}  // namespace kanalab::ui
