// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/catalogue.h"
#include "data/image_set.h"
#include "eval/metrics.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QLabel;
class QListWidget;

namespace kanalab::ui {

// A grid of the misclassified images with true class, prediction and confidence, most
// confident mistakes first, filterable by true and predicted class. Selecting one shows it
// large with its top-3 probabilities.
class MisclassifiedBrowser : public QWidget {
    Q_OBJECT
public:
    explicit MisclassifiedBrowser(QWidget* parent = nullptr);

    void setMistakes(const std::vector<Misclassified>& mistakes, std::shared_ptr<const ImageSet> images,
                     const std::vector<ClassInfo>& classes);
    // -1 means any class.
    void setFilter(int trueClass, int predicted);
    int shownCount() const;
    // The image-set indices shown, in order (tests compare them with the report).
    std::vector<std::int64_t> shownIndices() const;
    QListWidget* grid() const { return m_grid; }

private:
    void refill();
    void showDetail(int row);

    std::vector<Misclassified> m_mistakes;
    std::vector<const Misclassified*> m_shown;
    std::shared_ptr<const ImageSet> m_images;
    bool m_paper = true;  // invert gray images to show them as ink on paper (bright-on-dark sets)
    std::vector<ClassInfo> m_classes;
    QComboBox* m_trueFilter;
    QComboBox* m_predictedFilter;
    QLabel* m_count;
    QListWidget* m_grid;
    QLabel* m_large;
    QLabel* m_detail;
};

}  // namespace kanalab::ui
