#include "connection/FileField.h"

#include "common/Icons.h"

#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QToolButton>

#include <utility>

namespace thingdeck {

FileField::FileField(const QString &accessibleName, QString dialogTitle, QWidget *parent)
    : QWidget(parent)
    , m_edit(new QLineEdit(this))
    , m_browse(new QToolButton(this))
    , m_findings(new QLabel(this))
    , m_dialogTitle(std::move(dialogTitle))
{
    setAcceptDrops(true);
    auto *layout = new QGridLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setHorizontalSpacing(4);
    layout->setVerticalSpacing(2);
    m_edit->setAccessibleName(accessibleName);
    m_edit->setPlaceholderText(tr("Choose or drop a PEM file"));
    m_edit->setClearButtonEnabled(true);
    m_browse->setIcon(Icons::get(QStringLiteral("document-open")));
    m_browse->setText(tr("Browse…"));
    m_browse->setAccessibleName(tr("Browse for %1").arg(accessibleName.toLower()));
    m_browse->setToolTip(tr("Choose the file"));
    m_findings->setWordWrap(true);
    m_findings->setTextFormat(Qt::PlainText);
    m_findings->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Its width follows the field's; a long path must not widen the whole form.
    m_findings->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_findings->setAccessibleName(tr("%1 check").arg(accessibleName));
    m_findings->hide();
    layout->addWidget(m_edit, 0, 0);
    layout->addWidget(m_browse, 0, 1);
    layout->addWidget(m_findings, 1, 0, 1, 2);
    connect(m_edit, &QLineEdit::textChanged, this, &FileField::pathChanged);
    connect(m_browse, &QToolButton::clicked, this, &FileField::browse);
}

QString FileField::path() const
{
    return m_edit->text().trimmed();
}

void FileField::setPath(const QString &path)
{
    if (path != m_edit->text())
        m_edit->setText(path);
}

void FileField::setFindings(const QList<CertificateFinding> &findings)
{
    QStringList lines;
    bool error = false;
    for (const CertificateFinding &finding : findings) {
        lines.append(finding.message);
        error = error || finding.isError();
    }
    // Long paths have no spaces to wrap at: allow a break after each '/'.
    QString text = lines.join(QLatin1Char('\n'));
    text.replace(QLatin1Char('/'), QStringLiteral("/\u200b"));
    m_findings->setText(text);
    m_findings->setVisible(!lines.isEmpty());
    m_findings->setStyleSheet(error ? QStringLiteral("color: #c0392b;")
                                    : QStringLiteral("color: #b7791f;"));
}

QString FileField::findingsText() const
{
    return !m_findings->isHidden() ? m_findings->text().remove(QChar(0x200b)) : QString();
}

void FileField::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasUrls())
        event->acceptProposedAction();
}

void FileField::dropEvent(QDropEvent *event)
{
    QStringList paths;
    const auto urls = event->mimeData()->urls();
    for (const QUrl &url : urls) {
        if (url.isLocalFile())
            paths.append(url.toLocalFile());
    }
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    if (paths.size() == 1)
        setPath(paths.first());
    else
        emit filesDropped(paths);
}

// A non-modal file dialog: the choice arrives through a signal, no nested event loop.
void FileField::browse()
{
    auto *dialog = new QFileDialog(this, m_dialogTitle, QFileInfo(path()).absolutePath(),
                                   tr("PEM files (*.pem *.crt *.key *.pem.crt *.pem.key);;"
                                      "All files (*)"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setFileMode(QFileDialog::ExistingFile);
    connect(dialog, &QFileDialog::fileSelected, this, &FileField::setPath);
    dialog->open();
}

} // namespace thingdeck
