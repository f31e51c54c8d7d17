// SPDX-License-Identifier: GPL-3.0-or-later
#include "draw_view/live_predictor.h"

#include "common/threads.h"

#include <QElapsedTimer>

#include <atomic>

namespace kanalab::ui {

// Lives on the predictor's thread; every slot runs there.
class PredictionWorker : public QObject {
    Q_OBJECT
public:
    void submit(GrayImage drawing, DecodedImage picture, quint64 id) {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_pending)
            ++m_dropped;
        m_pending = Pending{std::move(drawing), std::move(picture), id};
    }
    quint64 computed() const { return m_computed.load(); }
    quint64 dropped() const {
        std::lock_guard<std::mutex> lock(m_mutex);
        return m_dropped;
    }

    // Either image type: the gray input of a gray model or the colour input of a colour one.
    template <typename Image>
    void featureMap(const Image& prepared, const QString& layer) {
        if (!m_predictor)
            return;
        try {
            emit featureMapReady(m_predictor->featureMap(prepared, layer.toStdString()));
        } catch (const std::exception& e) {
            emit predictionFailed(QString::fromStdString(e.what()));
        }
    }

public slots:
    void load(const QString& path) {
        useIntraOpThreadsOnThisThread(1);
        try {
            auto predictor = std::make_unique<Predictor>(path.toStdString());
            LoadedModel model;
            model.path = QString::fromStdString(predictor->checkpointPath());
            model.architecture = predictor->architecture();
            model.dataset = predictor->dataset();
            model.classes = predictor->classes();
            model.imageLayers = predictor->imageLayers();
            model.channels = predictor->inputChannels();
            model.rows = predictor->inputRows();
            model.cols = predictor->inputCols();
            const DatasetInfo* info = tryFindDataset(model.dataset);
            model.photo = info ? info->traits.kind == ImageKind::Photo : model.channels == 3;
            m_predictor = std::move(predictor);
            emit modelLoaded(model);
        } catch (const std::exception& e) {
            emit modelFailed(QString::fromStdString(e.what()));
        }
    }

    // Queued once per request; takes whatever is newest, so surplus calls find nothing to do.
    void processPending() {
        std::optional<Pending> job;
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            job.swap(m_pending);
        }
        if (!job || !m_predictor)
            return;
        try {
            QElapsedTimer clock;
            clock.start();
            LivePrediction prediction;
            prediction.result = job->picture.empty() ? m_predictor->predictDrawing(job->drawing)
                                                     : m_predictor->predictImage(job->picture);
            prediction.latencyMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
            prediction.request = job->id;
            ++m_computed;
            emit predicted(prediction);
        } catch (const std::exception& e) {
            emit predictionFailed(QString::fromStdString(e.what()));
        }
    }

signals:
    void modelLoaded(const kanalab::ui::LoadedModel& model);
    void modelFailed(const QString& message);
    void predicted(const kanalab::ui::LivePrediction& prediction);
    void predictionFailed(const QString& message);
    void featureMapReady(const kanalab::FeatureMap& map);

private:
    struct Pending {
        GrayImage drawing;
        DecodedImage picture;  // set for a photo: predicted with predictImage instead
        quint64 id = 0;
    };
    std::unique_ptr<Predictor> m_predictor;
    mutable std::mutex m_mutex;
    std::optional<Pending> m_pending;
    quint64 m_dropped = 0;
    std::atomic<quint64> m_computed{0};
};

LivePredictor::LivePredictor(QObject* parent) : QObject(parent), m_worker(new PredictionWorker) {
    qRegisterMetaType<kanalab::ui::LoadedModel>();
    qRegisterMetaType<kanalab::ui::LivePrediction>();
    qRegisterMetaType<kanalab::FeatureMap>();
    qRegisterMetaType<kanalab::GrayImage>();
    qRegisterMetaType<kanalab::DecodedImage>();
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &PredictionWorker::modelLoaded, this, &LivePredictor::modelLoaded);
    connect(m_worker, &PredictionWorker::modelFailed, this, &LivePredictor::modelFailed);
    connect(m_worker, &PredictionWorker::predicted, this, &LivePredictor::predicted);
    connect(m_worker, &PredictionWorker::predictionFailed, this, &LivePredictor::predictionFailed);
    connect(m_worker, &PredictionWorker::featureMapReady, this, &LivePredictor::featureMapReady);
    m_thread.setObjectName(QStringLiteral("prediction"));
    m_thread.start();
}

LivePredictor::~LivePredictor() {
    m_thread.quit();
    m_thread.wait();
}

void LivePredictor::loadModel(const QString& path) {
    QMetaObject::invokeMethod(m_worker, "load", Qt::QueuedConnection, Q_ARG(QString, path));
}

quint64 LivePredictor::request(const GrayImage& drawing) {
    const quint64 id = m_nextRequest++;
    m_worker->submit(drawing, DecodedImage{}, id);
    QMetaObject::invokeMethod(m_worker, "processPending", Qt::QueuedConnection);
    return id;
}

quint64 LivePredictor::request(const DecodedImage& picture) {
    const quint64 id = m_nextRequest++;
    m_worker->submit(GrayImage{}, picture, id);
    QMetaObject::invokeMethod(m_worker, "processPending", Qt::QueuedConnection);
    return id;
}

void LivePredictor::requestFeatureMap(const GrayImage& prepared, const QString& layer) {
    // A functor, not a method name: moc records the slot as featureMap(GrayImage,QString), so a
    // by-name call with Q_ARG(kanalab::GrayImage, ...) matched nothing and silently did nothing.
    PredictionWorker* worker = m_worker;
    QMetaObject::invokeMethod(
        m_worker, [worker, prepared, layer] { worker->featureMap(prepared, layer); }, Qt::QueuedConnection);
}

void LivePredictor::requestFeatureMap(const DecodedImage& prepared, const QString& layer) {
    PredictionWorker* worker = m_worker;
    QMetaObject::invokeMethod(
        m_worker, [worker, prepared, layer] { worker->featureMap(prepared, layer); }, Qt::QueuedConnection);
}

quint64 LivePredictor::computedCount() const { return m_worker->computed(); }
quint64 LivePredictor::droppedCount() const { return m_worker->dropped(); }

}  // namespace kanalab::ui

#include "live_predictor.moc"
