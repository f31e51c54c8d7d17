// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "common/core_types.h"
#include "train/train_config.h"

#include <QObject>

namespace kanalab::ui {

// The one TrainConfig the whole window edits: the Data view sets the dataset, split and
// augmentation, the Train view the model and hyperparameters. Every editor listens to
// changed() and refreshes itself (blocking its own signals while it does). The setup is
// remembered between sessions (QSettings, as the same JSON a run's config.json holds).
class TrainingSetup : public QObject {
    Q_OBJECT
public:
    explicit TrainingSetup(QObject* parent = nullptr);

    const TrainConfig& config() const { return m_config; }
    // Replaces the whole config (e.g. a run opened to train again) and emits changed().
    void setConfig(const TrainConfig& config);
    // Edits in place, then emits changed() once: setup->update([](TrainConfig& c) { c.epochs = 5; }).
    template <typename Edit>
    void update(Edit&& edit) {
        edit(m_config);
        emitChanged();
    }

    void load();  // from QSettings (keeps defaults for anything missing or unreadable)
    void save() const;

signals:
    void changed();

private:
    void emitChanged();

    TrainConfig m_config;
};

}  // namespace kanalab::ui
