// SPDX-License-Identifier: GPL-3.0-or-later
#include "evaluate_view/feature_map_snapshots.h"

#include <QComboBox>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QPixmap>
#include <QScrollArea>
#include <QSlider>
#include <QVBoxLayout>

#include <algorithm>

namespace kanalab::ui {
namespace {

QString epochFolder(const QString& runDir, int epoch) {
    return QDir(runDir).filePath(QStringLiteral("feature-maps/epoch-%1").arg(epoch));
}

}  // namespace

FeatureMapSnapshots::FeatureMapSnapshots(QWidget* parent) : QWidget(parent) {
    m_epoch = new QSlider(Qt::Horizontal);
    m_epoch->setAccessibleName(tr("Epoch of the feature maps"));
    m_epoch->setPageStep(1);
    m_epochLabel = new QLabel;
    m_layer = new QComboBox;
    m_layer->setAccessibleName(tr("Layer of the feature maps"));
    m_image = new QLabel;
    m_image->setAlignment(Qt::AlignCenter);
    auto* scroll = new QScrollArea;
    scroll->setWidget(m_image);
    scroll->setWidgetResizable(true);
    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Epoch")));
    controls->addWidget(m_epoch, 1);
    controls->addWidget(m_epochLabel);
    controls->addWidget(new QLabel(tr("Layer")));
    controls->addWidget(m_layer);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(controls);
    layout->addWidget(scroll, 1);
    connect(m_epoch, &QSlider::valueChanged, this, &FeatureMapSnapshots::refresh);
    connect(m_layer, &QComboBox::currentIndexChanged, this, &FeatureMapSnapshots::refresh);
}

bool FeatureMapSnapshots::setRun(const QString& runDir) {
    m_runDir = runDir;
    m_epochs.clear();
    const QDir root(QDir(runDir).filePath(QStringLiteral("feature-maps")));
    for (const QString& name : root.entryList({QStringLiteral("epoch-*")}, QDir::Dirs)) {
        bool ok = false;
        const int epoch = name.mid(6).toInt(&ok);
        if (ok)
            m_epochs << epoch;
    }
    std::sort(m_epochs.begin(), m_epochs.end());
    const QString keep = m_layer->currentText();
    const QSignalBlocker blockLayer(m_layer);
    const QSignalBlocker blockEpoch(m_epoch);
    m_layer->clear();
    if (!m_epochs.isEmpty()) {
        // Layers in the order the model runs them is not on disk; input first, then by name.
        QStringList names;
        for (const QString& file : QDir(epochFolder(runDir, m_epochs.last())).entryList({QStringLiteral("*.png")}))
            names << file.chopped(4);
        names.sort();
        if (names.removeOne(QStringLiteral("input")))
            names.prepend(QStringLiteral("input"));
        m_layer->addItems(names);
        const int kept = m_layer->findText(keep);
        m_layer->setCurrentIndex(kept >= 0 ? kept : std::min(1, static_cast<int>(names.size()) - 1));
        m_epoch->setRange(0, static_cast<int>(m_epochs.size()) - 1);
        m_epoch->setValue(static_cast<int>(m_epochs.size()) - 1);
    }
    refresh();
    return !m_epochs.isEmpty();
}

QStringList FeatureMapSnapshots::layers() const {
    QStringList names;
    for (int i = 0; i < m_layer->count(); ++i)
        names << m_layer->itemText(i);
    return names;
}

void FeatureMapSnapshots::showSnapshot(int epoch, const QString& layer) {
    const auto position = m_epochs.indexOf(epoch);
    if (position >= 0)
        m_epoch->setValue(static_cast<int>(position));
    const int index = m_layer->findText(layer);
    if (index >= 0)
        m_layer->setCurrentIndex(index);
    refresh();
}

void FeatureMapSnapshots::refresh() {
    m_shown.clear();
    if (m_epochs.isEmpty() || m_layer->currentIndex() < 0) {
        m_epochLabel->clear();
        m_image->setText(tr("This run saved no feature maps. Train with “--feature-maps-at 1,5” (CLI) to watch "
                            "one image's maps change from epoch to epoch."));
        m_image->setWordWrap(true);
        return;
    }
    const int epoch = m_epochs[std::clamp(m_epoch->value(), 0, static_cast<int>(m_epochs.size()) - 1)];
    m_epochLabel->setText(QString::number(epoch));
    const QString file = QDir(epochFolder(m_runDir, epoch)).filePath(m_layer->currentText() + QStringLiteral(".png"));
    QPixmap pixmap(file);
    if (pixmap.isNull()) {
        m_image->setText(tr("No %1 map was saved after epoch %2.").arg(m_layer->currentText()).arg(epoch));
        return;
    }
    // Small maps are enlarged without smoothing so each activation stays a visible square.
    const int scale = std::max(1, 360 / std::max(pixmap.width(), pixmap.height()));
    m_image->setPixmap(pixmap.scaled(pixmap.size() * scale, Qt::KeepAspectRatio, Qt::FastTransformation));
    m_shown = file;
}

}  // namespace kanalab::ui
