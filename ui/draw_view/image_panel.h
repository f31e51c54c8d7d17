// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/image_decode.h"

#include <QImage>
#include <QString>
#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;

namespace kanalab::ui {

// "Try an image": the Draw tab's input for models of photo datasets (clothing, CIFAR-10, the
// user's own colour folders), where a canvas makes no sense. A picture is opened (Open…),
// dropped (a file or image data) or pasted (Ctrl+V), decoded off the UI thread by the core's
// loader (EXIF orientation, 16-bit, CMYK, transparency on white, as the import decodes), shown
// as it is, and handed on to be predicted. A file that is not an image becomes a message in the
// panel, never a crash or a dialog.
class ImagePanel : public QWidget {
    Q_OBJECT
public:
    // Larger pictures are shrunk on load: the models take 28 to 96 pixels, and a 24-megapixel
    // photo would be 72 MB of planes to copy for every prediction.
    static constexpr int kMaxSide = 1024;

    explicit ImagePanel(QWidget* parent = nullptr);

    // Each starts a decode on the thread pool; pictureChanged() or an error message follows.
    // A newer request makes an older one's result be dropped.
    void openFile(const QString& path);
    void setImage(const QImage& image, const QString& origin);
    // An already decoded picture (a dataset sample): shown at once.
    void setPicture(const DecodedImage& picture, const QString& origin);
    void openDialog();
    void paste();

    bool isLoading() const { return m_loading; }
    bool hasPicture() const { return !m_picture.empty(); }
    // Planar, 3 channels for files and pastes; what the predictor is given.
    const DecodedImage& picture() const { return m_picture; }
    // The line under the picture: where it came from, or why nothing is shown.
    QString message() const { return m_messageText; }
    bool hasError() const { return m_error; }
    QLabel* pictureLabel() const { return m_view; }
    QPushButton* openButton() const { return m_open; }
    QPushButton* pasteButton() const { return m_paste; }
    QPushButton* sampleButton() const { return m_sample; }

signals:
    // picture() holds a new picture to predict.
    void pictureChanged();
    // "Random test image": the owner knows the dataset.
    void sampleRequested();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Loaded {
        DecodedImage picture;
        QImage display;
        QString error;
    };
    void load(const QString& origin, std::function<Loaded()> job);
    void showLoaded(const Loaded& loaded, const QString& origin);
    void setMessage(const QString& text, bool error);
    void rescale();

    int m_generation = 0;
    bool m_loading = false;
    DecodedImage m_picture;
    QImage m_display;
    QString m_messageText;
    bool m_error = false;
    QLabel* m_view;
    QLabel* m_message;
    QPushButton* m_open;
    QPushButton* m_paste;
    QPushButton* m_sample;
};

}  // namespace kanalab::ui
