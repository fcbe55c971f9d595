// The standard-mode retry rules and backoff of the AWS SDKs.
#include "aws/RetryPolicy.h"

#include <QTest>

using namespace thingdeck;
using namespace std::chrono_literals;

class TestRetryPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldRetry_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::addColumn<int>("attempt");
        QTest::addColumn<bool>("retry");

        const int service = int(AwsError::Kind::Service);
        QTest::newRow("429 first attempt") << service << 429 << QString() << 1 << true;
        QTest::newRow("429 third attempt is the last") << service << 429 << QString() << 3 << false;
        QTest::newRow("400 ThrottlingException")
            << service << 400 << QStringLiteral("ThrottlingException") << 1 << true;
        QTest::newRow("400 InvalidRequestException")
            << service << 400 << QStringLiteral("InvalidRequestException") << 1 << false;
        QTest::newRow("403 InvalidSignatureException")
            << service << 403 << QStringLiteral("InvalidSignatureException") << 1 << false;
        QTest::newRow("404") << service << 404 << QStringLiteral("ResourceNotFoundException") << 1
                             << false;
        QTest::newRow("409") << service << 409 << QStringLiteral("ConflictException") << 1 << false;
        QTest::newRow("500") << service << 500 << QString() << 2 << true;
        QTest::newRow("503") << service << 503 << QStringLiteral("ServiceUnavailableException") << 1
                             << true;
        QTest::newRow("network") << int(AwsError::Kind::Network) << 0 << QString() << 1 << true;
        QTest::newRow("timeout") << int(AwsError::Kind::Timeout) << 0 << QString() << 2 << true;
        QTest::newRow("tls") << int(AwsError::Kind::Tls) << 0 << QString() << 1 << false;
        QTest::newRow("cancelled")
            << int(AwsError::Kind::Cancelled) << 0 << QString() << 1 << false;
        QTest::newRow("credentials")
            << int(AwsError::Kind::Credentials) << 0 << QString() << 1 << false;
    }

    void shouldRetry()
    {
        QFETCH(int, kind);
        QFETCH(int, status);
        QFETCH(QString, code);
        QFETCH(int, attempt);
        QFETCH(bool, retry);
        AwsError error;
        error.kind = AwsError::Kind(kind);
        error.httpStatus = status;
        error.code = code;
        QCOMPARE(RetryPolicy().shouldRetry(error, attempt), retry);
    }

    void backoff_data()
    {
        QTest::addColumn<int>("attempt");
        QTest::addColumn<double>("random");
        QTest::addColumn<qint64>("milliseconds");

        QTest::newRow("first retry, full jitter") << 1 << 0.5 << qint64(500);
        QTest::newRow("second retry doubles") << 2 << 0.5 << qint64(1000);
        QTest::newRow("third") << 3 << 1.0 << qint64(4000);
        QTest::newRow("capped at 20 s") << 10 << 1.0 << qint64(20000);
        QTest::newRow("zero jitter") << 4 << 0.0 << qint64(0);
        QTest::newRow("huge attempt does not overflow") << 1000 << 0.25 << qint64(5000);
    }

    void backoff()
    {
        QFETCH(int, attempt);
        QFETCH(double, random);
        QFETCH(qint64, milliseconds);
        QCOMPARE(RetryPolicy().backoff(attempt, random).count(), milliseconds);
    }
};

QTEST_GUILESS_MAIN(TestRetryPolicy)
#include "tst_retrypolicy.moc"
