#include "iot/ListPager.h"

#include "iot/IotCall.h"

#include <QJsonObject>

namespace thingdeck {

struct ListPager::Job
{
    QPointer<AwsClient> client;
    QPointer<QObject> context;
    QMetaObject::Connection contextWatch;
    Listing listing;
    QString operation; ///< of the first page, for messages
    QString token;
    int items = 0;
    int pages = 0;
    AwsClient::CallId call = 0;
};

ListPager::ListPager(QObject *parent)
    : QObject(parent)
{}

ListPager::~ListPager()
{
    for (auto &[id, job] : m_jobs) {
        disconnect(job->contextWatch);
        if (job->client && job->call)
            job->client->cancel(job->call);
    }
}

ListPager::Id ListPager::start(AwsClient *client, Listing listing, QObject *context)
{
    const Id id = m_nextId++;
    auto job = std::make_unique<Job>();
    job->client = client;
    job->context = context;
    job->listing = std::move(listing);
    job->operation = job->listing.request(QString()).describe();
    // A listing whose reader is gone stops at once: no further pages, nothing reported.
    job->contextWatch = connect(context, &QObject::destroyed, this, [this, id] { remove(id); });
    m_jobs.emplace(id, std::move(job));
    requestPage(id);
    return id;
}

void ListPager::cancel(Id id)
{
    std::unique_ptr<Job> job = remove(id);
    if (!job || !job->context)
        return;
    AwsError cancelled;
    cancelled.kind = AwsError::Kind::Cancelled;
    cancelled.operation = job->operation;
    cancelled.message = QStringLiteral("cancelled");
    IotCall::post<std::monostate>(job->context, job->listing.finished,
                                  fail(IotError::fromAws(cancelled)));
}

void ListPager::requestPage(Id id)
{
    Job &job = *find(id);
    if (!job.client) {
        AwsError gone;
        gone.kind = AwsError::Kind::Cancelled;
        gone.operation = job.operation;
        gone.message = QStringLiteral("the AWS client was closed");
        finish(id, fail(IotError::fromAws(gone)));
        return;
    }
    job.call = job.client->send(job.listing.request(job.token), this,
                                [this, id](const AwsClient::CallResult &r) { onPage(id, r); });
}

void ListPager::onPage(Id id, const AwsClient::CallResult &result)
{
    Job *job = find(id);
    if (!job)
        return; // cancelled: the aborted call reports here too
    job->call = 0;
    if (!result.ok()) {
        finish(id, fail(IotError::fromAws(result.error())));
        return;
    }
    const auto next = takePage(*job, result.value().json.object());
    if (!next.ok()) {
        finish(id, fail(IotError::invalidResponse(job->operation, result.value(), next.error())));
        return;
    }
    if (job->listing.progress)
        job->listing.progress(job->items, job->pages);
    if (!find(id))
        return; // cancelled from the progress callback
    if (next.value().isEmpty())
        finish(id, IotOutcome(std::monostate()));
    else
        requestPage(id);
}

// The next token, empty after the last page.
Result<QString, QString> ListPager::takePage(Job &job, const QJsonObject &page)
{
    const auto taken = job.listing.take(page);
    if (!taken.ok())
        return fail(taken.error());
    job.items += taken.value();
    ++job.pages;
    const QString next = page.value(QLatin1String("nextToken")).toString();
    // botocore stops the same way: a service repeating its token would page forever.
    if (!next.isEmpty() && next == job.token)
        return fail(QStringLiteral("the same nextToken came back twice"));
    job.token = next;
    return next;
}

void ListPager::finish(Id id, const IotOutcome &outcome)
{
    std::unique_ptr<Job> job = remove(id);
    if (job && job->context)
        job->listing.finished(outcome);
}

std::unique_ptr<ListPager::Job> ListPager::remove(Id id)
{
    auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return nullptr;
    std::unique_ptr<Job> job = std::move(it->second);
    m_jobs.erase(it);
    disconnect(job->contextWatch);
    if (job->client && job->call)
        job->client->cancel(job->call);
    return job;
}

ListPager::Job *ListPager::find(Id id)
{
    auto it = m_jobs.find(id);
    return it == m_jobs.end() ? nullptr : it->second.get();
}

} // namespace thingdeck
