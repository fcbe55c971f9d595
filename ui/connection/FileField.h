#pragma once

#include "tls/CertificateFinding.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QToolButton;

namespace thingdeck {

/// A file path with a Browse button, that also takes a file dropped on it, and shows the
/// certificate checks' sentences about the file right under it.
class FileField : public QWidget
{
    Q_OBJECT
public:
    FileField(const QString &accessibleName, QString dialogTitle, QWidget *parent = nullptr);

    QString path() const;
    void setPath(const QString &path);
    /// Shows these findings under the field (none: hides the line).
    void setFindings(const QList<CertificateFinding> &findings);
    QString findingsText() const;
    QLineEdit *lineEdit() const { return m_edit; }

Q_SIGNALS:
    void pathChanged(const QString &path);
    /// Several files were dropped here at once (the set AWS hands out); the owner sorts them.
    void filesDropped(const QStringList &paths);

protected:
    void dragEnterEvent(class QDragEnterEvent *event) override;
    void dropEvent(class QDropEvent *event) override;

private:
    void browse();

    QLineEdit *m_edit;
    QToolButton *m_browse;
    QLabel *m_findings;
    QString m_dialogTitle;
};

} // namespace thingdeck
