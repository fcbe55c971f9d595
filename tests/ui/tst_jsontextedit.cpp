// JsonTextEdit offscreen: live validation while typing, the apply keys, indentation, reformat
// and undo, marking a key path, the line-number gutter, bracket matching and the highlighter.
#include "common/JsonHighlighter.h"
#include "common/ThemeController.h"
#include "shadow/JsonTextEdit.h"

#include <QAction>
#include <QApplication>
#include <QFontDatabase>
#include <QHelpEvent>
#include <QJsonArray>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <QTextBlock>
#include <QTextLayout>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>
#include <memory>

using namespace thingdeck;

namespace {

using Kind = JsonTextEdit::SelectionKind;

QList<QTextEdit::ExtraSelection> selectionsOf(const JsonTextEdit &edit, Kind kind)
{
    QList<QTextEdit::ExtraSelection> found;
    for (const QTextEdit::ExtraSelection &selection : edit.extraSelections()) {
        if (selection.format.property(JsonTextEdit::SelectionKindProperty).toInt() == int(kind))
            found.append(selection);
    }
    return found;
}

// `count` lines of a JSON object (one member per line between the braces).
QString linesOfJson(int count)
{
    QStringList lines{QStringLiteral("{")};
    for (int i = 1; i < count - 1; ++i)
        lines.append(QStringLiteral("  \"k%1\": %1%2")
                         .arg(i)
                         .arg(i + 1 < count - 1 ? QStringLiteral(",") : QString()));
    lines.append(QStringLiteral("}"));
    return lines.join(u'\n');
}

// The line (0-based) of the first line of `text` containing `fragment`.
int lineContaining(const QString &text, const QString &fragment)
{
    const QStringList lines = text.split(u'\n');
    for (int i = 0; i < lines.size(); ++i) {
        if (lines.at(i).contains(fragment))
            return i;
    }
    return -1;
}

// The foreground the highlighter gave the character at `offset`.
QColor highlightAt(const JsonTextEdit &edit, int offset)
{
    const QTextBlock block = edit.document()->findBlock(offset);
    const int inBlock = offset - block.position();
    for (const QTextLayout::FormatRange &range : block.layout()->formats()) {
        if (range.start <= inBlock && inBlock < range.start + range.length)
            return range.format.foreground().color();
    }
    return {};
}

// WCAG contrast ratio, computed here to check the highlighter's colours independently.
double contrastRatio(const QColor &a, const QColor &b)
{
    const auto luminance = [](const QColor &c) {
        const auto channel = [](double v) {
            return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
        };
        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) +
               0.0722 * channel(c.blueF());
    };
    const double la = luminance(a);
    const double lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

} // namespace

class tst_JsonTextEdit : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void typedErrorIsReported_data();
    void typedErrorIsReported();
    void fixingTheErrorMakesItValid();
    void setJsonLoadsWithoutUndo();
    void reformatIsOneUndoableStep();
    void reformatDoesNothingWhenInvalid();
    void applyKeys_data();
    void applyKeys();
    void applyKeyWinsOverWindowShortcut();
    void returnKeepsIndentation_data();
    void returnKeepsIndentation();
    void tabInsertsTwoSpaces();
    void markPathMovesToTheKey();
    void markPathIsClearedByAnEdit();
    void gutterWidthGrowsWithDigits();
    void bracketMatching_data();
    void bracketMatching();
    void currentLineIsHighlighted();
    void errorIsUnderlinedWithTooltips();
    void subjectNamesEditorAndMessages();
    void highlighterFollowsPalette();

private:
    void setTextWithCursor(const QString &marked);

    std::unique_ptr<QWidget> m_window;
    JsonTextEdit *m_edit = nullptr;
    QLineEdit *m_next = nullptr;
};

void tst_JsonTextEdit::init()
{
    m_window = std::make_unique<QWidget>();
    auto *layout = new QVBoxLayout(m_window.get());
    m_edit = new JsonTextEdit(m_window.get());
    m_next = new QLineEdit(m_window.get());
    layout->addWidget(m_edit);
    layout->addWidget(m_next);
    m_window->resize(640, 480);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    m_edit->setFocus();
}

void tst_JsonTextEdit::cleanup()
{
    m_window.reset();
    QApplication::setPalette(QPalette());
}

// Sets the text, with the cursor where `marked` has a '|'.
void tst_JsonTextEdit::setTextWithCursor(const QString &marked)
{
    const qsizetype at = marked.indexOf(u'|');
    m_edit->setJsonText(QString(marked).remove(u'|'));
    QTextCursor cursor = m_edit->textCursor();
    cursor.setPosition(int(at));
    m_edit->setTextCursor(cursor);
}

void tst_JsonTextEdit::typedErrorIsReported_data()
{
    QTest::addColumn<QStringList>("lines"); // typed, with Return between
    QTest::addColumn<int>("line");
    QTest::addColumn<int>("column");

    QTest::newRow("missing comma")
        << QStringList{QStringLiteral("{"), QStringLiteral("\"units\": \"metric\""),
                       QStringLiteral("\"interval\": 30"), QStringLiteral("}")}
        << 3 << 3;
    QTest::newRow("unquoted value")
        << QStringList{QStringLiteral("{"), QStringLiteral("\"mode\": eco"), QStringLiteral("}")}
        << 2 << 11;
    QTest::newRow("unclosed string")
        << QStringList{QStringLiteral("{\"a\": \"x"), QStringLiteral("}")} << 1 << 7;
    QTest::newRow("not an object") << QStringList{QStringLiteral("[1, 2]")} << 1 << 1;
}

void tst_JsonTextEdit::typedErrorIsReported()
{
    QFETCH(QStringList, lines);
    QFETCH(int, line);
    QFETCH(int, column);

    QSignalSpy validity(m_edit, &JsonTextEdit::validityChanged);
    for (qsizetype i = 0; i < lines.size(); ++i) {
        if (i > 0)
            QTest::keyClick(m_edit, Qt::Key_Return);
        QTest::keyClicks(m_edit, lines.at(i));
    }
    QVERIFY(!validity.isEmpty());
    QCOMPARE(validity.constLast().first().toBool(), false);
    const std::optional<JsonSyntaxError> error = m_edit->syntaxError();
    QVERIFY(error);
    QCOMPARE(error->line, line);
    QCOMPARE(error->column, column);
    QVERIFY(
        error->message.startsWith(QStringLiteral("Line %1, column %2: ").arg(line).arg(column)));
    QVERIFY(!m_edit->json().ok());
    QCOMPARE(m_edit->json().error(), *error);
}

void tst_JsonTextEdit::fixingTheErrorMakesItValid()
{
    QSignalSpy validity(m_edit, &JsonTextEdit::validityChanged);
    QTest::keyClicks(m_edit, QStringLiteral("{"));
    QTest::keyClick(m_edit, Qt::Key_Return);
    QTest::keyClicks(m_edit, QStringLiteral("\"units\": \"metric\""));
    QTest::keyClick(m_edit, Qt::Key_Return);
    QTest::keyClicks(m_edit, QStringLiteral("\"interval\": 30"));
    QTest::keyClick(m_edit, Qt::Key_Return);
    QTest::keyClicks(m_edit, QStringLiteral("}"));
    QCOMPARE(validity.constLast().first().toBool(), false);

    QTextCursor cursor(m_edit->document()->findBlockByNumber(1));
    cursor.movePosition(QTextCursor::EndOfBlock);
    m_edit->setTextCursor(cursor);
    validity.clear();
    QTest::keyClick(m_edit, Qt::Key_Comma);
    QCOMPARE(validity.size(), 1);
    QCOMPARE(validity.constLast().first().toBool(), true);
    QVERIFY(!m_edit->syntaxError());
    QVERIFY(m_edit->json().ok());
    QCOMPARE(m_edit->json().value(),
             (QJsonObject{{QStringLiteral("units"), QStringLiteral("metric")},
                          {QStringLiteral("interval"), 30}}));
    QVERIFY(selectionsOf(*m_edit, Kind::SyntaxError).isEmpty());
}

void tst_JsonTextEdit::setJsonLoadsWithoutUndo()
{
    const QJsonObject object{{QStringLiteral("b"), QJsonArray{1, 2}}, {QStringLiteral("a"), true}};
    QSignalSpy validity(m_edit, &JsonTextEdit::validityChanged);
    m_edit->setJson(object);
    QCOMPARE(m_edit->toPlainText(), formatJsonObject(object));
    QCOMPARE(m_edit->json().value(), object);
    QCOMPARE(validity.constLast().first().toBool(), true);
    QVERIFY(!m_edit->document()->isUndoAvailable());

    QTest::keyClick(m_edit, Qt::Key_Space);
    QVERIFY(m_edit->document()->isUndoAvailable());
    m_edit->setJsonText(QStringLiteral("{\"draft\": 1"));
    QVERIFY(!m_edit->document()->isUndoAvailable());
    QCOMPARE(m_edit->toPlainText(), QStringLiteral("{\"draft\": 1"));
    QCOMPARE(validity.constLast().first().toBool(), false);
}

void tst_JsonTextEdit::reformatIsOneUndoableStep()
{
    const QString compact = QStringLiteral("{\"b\":1,\"a\":[true,{\"c\":null}]}");
    m_edit->setJsonText(compact);
    QVERIFY(!m_edit->document()->isUndoAvailable());
    m_edit->reformat();
    QCOMPARE(m_edit->toPlainText(), QStringLiteral("{\n"
                                                   "  \"a\": [\n"
                                                   "    true,\n"
                                                   "    {\n"
                                                   "      \"c\": null\n"
                                                   "    }\n"
                                                   "  ],\n"
                                                   "  \"b\": 1\n"
                                                   "}\n"));
    QVERIFY(m_edit->json().ok());
    m_edit->undo();
    QCOMPARE(m_edit->toPlainText(), compact);
    QVERIFY(!m_edit->document()->isUndoAvailable());
    m_edit->redo();
    QCOMPARE(m_edit->toPlainText().count(u'\n'), 9);
    // Already formatted: no new step.
    m_edit->undo();
    m_edit->reformat();
    m_edit->reformat();
    m_edit->undo();
    QCOMPARE(m_edit->toPlainText(), compact);
}

void tst_JsonTextEdit::reformatDoesNothingWhenInvalid()
{
    const QString broken = QStringLiteral("{\"a\":   1,}");
    m_edit->setJsonText(broken);
    m_edit->reformat();
    QCOMPARE(m_edit->toPlainText(), broken);
    QVERIFY(!m_edit->document()->isUndoAvailable());
}

void tst_JsonTextEdit::applyKeys_data()
{
    QTest::addColumn<int>("key");
    QTest::addColumn<int>("modifiers");

    QTest::newRow("Ctrl+S") << int(Qt::Key_S) << int(Qt::ControlModifier);
    QTest::newRow("Ctrl+Return") << int(Qt::Key_Return) << int(Qt::ControlModifier);
    QTest::newRow("Ctrl+Enter on the keypad")
        << int(Qt::Key_Enter) << int(Qt::ControlModifier | Qt::KeypadModifier);
}

void tst_JsonTextEdit::applyKeys()
{
    QFETCH(int, key);
    QFETCH(int, modifiers);

    const QString text = QStringLiteral("{\"a\": 1}");
    m_edit->setJsonText(text);
    QSignalSpy apply(m_edit, &JsonTextEdit::applyRequested);
    QTest::keyClick(m_edit, Qt::Key(key), Qt::KeyboardModifiers(modifiers));
    QCOMPARE(apply.size(), 1);
    QCOMPARE(m_edit->toPlainText(), text); // the key did not also edit

    QTest::keyClick(m_edit, Qt::Key_Return);
    QCOMPARE(apply.size(), 1);
    QVERIFY(m_edit->toPlainText().contains(u'\n'));
}

void tst_JsonTextEdit::applyKeyWinsOverWindowShortcut()
{
    auto *save = new QAction(m_window.get());
    save->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_S));
    m_window->addAction(save);
    m_window->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
    QSignalSpy triggered(save, &QAction::triggered);
    QSignalSpy apply(m_edit, &JsonTextEdit::applyRequested);

    m_next->setFocus();
    QTest::keyClick(m_next, Qt::Key_S, Qt::ControlModifier);
    QCOMPARE(triggered.size(), 1); // the shortcut works elsewhere in the window
    m_edit->setFocus();
    QTest::keyClick(m_edit, Qt::Key_S, Qt::ControlModifier);
    QCOMPARE(apply.size(), 1);
    QCOMPARE(triggered.size(), 1);
}

void tst_JsonTextEdit::returnKeepsIndentation_data()
{
    QTest::addColumn<QString>("before"); // '|' is the cursor
    QTest::addColumn<int>("modifiers");
    QTest::addColumn<QString>("after");

    const int none = int(Qt::NoModifier);
    QTest::newRow("after an opening brace")
        << QStringLiteral("{|") << none << QStringLiteral("{\n  |");
    QTest::newRow("after an opening bracket, indented")
        << QStringLiteral("{\n  \"a\": [|") << none << QStringLiteral("{\n  \"a\": [\n    |");
    QTest::newRow("after a member")
        << QStringLiteral("{\n    \"b\": 1,|") << none << QStringLiteral("{\n    \"b\": 1,\n    |");
    QTest::newRow("between braces") << QStringLiteral("{|}") << none << QStringLiteral("{\n  |\n}");
    QTest::newRow("between brackets, indented")
        << QStringLiteral("{\n  \"a\": [|]") << none << QStringLiteral("{\n  \"a\": [\n    |\n  ]");
    QTest::newRow("Shift+Return is a plain line break")
        << QStringLiteral("{\n  \"b\": 1,|") << int(Qt::ShiftModifier)
        << QStringLiteral("{\n  \"b\": 1,\n  |");
    QTest::newRow("keypad Enter") << QStringLiteral("{|") << int(Qt::KeypadModifier)
                                  << QStringLiteral("{\n  |");
}

void tst_JsonTextEdit::returnKeepsIndentation()
{
    QFETCH(QString, before);
    QFETCH(int, modifiers);
    QFETCH(QString, after);

    setTextWithCursor(before);
    const Qt::Key key = modifiers & Qt::KeypadModifier ? Qt::Key_Enter : Qt::Key_Return;
    QTest::keyClick(m_edit, key, Qt::KeyboardModifiers(modifiers));
    QCOMPARE(m_edit->toPlainText(), QString(after).remove(u'|'));
    QCOMPARE(m_edit->textCursor().position(), after.indexOf(u'|'));
    QVERIFY(!m_edit->toPlainText().contains(QChar(QChar::LineSeparator)));
    m_edit->undo();
    QCOMPARE(m_edit->toPlainText(), QString(before).remove(u'|')); // one step
}

void tst_JsonTextEdit::tabInsertsTwoSpaces()
{
    setTextWithCursor(QStringLiteral("{|}"));
    QTest::keyClick(m_edit, Qt::Key_Tab);
    QCOMPARE(m_edit->toPlainText(), QStringLiteral("{  }"));
    QVERIFY(m_edit->hasFocus());
    QTest::keyClick(m_edit, Qt::Key_Tab, Qt::ControlModifier);
    QVERIFY(m_next->hasFocus());
    QCOMPARE(m_edit->toPlainText(), QStringLiteral("{  }"));
}

void tst_JsonTextEdit::markPathMovesToTheKey()
{
    QJsonObject many;
    for (int i = 0; i < 80; ++i)
        many.insert(QStringLiteral("k%1").arg(i, 2, 10, QLatin1Char('0')), i);
    many.insert(QStringLiteral("zone"),
                QJsonObject{{QStringLiteral("b"), QJsonObject{{QStringLiteral("deep"), 2}}},
                            {QStringLiteral("a"), 1}});
    m_edit->setJson(many);
    const QString text = m_edit->toPlainText();
    const int expected = lineContaining(text, QStringLiteral("\"deep\""));
    QVERIFY(expected > 80);

    m_edit->markPath({QStringLiteral("zone"), QStringLiteral("b"), QStringLiteral("deep")});
    QCOMPARE(m_edit->textCursor().blockNumber(), expected);
    QCOMPARE(m_edit->markedLine(), expected);
    QCOMPARE(m_edit->textCursor().selectedText(), QStringLiteral("\"deep\""));
    const auto marks = selectionsOf(*m_edit, Kind::MarkedPath);
    QCOMPARE(marks.size(), 1);
    QCOMPARE(marks.first().cursor.blockNumber(), expected);
    // Scrolled to it.
    QVERIFY(m_edit->viewport()->rect().contains(m_edit->cursorRect().center()));

    // A key that is not there marks the deepest part that is.
    m_edit->markPath({QStringLiteral("zone"), QStringLiteral("missing")});
    QCOMPARE(m_edit->markedLine(), lineContaining(text, QStringLiteral("\"zone\"")));
    m_edit->markPath({});
    QCOMPARE(m_edit->markedLine(), -1);
    QVERIFY(selectionsOf(*m_edit, Kind::MarkedPath).isEmpty());
}

void tst_JsonTextEdit::markPathIsClearedByAnEdit()
{
    m_edit->setJson({{QStringLiteral("a"), 1}, {QStringLiteral("b"), 2}});
    m_edit->markPath({QStringLiteral("b")});
    QCOMPARE(m_edit->markedLine(), lineContaining(m_edit->toPlainText(), QStringLiteral("\"b\"")));
    QTextCursor cursor = m_edit->textCursor();
    cursor.movePosition(QTextCursor::EndOfBlock);
    m_edit->setTextCursor(cursor); // moving alone keeps the mark
    QVERIFY(m_edit->markedLine() >= 0);
    QTest::keyClick(m_edit, Qt::Key_Space);
    QCOMPARE(m_edit->markedLine(), -1);
    QVERIFY(selectionsOf(*m_edit, Kind::MarkedPath).isEmpty());
}

void tst_JsonTextEdit::gutterWidthGrowsWithDigits()
{
    QWidget *gutter = m_edit->findChild<QWidget *>(QStringLiteral("jsonEditorGutter"));
    QVERIFY(gutter);
    QMap<int, int> widths;
    for (const int lines : {9, 10, 99, 100}) {
        m_edit->setJsonText(linesOfJson(lines));
        QCOMPARE(m_edit->blockCount(), lines);
        widths.insert(lines, m_edit->gutterWidth());
        QCOMPARE(m_edit->viewport()->geometry().left() - m_edit->contentsRect().left(),
                 m_edit->gutterWidth());
        QCOMPARE(gutter->width(), m_edit->gutterWidth());
    }
    QVERIFY(widths.value(10) > widths.value(9));
    QCOMPARE(widths.value(99), widths.value(10));
    QVERIFY(widths.value(100) > widths.value(99));
}

void tst_JsonTextEdit::bracketMatching_data()
{
    QTest::addColumn<QString>("text");      // '|' is the cursor
    QTest::addColumn<QList<int>>("marked"); // offsets in the text without the '|'

    const QString json = QStringLiteral("{\"a\": [1, {\"b\": 2}]}");
    const int open = int(json.indexOf(u'['));
    const int close = int(json.indexOf(u']'));
    const int innerOpen = int(json.indexOf(u'{', 1));
    const int innerClose = int(json.indexOf(u'}'));
    const auto at = [&json](int offset) {
        return QString(json).insert(offset, u'|');
    };
    QTest::newRow("before an opening bracket") << at(open) << QList<int>{open, close};
    QTest::newRow("after a closing bracket") << at(close + 1) << QList<int>{close, open};
    QTest::newRow("before an inner brace") << at(innerOpen) << QList<int>{innerOpen, innerClose};
    QTest::newRow("at the end, after the outer brace")
        << at(int(json.size())) << QList<int>{int(json.size()) - 1, 0};
    QTest::newRow("no bracket next to the cursor") << at(3) << QList<int>{};
    QTest::newRow("mismatched brackets are not matched")
        << QStringLiteral("{\"a\": |[1}") << QList<int>{};
    QTest::newRow("a bracket in a string is text")
        << QStringLiteral("{\"a\": \"|[\"}") << QList<int>{};
}

void tst_JsonTextEdit::bracketMatching()
{
    QFETCH(QString, text);
    QFETCH(QList<int>, marked);

    setTextWithCursor(text);
    QList<int> found;
    for (const QTextEdit::ExtraSelection &selection :
         selectionsOf(*m_edit, Kind::MatchingBracket)) {
        QCOMPARE(selection.cursor.selectionEnd() - selection.cursor.selectionStart(), 1);
        found.append(selection.cursor.selectionStart());
    }
    std::sort(found.begin(), found.end());
    std::sort(marked.begin(), marked.end());
    QCOMPARE(found, marked);
}

void tst_JsonTextEdit::currentLineIsHighlighted()
{
    m_edit->setJsonText(linesOfJson(5));
    for (const int line : {0, 3}) {
        m_edit->setTextCursor(QTextCursor(m_edit->document()->findBlockByNumber(line)));
        const auto current = selectionsOf(*m_edit, Kind::CurrentLine);
        QCOMPARE(current.size(), 1);
        QCOMPARE(current.first().cursor.blockNumber(), line);
        QVERIFY(current.first().format.property(QTextFormat::FullWidthSelection).toBool());
    }
}

void tst_JsonTextEdit::errorIsUnderlinedWithTooltips()
{
    m_edit->setJsonText(QStringLiteral("{\n  \"a\": 1\n  \"b\": 2\n}"));
    const std::optional<JsonSyntaxError> error = m_edit->syntaxError();
    QVERIFY(error);
    const int offset = int(m_edit->toPlainText().indexOf(QStringLiteral("\"b\"")));
    QCOMPARE(error->offset, offset);
    const auto underlines = selectionsOf(*m_edit, Kind::SyntaxError);
    QCOMPARE(underlines.size(), 1);
    QCOMPARE(underlines.first().format.underlineStyle(), QTextCharFormat::WaveUnderline);
    QCOMPARE(underlines.first().cursor.selectionStart(), offset);
    QCOMPARE(underlines.first().cursor.selectedText(), QStringLiteral("\""));

    QWidget *gutter = m_edit->findChild<QWidget *>(QStringLiteral("jsonEditorGutter"));
    QVERIFY(gutter);
    const auto lineY = [this](int line) {
        return m_edit->cursorRect(QTextCursor(m_edit->document()->findBlockByNumber(line)))
            .center()
            .y();
    };
    const auto help = [](QWidget *target, const QPoint &pos) {
        QHelpEvent event(QEvent::ToolTip, pos, target->mapToGlobal(pos));
        QApplication::sendEvent(target, &event);
    };
    help(gutter, QPoint(4, lineY(0)));
    QVERIFY(QToolTip::text().isEmpty()); // no marker on a good line
    help(gutter, QPoint(4, lineY(2)));
    QCOMPARE(QToolTip::text(), error->message);
    QToolTip::hideText();

    QTextCursor cursor(m_edit->document());
    cursor.setPosition(offset);
    help(m_edit->viewport(), m_edit->cursorRect(cursor).center() + QPoint(2, 0));
    QCOMPARE(QToolTip::text(), error->message);
    QToolTip::hideText();

    m_edit->setJsonText(QStringLiteral("{}"));
    QVERIFY(selectionsOf(*m_edit, Kind::SyntaxError).isEmpty());
}

void tst_JsonTextEdit::subjectNamesEditorAndMessages()
{
    QCOMPARE(m_edit->accessibleName(), QStringLiteral("JSON editor"));
    const QString subject = QStringLiteral("the desired state");
    m_edit->setSubject(subject);
    QCOMPARE(m_edit->accessibleName(), QStringLiteral("the desired state JSON editor"));
    m_edit->setJsonText(QString());
    QVERIFY(m_edit->syntaxError()->message.contains(subject));
    QVERIFY(m_edit->accessibleDescription().contains(m_edit->syntaxError()->message));
    QCOMPARE(m_edit->font(), QFontDatabase::systemFont(QFontDatabase::FixedFont));
}

void tst_JsonTextEdit::highlighterFollowsPalette()
{
    QApplication::setPalette(ThemeController::lightPalette());
    QTRY_COMPARE(m_edit->palette().color(QPalette::Base),
                 ThemeController::lightPalette().color(QPalette::Base));
    const QString text = QStringLiteral("{\"key\": \"value\", \"n\": 12, \"t\": true}");
    m_edit->setJsonText(text);
    const int key = int(text.indexOf(QStringLiteral("key")));
    const int string = int(text.indexOf(QStringLiteral("value")));
    const int number = int(text.indexOf(QStringLiteral("12")));
    const int keyword = int(text.indexOf(QStringLiteral("true")));
    const auto colours = [&] {
        return QList<QColor>{highlightAt(*m_edit, key), highlightAt(*m_edit, string),
                             highlightAt(*m_edit, number), highlightAt(*m_edit, keyword)};
    };
    const QList<QColor> light = colours();
    for (const QPalette &palette :
         {ThemeController::lightPalette(), ThemeController::darkPalette()}) {
        QApplication::setPalette(palette);
        const QColor base = palette.color(QPalette::Base);
        QTRY_COMPARE(m_edit->palette().color(QPalette::Base), base); // Qt posts the change
        const QList<QColor> now = colours();
        for (qsizetype i = 0; i < now.size(); ++i) {
            QVERIFY(now.at(i).isValid());
            QVERIFY2(contrastRatio(now.at(i), base) >= 4.5, qPrintable(now.at(i).name()));
            for (qsizetype j = i + 1; j < now.size(); ++j)
                QVERIFY(now.at(i) != now.at(j)); // key, string, number, keyword each its own
        }
    }
    const QList<QColor> dark = colours();
    for (qsizetype i = 0; i < dark.size(); ++i)
        QVERIFY(dark.at(i).lightness() > light.at(i).lightness());
}

QTEST_MAIN(tst_JsonTextEdit)
#include "tst_jsontextedit.moc"
