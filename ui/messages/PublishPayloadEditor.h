#pragma once

#include "Result.h"

#include <QByteArray>
#include <QWidget>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace thingdeck {

class JsonHighlighter;

/// The payload of the publish panel: typed as text (highlighted when it is JSON, but any text
/// may be sent) or as hex bytes (spaces allowed). Says under the editor whether the text is
/// JSON, or why the hex is not usable; Reformat JSON (Ctrl+Shift+F in the editor) re-indents
/// valid JSON as one undoable step.
class PublishPayloadEditor : public QWidget
{
    Q_OBJECT
public:
    enum class Mode { Text, Hex };

    explicit PublishPayloadEditor(QWidget *parent = nullptr);

    /// The bytes to send, or why the hex text is not bytes.
    Result<QByteArray, QString> payload() const;
    /// Shows `payload` in the current mode (as hex when it is not UTF-8 text in Text mode, the
    /// mode switches to Hex so that no byte is lost).
    void setPayload(const QByteArray &payload);
    Mode mode() const;
    /// Switches the mode, converting the text; refused (false) when the hex is not valid.
    bool setMode(Mode mode);

    QPlainTextEdit *editor() const { return m_edit; }
    QComboBox *modeSelector() const { return m_mode; }
    QLabel *note() const { return m_note; }
    QPushButton *reformatButton() const { return m_reformat; }

    /// About six lines of text: the panel is narrow and short, and the history needs room too.
    QSize sizeHint() const override;

    /// "7b 22 61" for `bytes`: lowercase pairs separated by spaces.
    static QString toHex(const QByteArray &bytes);
    /// Bytes from hex digits; whitespace anywhere is ignored. The error names the problem.
    static Result<QByteArray, QString> parseHex(const QString &text);

public Q_SLOTS:
    /// Re-indents the text when it is JSON (Text mode only).
    void reformat();

Q_SIGNALS:
    /// After every edit or mode switch.
    void changed();

private:
    void onModeActivated(int index);
    void updateNote();
    bool isJson() const;

    QComboBox *m_mode;
    QPushButton *m_reformat;
    QPlainTextEdit *m_edit;
    JsonHighlighter *m_highlighter;
    QLabel *m_note;
    Mode m_current = Mode::Text;
};

} // namespace thingdeck
