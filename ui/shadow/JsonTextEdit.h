#pragma once

#include "Result.h"
#include "iot/JsonSyntax.h"

#include <QHash>
#include <QJsonObject>
#include <QPlainTextEdit>
#include <QTextFormat>

#include <optional>

namespace thingdeck {

class JsonHighlighter;

/// The text editor of the shadow editor: a device shadow's section typed as JSON. Highlighted,
/// with line numbers, the current line and matching brackets marked, and validated on every
/// change: the error's line gets a marker in the gutter and the offending character a red wavy
/// underline, both with the message as their tooltip. Tab inserts two spaces, Enter keeps the
/// indentation (two more after `{` or `[`), Ctrl+Tab leaves the editor; Ctrl+S and Ctrl+Return
/// ask to apply. Undo and redo are QPlainTextEdit's own.
class JsonTextEdit : public QPlainTextEdit
{
    Q_OBJECT
public:
    /// What each of extraSelections() marks, stored in its format under SelectionKindProperty.
    enum class SelectionKind { CurrentLine = 1, MatchingBracket, SyntaxError, MarkedPath };
    static constexpr int SelectionKindProperty = QTextFormat::UserProperty + 1;

    /// An empty editor (which is invalid: an empty text is not an object).
    explicit JsonTextEdit(QWidget *parent = nullptr);

    /// What the text is called in messages ("the desired state").
    void setSubject(const QString &subject);
    /// Loads `object` as the text, written by formatJsonObject(). Not an undoable step: the
    /// document starts over with a new undo history, as it should when a section is loaded.
    void setJson(const QJsonObject &object);
    /// Same as setJson but for raw text (e.g. a saved draft), undo history reset.
    void setJsonText(const QString &text);
    /// The current text parsed, or the error (the same as the last validation).
    Result<QJsonObject, JsonSyntaxError> json() const;
    /// The last validation's error, if any.
    std::optional<JsonSyntaxError> syntaxError() const;
    /// Marks a key path as the place of a problem found elsewhere (e.g. "nested 7 levels deep"
    /// found before sending): selects/highlights the line of that key (path of keys inside the
    /// edited object) and scrolls to it. An empty path clears the mark. Cleared on the next edit.
    void markPath(const QStringList &path);
    /// The block number of the line markPath() marked; -1 for none.
    int markedLine() const { return m_markedBlock; }

    /// The width of the line-number gutter at the left, in pixels.
    int gutterWidth() const;

public Q_SLOTS:
    /// Re-indents the text (formatJsonObject) as one undoable step; does nothing when invalid.
    void reformat();

Q_SIGNALS:
    /// After each change, once validated (validation runs on every change; texts are ≤ tens of
    /// KB). Emitted after every change of the text, not only when validity flips.
    void validityChanged(bool valid);
    /// Ctrl+S, Ctrl+Return and Ctrl+Enter (keypad) while the editor has focus.
    void applyRequested();

protected:
    bool event(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void changeEvent(QEvent *event) override;
    bool viewportEvent(QEvent *event) override;

private:
    class Gutter;

    void onTextChanged();
    void validate();
    void updateGutterWidth();
    void updateGutter(const QRect &rect, int dy);
    void updateSelections();
    void paintGutter(QPaintEvent *event);
    QString gutterToolTip(int y) const;
    QString textToolTip(const QPoint &viewportPos) const;
    void insertIndentedNewline();
    void updateAccessibleText();
    static QTextEdit::ExtraSelection lineSelection(const QTextBlock &block, const QColor &color,
                                                   SelectionKind kind);
    QList<QTextEdit::ExtraSelection> bracketSelections() const;
    std::optional<QTextEdit::ExtraSelection> errorSelection() const;
    QColor errorColor() const;

    Gutter *m_gutter;
    JsonHighlighter *m_highlighter;
    QString m_subject;
    QJsonObject m_object;
    std::optional<JsonSyntaxError> m_error;
    QHash<int, int> m_brackets;
    int m_markedBlock = -1;
};

} // namespace thingdeck
