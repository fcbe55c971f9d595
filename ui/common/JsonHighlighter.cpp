#include "common/JsonHighlighter.h"

#include "iot/JsonToken.h"

#include <QEvent>
#include <QWidget>

#include <cmath>

namespace thingdeck {
namespace {

// WCAG relative luminance of a colour.
double luminance(const QColor &color)
{
    const auto channel = [](double c) {
        return c <= 0.03928 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF()) +
           0.0722 * channel(color.blueF());
}

double contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// `a` moved towards `b` by `amount` (0–1).
QColor blend(const QColor &a, const QColor &b, double amount)
{
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * amount),
                            float(a.greenF() + (b.greenF() - a.greenF()) * amount),
                            float(a.blueF() + (b.blueF() - a.blueF()) * amount));
}

QTextCharFormat colored(const QColor &color, bool bold = false)
{
    QTextCharFormat format;
    format.setForeground(color);
    if (bold)
        format.setFontWeight(QFont::DemiBold);
    return format;
}

} // namespace

JsonHighlighter::JsonHighlighter(QTextDocument *document, QWidget *widget)
    : QSyntaxHighlighter(document)
{
    setPalette(widget->palette());
    widget->installEventFilter(this);
}

void JsonHighlighter::setPalette(const QPalette &palette)
{
    m_key = colored(readableColor(palette, 210));
    m_string = colored(readableColor(palette, 130, 160));
    m_number = colored(readableColor(palette, 25));
    m_keyword = colored(readableColor(palette, 285, 150), true);
    // Punctuation recedes: halfway between the text and the background, still legible.
    m_punctuation =
        colored(blend(palette.color(QPalette::Text), palette.color(QPalette::Base), 0.4));
    rehighlight();
}

QTextCharFormat JsonHighlighter::formatFor(Role role) const
{
    switch (role) {
    case Role::Key:
        return m_key;
    case Role::String:
        return m_string;
    case Role::Number:
        return m_number;
    case Role::Keyword:
        return m_keyword;
    case Role::Punctuation:
        return m_punctuation;
    }
    return {};
}

QColor JsonHighlighter::readableColor(const QPalette &palette, int hue, int saturation)
{
    const QColor base = palette.color(QPalette::Base);
    const bool darkBase = base.lightness() < palette.color(QPalette::Text).lightness();
    // Start from a mid tone on the text's side of the background, then step away from it.
    int lightness = darkBase ? 165 : 95;
    QColor color = QColor::fromHsl(hue, saturation, lightness);
    while (contrast(color, base) < 4.5 && lightness > 0 && lightness < 255) {
        lightness = std::clamp(lightness + (darkBase ? 8 : -8), 0, 255);
        color = QColor::fromHsl(hue, saturation, lightness);
    }
    return color;
}

void JsonHighlighter::highlightBlock(const QString &text)
{
    using Kind = JsonToken::Kind;
    const QList<JsonToken> tokens = JsonToken::tokenize(text);
    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const JsonToken &token = tokens.at(i);
        switch (token.kind) {
        case Kind::String: {
            const bool key = i + 1 < tokens.size() && tokens.at(i + 1).kind == Kind::NameSeparator;
            setFormat(token.start, token.length, key ? m_key : m_string);
            break;
        }
        case Kind::Number:
            setFormat(token.start, token.length, m_number);
            break;
        case Kind::Literal:
            setFormat(token.start, token.length, m_keyword);
            break;
        case Kind::Invalid:
            break; // left plain: the editor underlines what is wrong
        default:
            setFormat(token.start, token.length, m_punctuation);
            break;
        }
    }
}

bool JsonHighlighter::eventFilter(QObject *watched, QEvent *event)
{
    const auto *widget = qobject_cast<QWidget *>(watched);
    if (widget && event->type() == QEvent::PaletteChange)
        setPalette(widget->palette());
    return QSyntaxHighlighter::eventFilter(watched, event);
}

} // namespace thingdeck
