// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/splits.h"

#include <QWidget>

#include <cstdint>
#include <memory>
#include <vector>

class QComboBox;
class QLabel;
class QListWidget;
class QPushButton;

namespace kanalab::ui {

// One image of a loaded set, as the augmentation preview needs it.
struct SampleRef {
    std::shared_ptr<const ImageSet> set;
    std::int64_t index = -1;  // in set
    int label = -1;
    // Show a gray image inverted, as ink on paper: the set stores bright ink on black (the
    // built-in handwriting sets). False for sets stored on paper already (imported scans).
    bool paper = true;
    bool valid() const { return set && index >= 0; }
};

// A paged grid of the images of the train, validation or test set of a data plan, 100 a page,
// each with its label (for KMNIST the glyph and romaji, "は ha"), optionally one class only.
// The plan is loaded elsewhere (off the UI thread); this only draws thumbnails of a page.
// Gray handwriting is always shown as dark ink on white, whichever way round the set stores
// it; colour images as they are.
class SampleBrowser : public QWidget {
    Q_OBJECT
public:
    static constexpr int kPageSize = 100;

    explicit SampleBrowser(QWidget* parent = nullptr);

    void setPlan(std::shared_ptr<const DataPlan> plan);
    // No plan: an empty grid with a line saying why (loading, or the error).
    void clear(const QString& message);

    void setSet(int set);          // 0 train, 1 validation, 2 test
    void setClassFilter(int cls);  // -1: every class
    void setPage(int page);        // 0-based, clamped
    int page() const { return m_page; }
    int pageCount() const;
    int shownCount() const;  // images in the whole filtered set
    SampleRef currentSample() const;

    QListWidget* grid() const { return m_grid; }
    QPushButton* nextButton() const { return m_next; }
    QPushButton* previousButton() const { return m_previous; }
    QComboBox* setBox() const { return m_setBox; }
    QComboBox* classBox() const { return m_classBox; }

signals:
    void currentSampleChanged();

private:
    const std::vector<std::int64_t>* setIndices() const;
    std::shared_ptr<const ImageSet> setFile() const;
    bool setPaper() const;  // SampleRef::paper for the current set's file
    void refilter();
    void fillPage();

    std::shared_ptr<const DataPlan> m_plan;
    std::vector<std::int64_t> m_shown;  // indices into the set's file after the class filter
    // Per file (from storedOnLightBackground, once per plan): invert gray images to show them.
    bool m_trainPaper = true;
    bool m_testPaper = true;
    int m_page = 0;
    QComboBox* m_setBox;
    QComboBox* m_classBox;
    QPushButton* m_previous;
    QPushButton* m_next;
    QLabel* m_pageLabel;
    QListWidget* m_grid;
};

}  // namespace kanalab::ui
