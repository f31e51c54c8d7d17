// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QWidget>

class QComboBox;
class QLabel;
class QSlider;

namespace kanalab::ui {

// The feature maps a run saved while it trained (--feature-maps-at, PNGs under
// RUN/feature-maps/epoch-N/): an epoch slider and a layer choice over them, so the same image's
// maps can be compared from epoch to epoch.
class FeatureMapSnapshots : public QWidget {
    Q_OBJECT
public:
    explicit FeatureMapSnapshots(QWidget* parent = nullptr);

    // Reads which epochs and layers the run folder holds; false when it holds none.
    bool setRun(const QString& runDir);
    QList<int> epochs() const { return m_epochs; }
    QStringList layers() const;
    void showSnapshot(int epoch, const QString& layer);
    // The PNG on show, empty when none.
    const QString& shownFile() const { return m_shown; }
    QSlider* epochSlider() const { return m_epoch; }

private:
    void refresh();

    QString m_runDir;
    QList<int> m_epochs;
    QSlider* m_epoch;
    QLabel* m_epochLabel;
    QComboBox* m_layer;
    QLabel* m_image;
    QString m_shown;
};

}  // namespace kanalab::ui
