// SPDX-License-Identifier: GPL-3.0-or-later
#include "data_view/download_job.h"

#include "common/error.h"
#include "common/format.h"
#include "data/builtin_datasets.h"
#include "data/import.h"

#include <QThread>

namespace kanalab::ui {

DownloadJob::DownloadJob(const DatasetInfo& info, std::vector<Split> splits, QString targetRoot, QString mirror,
                         QObject* parent)
    : QObject(parent),
      m_info(info),
      m_splits(std::move(splits)),
      m_targetRoot(std::move(targetRoot)),
      m_mirror(std::move(mirror)) {}

DownloadJob::~DownloadJob() {
    if (m_thread) {
        m_cancel = true;
        m_thread->wait();
        delete m_thread;
    }
}

bool DownloadJob::isRunning() const {
    return m_thread && m_thread->isRunning();
}

void DownloadJob::start() {
    if (m_thread)
        return;
    DownloadOptions options;
    options.mirror = m_mirror.trimmed().toStdString();
    options.cancel = &m_cancel;
    // Runs on the download thread: hand a copy to this object's thread. Posted events die with
    // the receiver, and the destructor waits for the thread, so `this` is never used dangling.
    options.progress = [this](const DownloadProgress& p) {
        QMetaObject::invokeMethod(
            this, [this, p] { emit progress(p); }, Qt::QueuedConnection);
    };
    const std::string target = m_targetRoot.toStdString();
    m_thread = QThread::create([this, options, target] {
        bool ok = false;
        bool cancelled = false;
        QString message;
        try {
            const DownloadResult result = downloadDataset(m_info, m_splits, target, options);
            ok = true;
            int fetched = 0;
            for (const auto& file : result.files)
                fetched += file.alreadyPresent ? 0 : 1;
            message = tr("%1: %n file(s) downloaded (%2) into %3", nullptr, fetched)
                          .arg(QString::fromStdString(m_info.title),
                               QString::fromStdString(formatBytes(result.bytesDownloaded)),
                               QString::fromStdString(result.folder));
            if (isConvertedAfterDownload(m_info)) {
                // Decoded once here (on every core), as `kanalab-cli download` does, so that
                // training starts at once later; cancel leaves the download and no half cache.
                ImportOptions convert;
                convert.cancel = &m_cancel;
                convert.progress = [this](const ImportProgress& p) {
                    QMetaObject::invokeMethod(
                        this, [this, p] { emit converting(p.done, p.total, p.imagesPerSecond); },
                        Qt::QueuedConnection);
                };
                for (const ImportResult& converted : convertAfterDownload(m_info, target, convert))
                    message += tr("; decoded %1 images of %2 classes into %3")
                                   .arg(QString::fromStdString(formatCount(converted.meta.totalImages())))
                                   .arg(converted.dataset->numClasses())
                                   .arg(QString::fromStdString(converted.folder));
            }
        } catch (const Cancelled&) {
            cancelled = true;
            message = tr("Download of %1 cancelled; files finished before stay, partial ones were removed.")
                          .arg(QString::fromStdString(m_info.title));
        } catch (const std::exception& e) {
            // Checksum mismatch, HTTP status, DNS or TLS trouble, a full disk: the core's
            // sentence names the URL or file and what to do.
            message = QString::fromStdString(e.what());
        }
        QMetaObject::invokeMethod(
            this, [this, ok, cancelled, message] { emit finished(ok, cancelled, message); }, Qt::QueuedConnection);
    });
    m_thread->setObjectName(QStringLiteral("download"));
    m_thread->start();
}

}  // namespace kanalab::ui
