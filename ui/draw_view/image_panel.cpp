// SPDX-License-Identifier: GPL-3.0-or-later
#include "draw_view/image_panel.h"

#include "common/images.h"

#include <QApplication>
#include <QClipboard>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent>

#include <algorithm>
#include <cmath>

namespace kanalab::ui {
namespace {

const QColor kBad(208, 69, 58);

// Shrinks to kMaxSide a side, aspect kept (fitImage pads nothing when the shape matches).
DecodedImage capSize(DecodedImage picture) {
    const int side = std::max(picture.rows, picture.cols);
    if (side <= ImagePanel::kMaxSide)
        return picture;
    const double scale = static_cast<double>(ImagePanel::kMaxSide) / side;
    const int rows = std::max(1, static_cast<int>(std::lround(picture.rows * scale)));
    const int cols = std::max(1, static_cast<int>(std::lround(picture.cols * scale)));
    return fitImage(picture, rows, cols, FitMode::Pad);
}

}  // namespace

ImagePanel::ImagePanel(QWidget* parent) : QWidget(parent) {
    setAcceptDrops(true);
    m_view = new QLabel;
    m_view->setAlignment(Qt::AlignCenter);
    m_view->setMinimumSize(200, 200);
    m_view->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    m_view->setFrameShape(QFrame::StyledPanel);
    m_view->setText(tr("Open, drop or paste an image\n(a photo of a thing of one of the model's classes)"));
    m_view->setToolTip(tr("Drop an image file or an image here, or paste one with Ctrl+V"));
    m_message = new QLabel;
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_open = new QPushButton(tr("Open image…"));
    m_paste = new QPushButton(tr("Paste"));
    m_paste->setToolTip(tr("Read an image from the clipboard (Ctrl+V)"));
    m_sample = new QPushButton(tr("Random test image"));
    m_sample->setToolTip(tr("Load a random image of the model's dataset (test split) when it is on this computer"));

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(m_open);
    buttons->addWidget(m_paste);
    buttons->addWidget(m_sample);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_message);
    layout->addLayout(buttons);

    connect(m_open, &QPushButton::clicked, this, &ImagePanel::openDialog);
    connect(m_paste, &QPushButton::clicked, this, &ImagePanel::paste);
    connect(m_sample, &QPushButton::clicked, this, &ImagePanel::sampleRequested);
    setMessage(QString(), false);
}

void ImagePanel::openFile(const QString& path) {
    const std::string file = path.toStdString();
    load(QFileInfo(path).fileName(), [file] {
        Loaded loaded;
        try {
            // The import's decoder: a photo is read here exactly as a dataset's images were.
            loaded.picture = capSize(loadImageFile(file, 3));
            loaded.display = pictureToImage(loaded.picture);
        } catch (const std::exception& e) {
            loaded.error = QString::fromStdString(e.what());
        }
        return loaded;
    });
}

void ImagePanel::setImage(const QImage& image, const QString& origin) {
    if (image.isNull()) {
        setMessage(tr("%1 holds no image KanaLab can read.").arg(origin), true);
        return;
    }
    load(origin, [image] {
        Loaded loaded;
        try {
            loaded.picture = capSize(imageToPicture(image));
            loaded.display = pictureToImage(loaded.picture);
        } catch (const std::exception& e) {
            loaded.error = QString::fromStdString(e.what());
        }
        return loaded;
    });
}

void ImagePanel::setPicture(const DecodedImage& picture, const QString& origin) {
    ++m_generation;  // anything still decoding is older than this
    m_loading = false;
    Loaded loaded;
    loaded.picture = picture;
    loaded.display = pictureToImage(picture);
    showLoaded(loaded, origin);
}

void ImagePanel::openDialog() {
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open an image"), QString(),
        tr("Images (*.png *.jpg *.jpeg *.bmp *.gif *.webp *.tif *.tiff *.pgm *.ppm);;All files (*)"));
    if (!path.isEmpty())
        openFile(path);
}

void ImagePanel::paste() {
    const QMimeData* mime = QApplication::clipboard()->mimeData();
    if (mime && mime->hasUrls() && !mime->urls().isEmpty() && mime->urls().front().isLocalFile()) {
        openFile(mime->urls().front().toLocalFile());
        return;
    }
    if (mime && mime->hasImage()) {
        setImage(qvariant_cast<QImage>(mime->imageData()), tr("The pasted image"));
        return;
    }
    setMessage(tr("The clipboard holds no image: copy an image or an image file first."), true);
}

void ImagePanel::load(const QString& origin, std::function<Loaded()> job) {
    const int generation = ++m_generation;
    m_loading = true;
    setMessage(tr("Reading %1…").arg(origin), false);
    // One watcher per request: a newer picture never waits for an older, larger one.
    auto* watcher = new QFutureWatcher<Loaded>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation, origin] {
        const Loaded loaded = watcher->result();
        watcher->deleteLater();
        if (generation != m_generation)
            return;  // overtaken by a newer picture
        m_loading = false;
        showLoaded(loaded, origin);
    });
    watcher->setFuture(QtConcurrent::run(std::move(job)));
}

void ImagePanel::showLoaded(const Loaded& loaded, const QString& origin) {
    if (!loaded.error.isEmpty()) {
        // The last good picture stays: the message says what happened to the new one.
        setMessage(loaded.error, true);
        return;
    }
    m_picture = loaded.picture;
    m_display = loaded.display;
    rescale();
    setMessage(tr("%1 · %2 × %3").arg(origin).arg(m_picture.cols).arg(m_picture.rows), false);
    emit pictureChanged();
}

void ImagePanel::setMessage(const QString& text, bool error) {
    m_messageText = text;
    m_error = error && !text.isEmpty();
    m_message->setText(m_error
                           ? QStringLiteral("<span style=\"color:%1\">%2</span>").arg(kBad.name(), text.toHtmlEscaped())
                           : text.toHtmlEscaped());
}

void ImagePanel::rescale() {
    if (m_display.isNull())
        return;
    const QSize room = m_view->contentsRect().size() - QSize(4, 4);
    // Small pictures (a 32 x 32 sample) are enlarged pixel for pixel, so what is shown is what
    // the model gets; photos are scaled smoothly.
    const bool small = m_display.width() < room.width() / 2 && m_display.height() < room.height() / 2;
    m_view->setPixmap(QPixmap::fromImage(m_display.scaled(room.expandedTo(QSize(16, 16)), Qt::KeepAspectRatio,
                                                          small ? Qt::FastTransformation : Qt::SmoothTransformation)));
}

void ImagePanel::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    rescale();
}

void ImagePanel::dragEnterEvent(QDragEnterEvent* event) {
    if (event->mimeData()->hasUrls() || event->mimeData()->hasImage())
        event->acceptProposedAction();
}

void ImagePanel::dropEvent(QDropEvent* event) {
    const QMimeData* mime = event->mimeData();
    if (mime->hasUrls() && !mime->urls().isEmpty()) {
        const QUrl url = mime->urls().front();
        if (url.isLocalFile())
            openFile(url.toLocalFile());
        else
            setMessage(tr("%1 is not a file on this computer: save the image first, then drop the file.")
                           .arg(url.toDisplayString()),
                       true);
        event->acceptProposedAction();
        return;
    }
    if (mime->hasImage()) {
        setImage(qvariant_cast<QImage>(mime->imageData()), tr("The dropped image"));
        event->acceptProposedAction();
        return;
    }
    setMessage(tr("Drop an image file or an image."), true);
}

}  // namespace kanalab::ui
