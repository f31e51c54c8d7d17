// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "data/catalogue.h"
#include "data/downloader.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <vector>

class QThread;

namespace kanalab::ui {

// One downloadDataset() call on a thread of its own (qBittorrent's job shape): the dataset,
// splits and target go in once, progress and the end come back as queued signals on the
// owner's thread. Cancel is an atomic flag the downloader checks while bytes flow, so it acts
// within a second even though the worker thread never returns to an event loop.
class DownloadJob : public QObject {
    Q_OBJECT
public:
    DownloadJob(const DatasetInfo& info, std::vector<Split> splits, QString targetRoot, QString mirror,
                QObject* parent = nullptr);
    // Cancels and waits: a job never outlives its owner.
    ~DownloadJob() override;

    void start();
    void cancel() { m_cancel = true; }
    bool isRunning() const;
    const DatasetInfo& dataset() const { return m_info; }
    const QString& targetRoot() const { return m_targetRoot; }

signals:
    void progress(const kanalab::DownloadProgress& progress);
    // After the download, for a dataset decoded once into a cache (Kuzushiji-Kanji's PNGs):
    // images done of total, as the conversion goes.
    void converting(qint64 done, qint64 total, double imagesPerSecond);
    // ok: every file is in place; cancelled: the user asked; message: what happened, one
    // sentence from the downloader when it failed (checksum, HTTP status, network).
    void finished(bool ok, bool cancelled, const QString& message);

private:
    const DatasetInfo& m_info;
    std::vector<Split> m_splits;
    QString m_targetRoot;
    QString m_mirror;
    std::atomic<bool> m_cancel{false};
    QThread* m_thread = nullptr;
};

}  // namespace kanalab::ui

Q_DECLARE_METATYPE(kanalab::DownloadProgress)
