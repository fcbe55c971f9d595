#include "messages/PublishPayloadEditor.h"

#include "common/JsonHighlighter.h"
#include "mqtt/PayloadFormatter.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QTextCursor>
#include <QVBoxLayout>

namespace thingdeck {

namespace {

bool isHexDigit(QChar c)
{
    const char16_t u = c.unicode();
    return (u >= u'0' && u <= u'9') || (u >= u'a' && u <= u'f') || (u >= u'A' && u <= u'F');
}

} // namespace

PublishPayloadEditor::PublishPayloadEditor(QWidget *parent)
    : QWidget(parent)
    , m_mode(new QComboBox(this))
    , m_reformat(new QPushButton(tr("Reformat JSON"), this))
    , m_edit(new QPlainTextEdit(this))
    , m_highlighter(new JsonHighlighter(m_edit->document(), m_edit))
    , m_note(new QLabel(this))
{
    m_mode->addItem(tr("Text"));
    m_mode->addItem(tr("Hex"));
    m_mode->setAccessibleName(tr("Payload input mode"));
    m_mode->setToolTip(tr("Text: the payload as typed, in UTF-8. Hex: the exact bytes as pairs "
                          "of hex digits; spaces are ignored."));
    m_reformat->setAccessibleName(tr("Reformat JSON payload"));
    m_reformat->setToolTip(tr("Indent the JSON payload, one value per line (Ctrl+Shift+F)"));
    m_edit->setAccessibleName(tr("Payload"));
    m_edit->setPlaceholderText(tr("Payload: JSON or any text"));
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_edit->setTabChangesFocus(true);
    m_edit->setMinimumHeight(m_edit->fontMetrics().lineSpacing() * 4);
    m_note->setAccessibleName(tr("Payload check"));

    auto *top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(new QLabel(tr("Payload"), this));
    top->addStretch(1);
    top->addWidget(m_mode);
    top->addWidget(m_reformat);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(top);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_note);

    auto *shortcut = new QShortcut(QKeySequence(tr("Ctrl+Shift+F")), m_edit);
    shortcut->setContext(Qt::WidgetShortcut);
    connect(shortcut, &QShortcut::activated, this, &PublishPayloadEditor::reformat);
    connect(m_reformat, &QPushButton::clicked, this, &PublishPayloadEditor::reformat);
    connect(m_mode, &QComboBox::activated, this, &PublishPayloadEditor::onModeActivated);
    connect(m_edit, &QPlainTextEdit::textChanged, this, &PublishPayloadEditor::updateNote);
    connect(m_edit, &QPlainTextEdit::textChanged, this, &PublishPayloadEditor::changed);
    updateNote();
}

QSize PublishPayloadEditor::sizeHint() const
{
    const QSize full = QWidget::sizeHint();
    const int editor = m_edit->fontMetrics().lineSpacing() * 6 + 2 * m_edit->frameWidth() + 8;
    return {full.width(), full.height() - m_edit->sizeHint().height() + editor};
}

Result<QByteArray, QString> PublishPayloadEditor::payload() const
{
    if (m_current == Mode::Hex)
        return parseHex(m_edit->toPlainText());
    return m_edit->toPlainText().toUtf8();
}

void PublishPayloadEditor::setPayload(const QByteArray &payload)
{
    if (m_current == Mode::Text &&
        PayloadFormatter::detect(payload) == PayloadFormatter::Kind::Binary) {
        m_current = Mode::Hex;
        m_mode->setCurrentIndex(1);
        m_highlighter->setDocument(nullptr);
    }
    m_edit->setPlainText(m_current == Mode::Hex ? toHex(payload) : QString::fromUtf8(payload));
    updateNote();
    emit changed();
}

PublishPayloadEditor::Mode PublishPayloadEditor::mode() const
{
    return m_current;
}

bool PublishPayloadEditor::setMode(Mode mode)
{
    if (mode == m_current)
        return true;
    const auto bytes = payload();
    if (!bytes.ok()) {
        m_mode->setCurrentIndex(int(m_current));
        return false;
    }
    m_current = mode;
    m_mode->setCurrentIndex(int(mode));
    // Highlighting hex digits as JSON numbers would only be noise.
    m_highlighter->setDocument(mode == Mode::Text ? m_edit->document() : nullptr);
    m_edit->setPlainText(mode == Mode::Hex ? toHex(bytes.value())
                                           : QString::fromUtf8(bytes.value()));
    m_reformat->setEnabled(mode == Mode::Text && isJson());
    emit changed();
    return true;
}

void PublishPayloadEditor::onModeActivated(int index)
{
    if (!setMode(Mode(index)))
        m_note->setText(tr("Fix the hex first: %1").arg(parseHex(m_edit->toPlainText()).error()));
}

QString PublishPayloadEditor::toHex(const QByteArray &bytes)
{
    return QString::fromLatin1(bytes.toHex(' '));
}

Result<QByteArray, QString> PublishPayloadEditor::parseHex(const QString &text)
{
    QByteArray digits;
    digits.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c.isSpace())
            continue;
        if (!isHexDigit(c))
            return fail(tr("\u201c%1\u201d at character %2 is not a hex digit.").arg(c).arg(i + 1));
        digits.append(char(c.unicode()));
    }
    if (digits.size() % 2 != 0)
        return fail(tr("Odd number of hex digits: each byte needs two."));
    return QByteArray::fromHex(digits);
}

void PublishPayloadEditor::reformat()
{
    if (m_current != Mode::Text || !isJson())
        return;
    const QString indented = PayloadFormatter::indentJson(m_edit->toPlainText());
    QTextCursor cursor(m_edit->document());
    cursor.beginEditBlock();
    cursor.select(QTextCursor::Document);
    cursor.insertText(indented);
    cursor.endEditBlock();
}

bool PublishPayloadEditor::isJson() const
{
    return PayloadFormatter::detect(m_edit->toPlainText().toUtf8()) == PayloadFormatter::Kind::Json;
}

void PublishPayloadEditor::updateNote()
{
    const bool json = m_current == Mode::Text && isJson();
    m_reformat->setEnabled(json);
    if (m_current == Mode::Hex) {
        const auto bytes = payload();
        const qsizetype size = bytes.ok() ? bytes.value().size() : 0;
        m_note->setText(!bytes.ok() ? tr("Not hex: %1").arg(bytes.error())
                        : size == 1 ? tr("1 byte")
                                    : tr("%1 bytes").arg(size));
        return;
    }
    if (m_edit->document()->isEmpty())
        m_note->setText(tr("Empty payload"));
    else
        m_note->setText(json ? tr("Valid JSON") : tr("Not JSON: sent as text"));
}

} // namespace thingdeck
