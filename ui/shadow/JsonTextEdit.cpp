#include "shadow/JsonTextEdit.h"

#include "common/JsonHighlighter.h"
#include "iot/JsonToken.h"

#include <QFontDatabase>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QPainter>
#include <QTextBlock>
#include <QToolTip>

#include <algorithm>
#include <array>

namespace thingdeck {
namespace {

// `a` moved towards `b` by `amount` (0–1).
QColor mix(const QColor &a, const QColor &b, double amount)
{
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * amount),
                            float(a.greenF() + (b.greenF() - a.greenF()) * amount),
                            float(a.blueF() + (b.blueF() - a.blueF()) * amount));
}

bool isApplyKey(const QKeyEvent *event)
{
    const Qt::KeyboardModifiers modifiers = event->modifiers() & ~Qt::KeypadModifier;
    const int key = event->key();
    return modifiers == Qt::ControlModifier &&
           (key == Qt::Key_S || key == Qt::Key_Return || key == Qt::Key_Enter);
}

QString leadingWhitespace(const QString &line)
{
    const auto *const it =
        std::find_if(line.cbegin(), line.cend(), [](QChar c) { return c != u' ' && c != u'\t'; });
    return line.left(it - line.cbegin());
}

// Shows `text` as the tooltip of `widget` for `event`, or hides the tooltip when empty.
void showToolTip(QHelpEvent *event, const QString &text, QWidget *widget)
{
    if (text.isEmpty()) {
        QToolTip::hideText();
        event->ignore();
        return;
    }
    QToolTip::showText(event->globalPos(), text, widget);
}

} // namespace

/// The line numbers at the editor's left, with the markers of the syntax error and of the
/// marked path; the editor paints it and answers its tooltips.
class JsonTextEdit::Gutter : public QWidget
{
public:
    explicit Gutter(JsonTextEdit *editor)
        : QWidget(editor)
        , m_editor(editor)
    {
        setObjectName(QStringLiteral("jsonEditorGutter"));
    }

    QSize sizeHint() const override { return {m_editor->gutterWidth(), 0}; }

protected:
    void paintEvent(QPaintEvent *event) override { m_editor->paintGutter(event); }

    bool event(QEvent *event) override
    {
        auto *help = dynamic_cast<QHelpEvent *>(event);
        if (event->type() != QEvent::ToolTip || !help)
            return QWidget::event(event);
        showToolTip(help, m_editor->gutterToolTip(help->pos().y()), this);
        return true;
    }

private:
    JsonTextEdit *m_editor;
};

JsonTextEdit::JsonTextEdit(QWidget *parent)
    : QPlainTextEdit(parent)
    , m_gutter(new Gutter(this))
    , m_highlighter(new JsonHighlighter(document(), this))
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setTabStopDistance(fontMetrics().horizontalAdvance(QLatin1Char(' ')) * 2);
    setAccessibleName(tr("JSON editor"));
    connect(this, &QPlainTextEdit::textChanged, this, &JsonTextEdit::onTextChanged);
    connect(this, &QPlainTextEdit::blockCountChanged, this, &JsonTextEdit::updateGutterWidth);
    connect(this, &QPlainTextEdit::updateRequest, this, &JsonTextEdit::updateGutter);
    connect(this, &QPlainTextEdit::cursorPositionChanged, this, &JsonTextEdit::updateSelections);
    updateGutterWidth();
    validate();
}

void JsonTextEdit::setSubject(const QString &subject)
{
    m_subject = subject;
    setAccessibleName(subject.isEmpty() ? tr("JSON editor") : tr("%1 JSON editor").arg(subject));
    validate(); // the messages name the subject
}

void JsonTextEdit::setJson(const QJsonObject &object)
{
    setJsonText(formatJsonObject(object));
}

void JsonTextEdit::setJsonText(const QString &text)
{
    setPlainText(text); // clears the undo history too
}

Result<QJsonObject, JsonSyntaxError> JsonTextEdit::json() const
{
    if (m_error)
        return fail(*m_error);
    return m_object;
}

std::optional<JsonSyntaxError> JsonTextEdit::syntaxError() const
{
    return m_error;
}

void JsonTextEdit::markPath(const QStringList &path)
{
    const std::optional<int> offset =
        path.isEmpty() ? std::nullopt : locateJsonPath(toPlainText(), path);
    if (!offset) {
        m_markedBlock = -1;
        updateSelections();
        m_gutter->update();
        return;
    }
    // Select the key (or the element's first token) so that the place is visible in the line.
    QTextCursor cursor(document());
    cursor.setPosition(*offset);
    const QTextBlock block = cursor.block();
    const int inBlock = *offset - block.position();
    for (const JsonToken &token : JsonToken::tokenize(block.text())) {
        if (token.start == inBlock)
            cursor.setPosition(block.position() + token.end(), QTextCursor::KeepAnchor);
    }
    m_markedBlock = block.blockNumber();
    setTextCursor(cursor);
    centerCursor();
    updateSelections();
    m_gutter->update();
}

int JsonTextEdit::gutterWidth() const
{
    int digits = 1;
    for (int count = std::max(1, blockCount()); count >= 10; count /= 10)
        ++digits;
    const QFontMetrics metrics = fontMetrics();
    // Room for the error marker, the digits and a gap before the text.
    return metrics.height() + metrics.horizontalAdvance(QLatin1Char('9')) * digits +
           metrics.horizontalAdvance(QLatin1Char(' '));
}

void JsonTextEdit::reformat()
{
    if (m_error)
        return;
    const QString formatted = formatJsonObject(m_object);
    if (formatted == toPlainText())
        return;
    const int line = textCursor().blockNumber();
    QTextCursor cursor(document());
    cursor.beginEditBlock();
    cursor.select(QTextCursor::Document);
    cursor.insertText(formatted);
    cursor.endEditBlock();
    setTextCursor(QTextCursor(document()->findBlockByNumber(std::min(line, blockCount() - 1))));
}

bool JsonTextEdit::event(QEvent *event)
{
    // Take the apply keys even where a window-wide shortcut uses them.
    const auto *key = dynamic_cast<QKeyEvent *>(event);
    if (event->type() == QEvent::ShortcutOverride && key && isApplyKey(key)) {
        event->accept();
        return true;
    }
    return QPlainTextEdit::event(event);
}

void JsonTextEdit::keyPressEvent(QKeyEvent *event)
{
    const Qt::KeyboardModifiers modifiers = event->modifiers() & ~Qt::KeypadModifier;
    const int key = event->key();
    if (isApplyKey(event)) {
        emit applyRequested();
    } else if (key == Qt::Key_Tab && modifiers == Qt::ControlModifier) {
        // Tab itself indents, so the keyboard needs another way out. QPlainTextEdit's own
        // focusNextPrevChild() refuses to leave an editable text.
        QWidget::focusNextPrevChild(true); // NOLINT(bugprone-parent-virtual-call): as above
    } else if (key == Qt::Key_Backtab && modifiers.testFlag(Qt::ControlModifier)) {
        QWidget::focusNextPrevChild(false); // NOLINT(bugprone-parent-virtual-call): as above
    } else if (key == Qt::Key_Tab && modifiers == Qt::NoModifier && !isReadOnly()) {
        textCursor().insertText(QStringLiteral("  "));
    } else if ((key == Qt::Key_Return || key == Qt::Key_Enter) &&
               (modifiers == Qt::NoModifier || modifiers == Qt::ShiftModifier) && !isReadOnly()) {
        insertIndentedNewline(); // Shift+Return too: no U+2028 line separators in JSON
    } else {
        QPlainTextEdit::keyPressEvent(event);
        return;
    }
    event->accept();
}

void JsonTextEdit::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    updateGutterWidth();
}

void JsonTextEdit::changeEvent(QEvent *event)
{
    QPlainTextEdit::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        setTabStopDistance(fontMetrics().horizontalAdvance(QLatin1Char(' ')) * 2);
        updateGutterWidth();
    } else if (event->type() == QEvent::PaletteChange) {
        updateSelections(); // the highlighter follows the palette by itself
        m_gutter->update();
    }
}

bool JsonTextEdit::viewportEvent(QEvent *event)
{
    auto *help = dynamic_cast<QHelpEvent *>(event);
    if (event->type() != QEvent::ToolTip || !help)
        return QPlainTextEdit::viewportEvent(event);
    showToolTip(help, textToolTip(help->pos()), viewport());
    return true;
}

void JsonTextEdit::onTextChanged()
{
    m_markedBlock = -1;
    validate();
    emit validityChanged(!m_error);
}

void JsonTextEdit::validate()
{
    const QString text = toPlainText();
    const auto parsed =
        m_subject.isEmpty() ? parseJsonObject(text) : parseJsonObject(text, m_subject);
    m_object = parsed.ok() ? parsed.value() : QJsonObject();
    m_error = parsed.ok() ? std::nullopt : std::optional(parsed.error());
    m_brackets = matchJsonBrackets(text);
    updateSelections();
    updateAccessibleText();
    m_gutter->update();
}

void JsonTextEdit::updateGutterWidth()
{
    const int width = gutterWidth();
    setViewportMargins(width, 0, 0, 0);
    const QRect contents = contentsRect();
    m_gutter->setGeometry(contents.left(), contents.top(), width, contents.height());
}

void JsonTextEdit::updateGutter(const QRect &rect, int dy)
{
    if (dy != 0)
        m_gutter->scroll(0, dy);
    else
        m_gutter->update(0, rect.y(), m_gutter->width(), rect.height());
}

void JsonTextEdit::updateSelections()
{
    const QPalette colors = palette();
    const QColor base = colors.color(QPalette::Base);
    QList<QTextEdit::ExtraSelection> selections;
    selections.append(lineSelection(textCursor().block(),
                                    mix(base, colors.color(QPalette::Text), 0.06),
                                    SelectionKind::CurrentLine));
    if (m_markedBlock >= 0)
        selections.append(lineSelection(document()->findBlockByNumber(m_markedBlock),
                                        mix(base, colors.color(QPalette::Highlight), 0.22),
                                        SelectionKind::MarkedPath));
    selections += bracketSelections();
    if (const auto error = errorSelection())
        selections.append(*error);
    setExtraSelections(selections);
}

QTextEdit::ExtraSelection JsonTextEdit::lineSelection(const QTextBlock &block, const QColor &color,
                                                      SelectionKind kind)
{
    QTextEdit::ExtraSelection selection;
    selection.format.setBackground(color);
    selection.format.setProperty(QTextFormat::FullWidthSelection, true);
    selection.format.setProperty(SelectionKindProperty, int(kind));
    selection.cursor = QTextCursor(block);
    return selection;
}

// Both brackets of the pair the cursor touches. A closing bracket just before the cursor or an
// opening one just after it comes first ("]|}" matches the "]"), then any bracket after it,
// then any before it.
QList<QTextEdit::ExtraSelection> JsonTextEdit::bracketSelections() const
{
    if (textCursor().hasSelection())
        return {};
    const int position = textCursor().position();
    const int last = document()->characterCount() - 1;
    const auto closesAt = [this](int at) {
        return m_brackets.value(at, -1) < at;
    };
    const std::array<int, 4> candidates{position - 1, position, position, position - 1};
    std::optional<int> bracket;
    for (std::size_t i = 0; i < candidates.size() && !bracket; ++i) {
        const int at = candidates.at(i);
        const bool preferred = i == 0 ? closesAt(at) : i == 1 ? !closesAt(at) : true;
        // During an edit the cursor moves before the brackets are matched again.
        const bool current = at >= 0 && at < last && m_brackets.value(at, -1) < last;
        if (m_brackets.contains(at) && preferred && current)
            bracket = at;
    }
    if (!bracket)
        return {};
    QList<QTextEdit::ExtraSelection> selections;
    for (const int at : {*bracket, m_brackets.value(*bracket)}) {
        QTextEdit::ExtraSelection selection;
        selection.format.setBackground(
            mix(palette().color(QPalette::Base), palette().color(QPalette::Highlight), 0.4));
        selection.format.setFontWeight(QFont::Bold);
        selection.format.setProperty(SelectionKindProperty, int(SelectionKind::MatchingBracket));
        selection.cursor = QTextCursor(document());
        selection.cursor.setPosition(at);
        selection.cursor.setPosition(at + 1, QTextCursor::KeepAnchor);
        selections.append(selection);
    }
    return selections;
}

// A red wavy line under the character the error points at (none in an empty text).
std::optional<QTextEdit::ExtraSelection> JsonTextEdit::errorSelection() const
{
    const int last = document()->characterCount() - 1; // the final paragraph separator
    if (!m_error || m_error->offset >= last)
        return std::nullopt;
    QTextEdit::ExtraSelection selection;
    selection.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
    selection.format.setUnderlineColor(errorColor());
    // A tint as well: a wave under one narrow character is easy to miss.
    selection.format.setBackground(mix(palette().color(QPalette::Base), errorColor(), 0.2));
    selection.format.setProperty(SelectionKindProperty, int(SelectionKind::SyntaxError));
    selection.cursor = QTextCursor(document());
    selection.cursor.setPosition(m_error->offset);
    selection.cursor.setPosition(m_error->offset + 1, QTextCursor::KeepAnchor);
    return selection;
}

QColor JsonTextEdit::errorColor() const
{
    return JsonHighlighter::readableColor(palette(), 0, 220);
}

void JsonTextEdit::paintGutter(QPaintEvent *event)
{
    QPainter painter(m_gutter);
    const QPalette colors = palette();
    const QColor base = colors.color(QPalette::Base);
    painter.fillRect(event->rect(), mix(base, colors.color(QPalette::Window), 0.7));
    const QFontMetrics metrics = fontMetrics();
    const int marker = metrics.height();
    const int errorBlock = m_error ? m_error->line - 1 : -1;
    const int current = textCursor().blockNumber();
    QTextBlock block = firstVisibleBlock();
    qreal top = blockBoundingGeometry(block).translated(contentOffset()).top();
    while (block.isValid() && top <= event->rect().bottom()) {
        const qreal height = blockBoundingRect(block).height();
        const QRectF line(0, top, m_gutter->width(), height);
        const int number = block.blockNumber();
        if (block.isVisible() && line.bottom() >= event->rect().top()) {
            if (number == m_markedBlock)
                painter.fillRect(line, mix(base, colors.color(QPalette::Highlight), 0.45));
            if (number == errorBlock) {
                painter.setRenderHint(QPainter::Antialiasing);
                painter.setPen(Qt::NoPen);
                painter.setBrush(errorColor());
                painter.drawEllipse(QRectF(marker * 0.25,
                                           top + (metrics.height() - marker * 0.5) / 2,
                                           marker * 0.5, marker * 0.5));
            }
            QColor pen = mix(colors.color(QPalette::Text), base, 0.5);
            if (number == errorBlock)
                pen = errorColor();
            else if (number == current)
                pen = colors.color(QPalette::Text);
            painter.setPen(pen);
            painter.drawText(QRectF(marker, top,
                                    m_gutter->width() - marker -
                                        metrics.horizontalAdvance(QLatin1Char(' ')) / 2.0,
                                    metrics.height()),
                             Qt::AlignRight | Qt::AlignVCenter, QString::number(number + 1));
        }
        block = block.next();
        top += height;
    }
}

QString JsonTextEdit::gutterToolTip(int y) const
{
    if (!m_error)
        return {};
    const QTextBlock block = document()->findBlockByNumber(m_error->line - 1);
    const QRectF geometry = blockBoundingGeometry(block).translated(contentOffset());
    return block.isValid() && geometry.top() <= y && y < geometry.bottom() ? m_error->message
                                                                           : QString();
}

QString JsonTextEdit::textToolTip(const QPoint &viewportPos) const
{
    if (!m_error)
        return {};
    QTextCursor cursor(document());
    cursor.setPosition(std::min(m_error->offset, document()->characterCount() - 1));
    QRect area = cursorRect(cursor);
    cursor.movePosition(QTextCursor::NextCharacter);
    area.setRight(
        std::max(cursorRect(cursor).left(), area.left() + fontMetrics().averageCharWidth()));
    return area.adjusted(-2, 0, 2, 0).contains(viewportPos) ? m_error->message : QString();
}

void JsonTextEdit::insertIndentedNewline()
{
    QTextCursor cursor = textCursor();
    const QString line = cursor.block().text();
    const int column = cursor.positionInBlock();
    const QString before = line.left(column).trimmed();
    const QString after = line.mid(column).trimmed();
    const QChar opener = before.isEmpty() ? QChar() : before.back();
    const bool opens = opener == u'{' || opener == u'[';
    const QString indent = leadingWhitespace(line.left(column));
    cursor.beginEditBlock();
    cursor.insertText(u'\n' + indent + (opens ? QStringLiteral("  ") : QString()));
    // Between a bracket and its partner ("{|}") the partner moves to a line of its own.
    const QChar partner = opener == u'{' ? u'}' : u']';
    if (opens && after.startsWith(partner)) {
        const int inside = cursor.position();
        cursor.insertText(u'\n' + indent);
        cursor.setPosition(inside);
    }
    cursor.endEditBlock();
    setTextCursor(cursor);
}

void JsonTextEdit::updateAccessibleText()
{
    setAccessibleDescription(m_error ? m_error->message : tr("The JSON is valid."));
}

} // namespace thingdeck
