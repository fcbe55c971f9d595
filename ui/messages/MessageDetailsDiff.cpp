#include "messages/MessageDetailsDiff.h"

#include "common/JsonHighlighter.h"
#include "messages/MessageDetailsHeader.h"
#include "messages/MessageDetailsNotice.h"
#include "mqtt/PayloadFormatter.h"
#include "shadow/DiffView.h"

#include <QDateTime>
#include <QEvent>
#include <QFontDatabase>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QStackedWidget>
#include <QSyntaxHighlighter>
#include <QVBoxLayout>

#include <vector>

namespace thingdeck {

namespace {

enum Page { SentencePage, JsonPage, TextPage };

// Beyond this many cells the line comparison stops looking for common lines in the middle.
constexpr qsizetype kMaxDiffCells = 4'000'000;

/// Colours "- " lines red and "+ " lines green, readable on the edit's current palette.
class LineDiffHighlighter : public QSyntaxHighlighter
{
public:
    LineDiffHighlighter(QTextDocument *document, QWidget *widget)
        : QSyntaxHighlighter(document)
        , m_widget(widget)
    {}

protected:
    void highlightBlock(const QString &text) override
    {
        if (text.startsWith(u'+'))
            setFormat(0, int(text.size()),
                      JsonHighlighter::readableColor(m_widget->palette(), 130));
        else if (text.startsWith(u'-'))
            setFormat(0, int(text.size()), JsonHighlighter::readableColor(m_widget->palette(), 0));
    }

private:
    QWidget *m_widget;
};

struct LineDiff
{
    QStringList lines;
    int removed = 0;
    int added = 0;
};

/// The common lines of a and b in order (longest common subsequence), by dynamic programming.
void diffMiddle(const QStringList &a, const QStringList &b, LineDiff &out)
{
    const qsizetype n = a.size();
    const qsizetype m = b.size();
    std::vector<quint32> table(size_t((n + 1) * (m + 1)), 0);
    const auto at = [&table, m](qsizetype i, qsizetype j) -> quint32 & {
        return table[size_t(i * (m + 1) + j)];
    };
    for (qsizetype i = n - 1; i >= 0; --i) {
        for (qsizetype j = m - 1; j >= 0; --j)
            at(i, j) =
                a.at(i) == b.at(j) ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
    }
    qsizetype i = 0;
    qsizetype j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a.at(i) == b.at(j)) {
            out.lines += QStringLiteral("  ") + a.at(i++);
            ++j;
        } else if (i < n && (j == m || at(i + 1, j) >= at(i, j + 1))) {
            out.lines += QStringLiteral("- ") + a.at(i++);
            ++out.removed;
        } else {
            out.lines += QStringLiteral("+ ") + b.at(j++);
            ++out.added;
        }
    }
}

/// A's lines, then b's: the comparison when the middle is too big to search.
void diffAll(const QStringList &a, const QStringList &b, LineDiff &out)
{
    for (const QString &line : a)
        out.lines += QStringLiteral("- ") + line;
    for (const QString &line : b)
        out.lines += QStringLiteral("+ ") + line;
    out.removed += int(a.size());
    out.added += int(b.size());
}

LineDiff diffLines(const QStringList &a, const QStringList &b)
{
    qsizetype prefix = 0;
    while (prefix < a.size() && prefix < b.size() && a.at(prefix) == b.at(prefix))
        ++prefix;
    qsizetype suffix = 0;
    while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
           a.at(a.size() - 1 - suffix) == b.at(b.size() - 1 - suffix))
        ++suffix;
    LineDiff diff;
    for (qsizetype i = 0; i < prefix; ++i)
        diff.lines += QStringLiteral("  ") + a.at(i);
    const QStringList middleA = a.mid(prefix, a.size() - prefix - suffix);
    const QStringList middleB = b.mid(prefix, b.size() - prefix - suffix);
    if ((middleA.size() + 1) * (middleB.size() + 1) <= kMaxDiffCells)
        diffMiddle(middleA, middleB, diff);
    else
        diffAll(middleA, middleB, diff);
    for (qsizetype i = a.size() - suffix; i < a.size(); ++i)
        diff.lines += QStringLiteral("  ") + a.at(i);
    return diff;
}

QString titleOf(const QString &what, const MqttMessage &message)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(message.timestampMs, Qt::UTC);
    return what + QStringLiteral(" \u00b7 ") +
           time.toLocalTime().toString(QStringLiteral("HH:mm:ss.zzz"));
}

std::optional<QJsonObject> jsonObject(const QByteArray &payload)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(payload, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

bool isText(const QByteArray &payload)
{
    return PayloadFormatter::detect(payload) != PayloadFormatter::Kind::Binary;
}

} // namespace

MessageDetailsDiff::MessageDetailsDiff(QWidget *parent)
    : QWidget(parent)
    , m_notice(new MessageDetailsNotice(tr("Comparison note"), this))
    , m_summary(new QLabel(this))
    , m_stack(new QStackedWidget(this))
    , m_diffView(new DiffView(this))
    , m_textDiff(new QPlainTextEdit(this))
    , m_highlighter(new LineDiffHighlighter(m_textDiff->document(), m_textDiff))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_notice);
    m_summary->setObjectName(QStringLiteral("diffSummary"));
    m_summary->setAccessibleName(tr("Comparison summary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    m_diffView->setObjectName(QStringLiteral("diffView"));
    m_textDiff->setObjectName(QStringLiteral("textDiff"));
    m_textDiff->setReadOnly(true);
    m_textDiff->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_textDiff->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_textDiff->setAccessibleName(tr("Line differences"));
    m_textDiff->setToolTip(tr("Lines starting with - were in the previous message, lines "
                              "starting with + are new in this one"));
    m_stack->addWidget(new QWidget(m_stack));
    m_stack->addWidget(m_diffView);
    m_stack->addWidget(m_textDiff);
    layout->addWidget(m_stack, 1);
    connect(m_notice, &MessageDetailsNotice::buttonClicked, this, &MessageDetailsDiff::compare);
}

void MessageDetailsDiff::setMessages(const MqttMessage &message, const MqttMessage *previous)
{
    m_current = message.payload;
    m_currentTitle = titleOf(tr("This message"), message);
    m_hasPrevious = previous != nullptr;
    m_previous = previous ? previous->payload : QByteArray();
    m_previousTitle = previous ? titleOf(tr("Previous"), *previous) : QString();
    m_compared = false;
    m_notice->hide();
}

void MessageDetailsDiff::clear()
{
    m_current.clear();
    m_previous.clear();
    m_hasPrevious = false;
    m_compared = false;
    m_notice->hide();
    m_summary->clear();
    m_textDiff->clear();
    m_diffView->setDocuments({}, {}, {}, {});
}

void MessageDetailsDiff::ensureCompared()
{
    if (m_compared)
        return;
    m_compared = true;
    const qsizetype largest = std::max(m_current.size(), m_previous.size());
    if (!m_hasPrevious || largest <= MessageDetailsNotice::kLargePayloadBytes) {
        compare();
        return;
    }
    showSentence(QString());
    m_notice->showNotice(tr("The payloads are %1 and %2; comparing them takes a moment.")
                             .arg(MessageDetailsHeader::sizeText(m_previous.size()),
                                  MessageDetailsHeader::sizeText(m_current.size())),
                         tr("&Compare"),
                         tr("Compare this message with the previous one on its topic"));
}

void MessageDetailsDiff::compare()
{
    m_notice->hide();
    if (!m_hasPrevious) {
        showSentence(tr("No earlier message on this topic."));
        return;
    }
    const std::optional<QJsonObject> previous = jsonObject(m_previous);
    const std::optional<QJsonObject> current = previous ? jsonObject(m_current) : std::nullopt;
    if (previous && current)
        showJsonDiff(*previous, *current);
    else if (isText(m_previous) && isText(m_current))
        showTextDiff(QString::fromUtf8(m_previous), QString::fromUtf8(m_current));
    else if (m_previous == m_current)
        showSentence(tr("Not JSON objects: no structured diff. The payloads are identical."));
    else
        showSentence(tr("Not JSON objects: no structured diff. The payloads differ (%1 before, "
                        "%2 now).")
                         .arg(MessageDetailsHeader::sizeText(m_previous.size()),
                              MessageDetailsHeader::sizeText(m_current.size())));
}

void MessageDetailsDiff::showSentence(const QString &sentence)
{
    m_summary->setText(sentence);
    m_stack->setCurrentIndex(SentencePage);
    m_textDiff->clear();
}

void MessageDetailsDiff::showJsonDiff(const QJsonObject &previous, const QJsonObject &current)
{
    m_diffView->setDocuments(previous, m_previousTitle, current, m_currentTitle);
    m_summary->setText(m_diffView->summary());
    m_stack->setCurrentIndex(JsonPage);
}

void MessageDetailsDiff::showTextDiff(const QString &previous, const QString &current)
{
    const LineDiff diff = diffLines(previous.split(u'\n'), current.split(u'\n'));
    m_textDiff->setPlainText(diff.lines.join(u'\n'));
    if (diff.added + diff.removed == 0)
        m_summary->setText(tr("No differences"));
    else
        m_summary->setText(tr("%1 lines removed, %2 added (previous \u2192 this message)")
                               .arg(diff.removed)
                               .arg(diff.added));
    m_stack->setCurrentIndex(TextPage);
}

QString MessageDetailsDiff::summary() const
{
    return m_summary->text();
}

void MessageDetailsDiff::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        m_highlighter->rehighlight();
}

} // namespace thingdeck
