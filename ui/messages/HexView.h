#pragma once

#include <QAbstractScrollArea>
#include <QByteArray>
#include <QString>

namespace thingdeck {

/// A read-only hex dump (offset | 16 bytes in hex | ASCII) that makes text only for the lines
/// on screen, so a payload of any size shows at once and scrolls smoothly: the vertical scroll
/// bar counts lines, and painting formats just the visible ones.
class HexView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    static constexpr int kBytesPerLine = 16;

    explicit HexView(QWidget *parent = nullptr);

    /// Shows `data`; shares it (no copy) and scrolls to the top.
    void setData(const QByteArray &data);
    QByteArray data() const { return m_data; }

    /// Lines in the dump: one per 16 bytes, the last one possibly shorter.
    int lineCount() const;
    /// Line `line` as the dump shows it, e.g. "00000010  7b 22 61 …  |{"a…|".
    QString lineText(int line) const;
    int firstVisibleLine() const;
    /// Whole lines that fit in the viewport (at least 1).
    int visibleLineCount() const;

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void updateScrollBars();
    void paintLine(QPainter &painter, int line, int y) const;
    int lineHeight() const;
    int charWidth() const;
    static int lineChars();

    QByteArray m_data;
};

} // namespace thingdeck
