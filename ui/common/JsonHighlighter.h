#pragma once

#include <QPalette>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace thingdeck {

/// Colours JSON text: object keys, strings, numbers, true/false/null and punctuation, each in
/// its own colour picked from a widget's palette so that it reads on light and dark themes
/// alike, and picked again when that palette changes. Works line by line, as JSON strings
/// cannot span lines; a string left open is coloured to the end of its line.
class JsonHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    /// What a piece of JSON is, for its colour.
    enum class Role { Key, String, Number, Keyword, Punctuation };

    /// Highlights `document` with colours from `widget`'s palette, following its changes
    /// (e.g. a theme switch); `widget` is usually the editor or view showing the document.
    JsonHighlighter(QTextDocument *document, QWidget *widget);

    /// Picks the colours for `palette` and highlights the document again.
    void setPalette(const QPalette &palette);
    /// The format text of `role` gets.
    QTextCharFormat formatFor(Role role) const;

    /// A colour of `hue` (0–359) readable on `palette`'s Base: as light or dark as needed for a
    /// contrast ratio of at least 4.5:1. Also used for the editor's error marks.
    static QColor readableColor(const QPalette &palette, int hue, int saturation = 200);

protected:
    void highlightBlock(const QString &text) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QTextCharFormat m_key;
    QTextCharFormat m_string;
    QTextCharFormat m_number;
    QTextCharFormat m_keyword;
    QTextCharFormat m_punctuation;
};

} // namespace thingdeck
