// SPDX-License-Identifier: GPL-3.0-or-later
#include "common/training_setup.h"

#include "train/recipes.h"

#include <QSettings>

namespace kanalab::ui {

namespace {
constexpr const char* kSettingsKey = "training/config";
}

TrainingSetup::TrainingSetup(QObject* parent) : QObject(parent) {
    // A first launch starts from the default recipe of kanalab-best on KMNIST, offline split.
    m_config.dataset = "kmnist";
    m_config.protocol = SplitProtocol::Test8020;
    defaultRecipeFor("kanalab-best").apply(m_config);
}

void TrainingSetup::setConfig(const TrainConfig& config) {
    m_config = config;
    emitChanged();
}

void TrainingSetup::emitChanged() { emit changed(); }

void TrainingSetup::load() {
    QSettings settings;
    const QString json = settings.value(kSettingsKey).toString();
    if (json.isEmpty())
        return;
    try {
        TrainConfig loaded = trainConfigFromJson(json.toStdString());
        validateTrainConfig(loaded);
        loaded.runDir.clear();  // each start makes a new run
        m_config = loaded;
        emitChanged();
    } catch (const std::exception&) {
        // A setting from another version that no longer validates: keep the defaults.
    }
}

void TrainingSetup::save() const {
    QSettings settings;
    TrainConfig stored = m_config;
    stored.runDir.clear();
    settings.setValue(kSettingsKey, QString::fromStdString(trainConfigToJson(stored)));
}

}  // namespace kanalab::ui
