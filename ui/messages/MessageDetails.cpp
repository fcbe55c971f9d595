#include "messages/MessageDetails.h"

#include "common/Icons.h"
#include "common/JsonHighlighter.h"
#include "messages/HexView.h"
#include "messages/MessageDetailsDiff.h"
#include "messages/MessageDetailsHeader.h"
#include "messages/MessageDetailsNotice.h"
#include "messages/MessageDetailsTextFeeder.h"

#include <QAction>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QStackedWidget>
#include <QStringDecoder>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace thingdeck {

namespace {

using Kind = PayloadFormatter::Kind;

enum Page { PlaceholderPage, MessagePage };

// How much of a large payload is looked at to tell text from binary.
constexpr qsizetype kDetectBytes = qsizetype{64} * 1024;

bool isControl(QChar c)
{
    const char16_t u = c.unicode();
    if (u == u'\t' || u == u'\n' || u == u'\r')
        return false;
    return u < 0x20 || (u >= 0x7f && u <= 0x9f);
}

/// The first `bytes` of `payload`, cut at the start of a UTF-8 sequence.
QByteArray utf8Prefix(const QByteArray &payload, qsizetype bytes)
{
    if (bytes >= payload.size())
        return payload;
    while (bytes > 0 && (quint8(payload.at(bytes)) & 0xc0) == 0x80)
        --bytes;
    return payload.left(bytes);
}

/// Whether `bytes` are valid UTF-8 without control characters (tabs and line breaks aside).
bool isText(QByteArrayView bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(bytes);
    return !decoder.hasError() && std::none_of(text.cbegin(), text.cend(), isControl);
}

/// The kind of a large payload from its first bytes, at the same cost for any size: JSON is
/// assumed from the first character and checked when the JSON tab formats it.
Kind detectFromStart(const QByteArray &payload)
{
    const QByteArray start = utf8Prefix(payload, kDetectBytes);
    if (!isText(start))
        return Kind::Binary;
    const QByteArray trimmed = start.trimmed();
    return trimmed.startsWith('{') || trimmed.startsWith('[') ? Kind::Json : Kind::Text;
}

} // namespace

MessageDetails::MessageDetails(QWidget *parent)
    : QWidget(parent)
    , m_stack(new QStackedWidget(this))
    , m_placeholder(new QLabel(tr("Select a message to see its payload."), this))
    , m_header(new MessageDetailsHeader(this))
    , m_tabs(new QTabWidget(this))
    , m_json(new QPlainTextEdit(this))
    , m_text(new QPlainTextEdit(this))
    , m_jsonNotice(new MessageDetailsNotice(tr("JSON note"), this))
    , m_textNotice(new MessageDetailsNotice(tr("Text note"), this))
    , m_highlighter(new JsonHighlighter(m_json->document(), m_json))
    , m_jsonFeeder(new MessageDetailsTextFeeder(m_json))
    , m_hex(new HexView(this))
    , m_diff(new MessageDetailsDiff(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_placeholder->setObjectName(QStringLiteral("placeholder"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setEnabled(false);
    m_stack->addWidget(m_placeholder);
    m_stack->addWidget(buildContent());
    layout->addWidget(m_stack);
    buildActions();
    connect(m_tabs, &QTabWidget::currentChanged, this, &MessageDetails::ensureFormatted);
    connect(m_jsonNotice, &MessageDetailsNotice::buttonClicked, this,
            &MessageDetails::onJsonNoticeClicked);
    connect(m_jsonFeeder, &MessageDetailsTextFeeder::progressed, this,
            &MessageDetails::showFormatProgress);
    connect(m_jsonFeeder, &MessageDetailsTextFeeder::finished, m_jsonNotice, &QWidget::hide);
    connect(m_textNotice, &MessageDetailsNotice::buttonClicked, this, &MessageDetails::showAllText);
    setAccessibleName(tr("Message details"));
    clear();
}

MessageDetails::~MessageDetails() = default;

QWidget *MessageDetails::buildContent()
{
    auto *page = new QWidget(m_stack);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->setSpacing(6);
    layout->addWidget(buildTopRow(page));
    setupEditor(m_json, QStringLiteral("jsonView"), tr("Payload as JSON"));
    setupEditor(m_text, QStringLiteral("textView"), tr("Payload as text"));
    m_text->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_hex->setObjectName(QStringLiteral("hexView"));
    m_diff->setObjectName(QStringLiteral("diff"));
    m_tabs->setObjectName(QStringLiteral("payloadTabs"));
    m_tabs->setAccessibleName(tr("Payload views"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(buildEditorTab(m_json, m_jsonNotice), tr("JSON"));
    m_tabs->addTab(buildEditorTab(m_text, m_textNotice), tr("Text"));
    m_tabs->addTab(m_hex, tr("Hex"));
    m_tabs->addTab(m_diff, tr("Diff"));
    m_tabs->setTabToolTip(TextTab, tr("The payload as UTF-8 text; invalid bytes show as \ufffd"));
    m_tabs->setTabToolTip(HexTab, tr("Every byte of the payload: offset, hex and ASCII"));
    m_tabs->setTabToolTip(DiffTab, tr("This message against the previous one on its topic"));
    layout->addWidget(m_tabs, 1);
    return page;
}

QWidget *MessageDetails::buildTopRow(QWidget *parent)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_header, 1);
    m_copyTopic = new QAction(Icons::get(QStringLiteral("edit-copy")), tr("Copy &Topic"), this);
    m_copyTopic->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    m_copyPayload = new QAction(Icons::get(QStringLiteral("edit-copy")), tr("Copy &Payload"), this);
    m_copyPayload->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    for (QAction *action : {m_copyTopic, m_copyPayload}) {
        auto *button = new QToolButton(row);
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        button->setAccessibleName(action->text().remove(QLatin1Char('&')));
        layout->addWidget(button, 0, Qt::AlignTop);
    }
    return row;
}

QWidget *MessageDetails::buildEditorTab(QPlainTextEdit *edit, MessageDetailsNotice *notice)
{
    auto *tab = new QWidget(m_tabs);
    auto *layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->setSpacing(0);
    notice->setParent(tab);
    notice->layout()->setContentsMargins(6, 0, 6, 4);
    layout->addWidget(notice);
    edit->setParent(tab);
    layout->addWidget(edit, 1);
    return tab;
}

void MessageDetails::setupEditor(QPlainTextEdit *edit, const QString &name,
                                 const QString &accessible)
{
    edit->setObjectName(name);
    edit->setAccessibleName(accessible);
    edit->setReadOnly(true);
    edit->document()->setUndoRedoEnabled(false);
    edit->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
}

void MessageDetails::buildActions()
{
    m_copyTopic->setToolTip(tr("Copy the topic to the clipboard (%1)")
                                .arg(m_copyTopic->shortcut().toString(QKeySequence::NativeText)));
    m_copyPayload->setToolTip(
        tr("Copy the whole payload to the clipboard: as text when it is UTF-8, else as a hex "
           "dump (%1)")
            .arg(m_copyPayload->shortcut().toString(QKeySequence::NativeText)));
    for (QAction *action : {m_copyTopic, m_copyPayload}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
    }
    connect(m_copyTopic, &QAction::triggered, this,
            [this] { emit copyRequested(m_message.topic); });
    connect(m_copyPayload, &QAction::triggered, this,
            [this] { emit copyRequested(payloadCopyText()); });
}

void MessageDetails::showMessage(const MqttMessage &message, const MqttMessage *previous)
{
    m_jsonFeeder->stop();
    m_message = message;
    m_kind =
        isLarge() ? detectFromStart(message.payload) : PayloadFormatter::detect(message.payload);
    m_filled.fill(false);
    m_header->showMessage(message);
    m_hex->setData(message.payload);
    m_filled[HexTab] = true;
    m_diff->setMessages(message, previous);
    m_stack->setCurrentIndex(MessagePage);
    // Only the tab shown at the end is filled, not the ones passed on the way.
    const QSignalBlocker blocker(m_tabs);
    updateTabStates();
    m_tabs->setCurrentIndex(defaultTab());
    ensureFormatted(m_tabs->currentIndex());
}

void MessageDetails::clear()
{
    m_message = {};
    m_kind = Kind::Empty;
    m_filled.fill(false);
    m_jsonFeeder->stop();
    m_json->clear();
    m_text->clear();
    m_hex->setData({});
    m_diff->clear();
    m_copyPayload->setEnabled(false);
    m_copyTopic->setEnabled(false);
    m_stack->setCurrentIndex(PlaceholderPage);
}

bool MessageDetails::hasMessage() const
{
    return m_stack->currentIndex() == MessagePage;
}

QString MessageDetails::placeholderText() const
{
    return hasMessage() ? QString() : m_placeholder->text();
}

void MessageDetails::updateTabStates()
{
    const bool json = m_kind == Kind::Json;
    m_tabs->setTabEnabled(JsonTab, json);
    m_tabs->setTabToolTip(JsonTab, json ? tr("The payload as indented, coloured JSON")
                                        : tr("The payload is not JSON"));
    m_copyPayload->setEnabled(!m_message.payload.isEmpty());
    m_copyTopic->setEnabled(true);
}

MessageDetails::Tab MessageDetails::defaultTab() const
{
    switch (m_kind) {
    case Kind::Json:
        return isLarge() ? TextTab : JsonTab;
    case Kind::Binary:
        return HexTab;
    case Kind::Text:
    case Kind::Empty:
        break;
    }
    return TextTab;
}

void MessageDetails::ensureFormatted(int tab)
{
    if (tab < 0 || tab >= TabCount || m_filled.at(size_t(tab)) || !hasMessage())
        return;
    m_filled.at(size_t(tab)) = true;
    if (tab == JsonTab)
        fillJson();
    else if (tab == TextTab)
        fillText();
    else if (tab == DiffTab)
        m_diff->ensureCompared();
}

void MessageDetails::fillJson()
{
    m_jsonNotice->hide();
    if (m_kind != Kind::Json) {
        setJsonText({}, true);
        return;
    }
    if (!isLarge()) {
        setJsonText(PayloadFormatter::indentJson(QString::fromUtf8(m_message.payload)), true);
        return;
    }
    setJsonText({}, true);
    m_jsonNotice->showNotice(tr("This payload is %1; indenting and showing it takes a moment.")
                                 .arg(MessageDetailsHeader::sizeText(m_message.payload.size())),
                             tr("&Format as JSON"),
                             tr("Indent the payload as JSON (without colours, as it is large)"));
}

void MessageDetails::onJsonNoticeClicked()
{
    if (!m_jsonFeeder->isRunning()) {
        formatJson();
        return;
    }
    const int percent = m_jsonFeeder->percent();
    m_jsonFeeder->stop();
    m_jsonNotice->showNotice(tr("Stopped at %1%; the rest is not shown. Copy Payload copies all "
                                "of the payload.")
                                 .arg(percent),
                             tr("&Format as JSON"), tr("Indent the whole payload again"));
}

void MessageDetails::showFormatProgress(int percent)
{
    m_jsonNotice->showNotice(tr("Formatting %1 of JSON… %2%")
                                 .arg(MessageDetailsHeader::sizeText(m_message.payload.size()))
                                 .arg(percent),
                             tr("&Stop"), tr("Stop formatting; what is shown so far stays"));
}

void MessageDetails::formatJson()
{
    QJsonParseError error;
    QJsonDocument::fromJson(m_message.payload, &error);
    if (error.error != QJsonParseError::NoError) {
        m_jsonNotice->showNotice(
            tr("Not valid JSON: %1 at byte %2.").arg(error.errorString()).arg(error.offset));
        return;
    }
    m_jsonNotice->hide();
    const QString indented = PayloadFormatter::indentJson(QString::fromUtf8(m_message.payload));
    if (!isLarge()) {
        setJsonText(indented, true);
        return;
    }
    setJsonText({}, false);
    m_jsonFeeder->start(indented);
}

void MessageDetails::setJsonText(const QString &text, bool highlighted)
{
    m_jsonFeeder->stop();
    // Colouring runs over the whole document at once, far too slow for megabytes of JSON.
    m_json->clear();
    m_highlighter->setDocument(highlighted ? m_json->document() : nullptr);
    m_json->setPlainText(text);
}

void MessageDetails::fillText()
{
    m_textNotice->hide();
    m_text->setPlaceholderText(m_message.payload.isEmpty() ? tr("The payload is empty.")
                                                           : QString());
    if (m_message.payload.size() <= kTextPreviewBytes) {
        m_text->setPlainText(QString::fromUtf8(m_message.payload));
        return;
    }
    m_text->setPlainText(QString::fromUtf8(utf8Prefix(m_message.payload, kTextPreviewBytes)));
    m_textNotice->showNotice(tr("Showing the first %1 of %2.")
                                 .arg(MessageDetailsHeader::sizeText(kTextPreviewBytes),
                                      MessageDetailsHeader::sizeText(m_message.payload.size())),
                             tr("Show &All"),
                             tr("Show the whole payload as text; Copy Payload copies all of it"));
}

void MessageDetails::showAllText()
{
    m_textNotice->hide();
    m_text->setPlainText(QString::fromUtf8(m_message.payload));
}

QString MessageDetails::payloadCopyText() const
{
    // A large payload's kind comes from its start; the copy checks all of it.
    const bool binary = isLarge() ? !isText(m_message.payload) : m_kind == Kind::Binary;
    if (binary)
        return PayloadFormatter::hexDump(m_message.payload);
    return QString::fromUtf8(m_message.payload);
}

bool MessageDetails::isLarge() const
{
    return m_message.payload.size() > MessageDetailsNotice::kLargePayloadBytes;
}

} // namespace thingdeck
