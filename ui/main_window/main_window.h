// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QMainWindow>

class QTabWidget;

namespace kanalab::ui {

class DataView;
class DrawView;
class EvaluateView;
class RunsView;
class TrainView;
class TrainingController;
class TrainingSetup;

// The window a user lives in: one tab per view, the shared training setup, the training
// controller (so a run survives switching tabs), menus and shortcuts. Closing while training
// asks first, then stops the run cleanly within about a second and keeps its last checkpoint.
class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    QTabWidget* tabs() const { return m_tabs; }
    TrainingSetup* setup() const { return m_setup; }
    TrainingController* controller() const { return m_controller; }
    TrainView* trainView() const { return m_trainView; }
    EvaluateView* evaluateView() const { return m_evaluateView; }
    DataView* dataView() const { return m_dataView; }
    RunsView* runsView() const { return m_runsView; }
    DrawView* drawView() const { return m_drawView; }
    void showTab(QWidget* view);

    // When false, closing during training stops it without asking (tests, --quit-after).
    void setAskBeforeClosing(bool ask) { m_askBeforeClosing = ask; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildMenus();
    void openRunFolder();

    TrainingSetup* m_setup;
    TrainingController* m_controller;
    QTabWidget* m_tabs;
    DataView* m_dataView;
    TrainView* m_trainView;
    EvaluateView* m_evaluateView;
    RunsView* m_runsView;
    DrawView* m_drawView;
    bool m_askBeforeClosing = true;
};

}  // namespace kanalab::ui
