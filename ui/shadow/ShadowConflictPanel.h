#pragma once

#include <QJsonObject>
#include <QWidget>

class QLabel;
class QPushButton;

namespace thingdeck {

class DiffView;

/// Shown when the shadow moved on under an edit (a 409, or a newer version arriving while the
/// user types): what happened in one sentence, the user's edit next to the server's newer
/// document with the differences marked, and the three ways on: re-apply the change on the newer
/// version (one click), take it into the editor on the newer version to adjust it first, or
/// discard it. The edit is never lost by showing this.
class ShadowConflictPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ShadowConflictPanel(QWidget *parent = nullptr);

    void showConflict(const QString &sentence, const QJsonObject &mine, const QString &mineTitle,
                      const QJsonObject &theirs, const QString &theirsTitle, qint64 newerVersion);

    DiffView *diffView() const { return m_diff; }
    QLabel *sentenceLabel() const { return m_sentence; }
    QPushButton *reapplyButton() const { return m_reapply; }
    QPushButton *adjustButton() const { return m_adjust; }
    QPushButton *discardButton() const { return m_discard; }

Q_SIGNALS:
    void reapplyRequested();
    void adjustRequested();
    void discardRequested();

private:
    QLabel *m_sentence;
    QLabel *m_summary;
    DiffView *m_diff;
    QPushButton *m_reapply;
    QPushButton *m_adjust;
    QPushButton *m_discard;
};

} // namespace thingdeck
