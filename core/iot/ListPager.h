#pragma once

#include "aws/AwsClient.h"
#include "iot/IotError.h"

#include <QMetaObject>
#include <QObject>
#include <QPointer>

#include <functional>
#include <map>
#include <memory>

namespace thingdeck {

/// Runs a paginated AWS list operation to its end: one page at a time (never two requests in
/// flight, so a long listing does not crowd out other calls), following `nextToken` until a
/// page comes without one. Reports progress after every page and can be cancelled between
/// or during pages; after cancel() no further request is sent.
class ListPager : public QObject
{
    Q_OBJECT
public:
    using Id = quint64;
    /// The request for one page; `nextToken` is empty for the first.
    using RequestFor = std::function<AwsRequest(const QString &nextToken)>;
    /// Takes one page's answer and keeps its items: how many there were, or why the page is
    /// not what the operation answers.
    using TakePage = std::function<Result<int, QString>(const QJsonObject &page)>;
    using Progress = std::function<void(int itemsSoFar, int pagesSoFar)>;
    using Finished = std::function<void(const IotOutcome &)>;

    /// One listing: how to ask for a page, what to do with it, whom to tell.
    struct Listing
    {
        RequestFor request;
        TakePage take;
        Progress progress; ///< optional
        Finished finished;
    };

    explicit ListPager(QObject *parent = nullptr);
    ~ListPager() override;
    Q_DISABLE_COPY_MOVE(ListPager)

    /// Starts a listing. `progress` and `finished` run on the event loop, never inside
    /// start(); nothing is reported, and no further page asked for, once `context` is
    /// destroyed. `finished` runs exactly once otherwise.
    Id start(AwsClient *client, Listing listing, QObject *context);
    /// Stops a listing: its request in flight is aborted, no further page is asked for, and
    /// `finished` receives a Cancelled error. Unknown or finished ids are ignored, so it is
    /// safe to call from the progress callback.
    void cancel(Id id);
    /// Listings started and not yet finished.
    int activeCount() const { return int(m_jobs.size()); }

private:
    struct Job;

    void requestPage(Id id);
    void onPage(Id id, const AwsClient::CallResult &result);
    static Result<QString, QString> takePage(Job &job, const QJsonObject &page);
    void finish(Id id, const IotOutcome &outcome);
    std::unique_ptr<Job> remove(Id id);
    Job *find(Id id);

    std::map<Id, std::unique_ptr<Job>> m_jobs;
    Id m_nextId = 1;
};

} // namespace thingdeck
