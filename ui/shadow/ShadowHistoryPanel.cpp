#include "shadow/ShadowHistoryPanel.h"

#include "session/ShadowSession.h"
#include "shadow/DiffView.h"

#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSplitter>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace thingdeck {

namespace {

enum HistoryColumn { VersionColumn, SeenColumn, AuthorColumn, NoteColumn };

QString noteOf(const ShadowVersion &version)
{
    QStringList notes;
    if (version.source == ShadowVersion::Source::Deleted)
        notes.append(QObject::tr("deleted"));
    if (version.skipped > 0)
        notes.append(
            QObject::tr("%n version(s) not seen before it", nullptr, int(version.skipped)));
    if (version.source == ShadowVersion::Source::Fetched)
        notes.append(QObject::tr("fetched"));
    return notes.join(QStringLiteral(" · "));
}

} // namespace

ShadowHistoryPanel::ShadowHistoryPanel(QWidget *parent)
    : QWidget(parent)
    , m_list(new QTreeWidget(this))
    , m_diffTitle(new QLabel(this))
    , m_diff(new DiffView(this))
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("historySplitter"));
    m_list->setColumnCount(4);
    m_list->setHeaderLabels({tr("Version"), tr("Seen"), tr("By"), tr("Note")});
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_list->setAccessibleName(tr("Shadow versions seen"));
    m_list->setToolTip(
        tr("Select one version to compare it with the one before, or two (Ctrl+click) "
           "to compare them"));
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(true);
    auto *right = new QWidget(splitter);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_diffTitle);
    rightLayout->addWidget(m_diff, 1);
    splitter->addWidget(m_list);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter);
    connect(m_list, &QTreeWidget::itemSelectionChanged, this,
            &ShadowHistoryPanel::compareSelection);
}

void ShadowHistoryPanel::setSession(ShadowSession *shadows)
{
    if (m_shadows)
        disconnect(m_shadows, nullptr, this, nullptr);
    m_shadows = shadows;
    if (m_shadows)
        connect(m_shadows, &ShadowSession::historyChanged, this, &ShadowHistoryPanel::reload);
    reload();
}

void ShadowHistoryPanel::reload()
{
    const QList<ShadowVersion> history = m_shadows ? m_shadows->history() : QList<ShadowVersion>();
    // Keep what was selected, by version number.
    QList<qint64> selected;
    for (const QTreeWidgetItem *item : m_list->selectedItems())
        selected.append(item->data(VersionColumn, Qt::UserRole).toLongLong());
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    const QLocale locale;
    // Newest first: the version just seen is at the top.
    for (qsizetype i = history.size() - 1; i >= 0; --i) {
        const ShadowVersion &version = history.at(i);
        auto *item = new QTreeWidgetItem(m_list);
        item->setText(VersionColumn, QString::number(version.version));
        item->setData(VersionColumn, Qt::UserRole, version.version);
        item->setData(VersionColumn, Qt::UserRole + 1, int(i));
        item->setText(SeenColumn, version.seenAt.toString(QStringLiteral("HH:mm:ss.zzz")));
        item->setToolTip(SeenColumn, locale.toString(version.seenAt, QLocale::LongFormat));
        item->setText(AuthorColumn, version.author());
        if (!version.clientToken.isEmpty())
            item->setToolTip(AuthorColumn, tr("clientToken %1").arg(version.clientToken));
        item->setText(NoteColumn, noteOf(version));
        item->setTextAlignment(VersionColumn, Qt::AlignRight | Qt::AlignVCenter);
        if (selected.contains(version.version))
            item->setSelected(true);
    }
    compareSelection();
}

void ShadowHistoryPanel::compareSelection()
{
    const QList<ShadowVersion> history = m_shadows ? m_shadows->history() : QList<ShadowVersion>();
    QList<int> rows;
    for (const QTreeWidgetItem *item : m_list->selectedItems())
        rows.append(item->data(VersionColumn, Qt::UserRole + 1).toInt());
    std::sort(rows.begin(), rows.end());
    if (rows.size() == 1 && rows.first() > 0)
        rows.prepend(rows.first() - 1);
    if (rows.isEmpty() && history.size() >= 2)
        rows = {int(history.size()) - 2, int(history.size()) - 1};
    if (rows.size() < 2 || rows.last() >= history.size()) {
        m_diffTitle->setText(history.size() < 2
                                 ? tr("Versions seen while the shadow is open appear here.")
                                 : tr("Select two versions to compare them."));
        m_diff->setDocuments({}, tr("Older"), {}, tr("Newer"));
        return;
    }
    const ShadowVersion &older = history.at(rows.first());
    const ShadowVersion &newer = history.at(rows.last());
    const QString left = tr("Version %1").arg(older.version);
    const QString right = tr("Version %1").arg(newer.version);
    // Metadata is left out: every leaf's timestamp would show as changed and hide the rest.
    QJsonObject olderJson = older.json();
    QJsonObject newerJson = newer.json();
    olderJson.remove(QStringLiteral("metadata"));
    newerJson.remove(QStringLiteral("metadata"));
    m_diff->setDocuments(olderJson, left, newerJson, right);
    m_diffTitle->setText(tr("%1 → %2: %3").arg(left, right, m_diff->summary()));
}

} // namespace thingdeck
