#include "things/ThingRelations.h"

#include "common/MessageBar.h"
#include "iot/IotError.h"
#include "iot/RegistryClient.h"
#include "session/ConsoleSession.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QVBoxLayout>

namespace thingdeck {

ThingRelations::ThingRelations(QWidget *parent)
    : QWidget(parent)
    , m_messages(new MessageBar(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_messages);
    auto *row = new QHBoxLayout;
    m_groups = addList(row, tr("Thing groups"), &m_groupsTitle);
    m_principals = addList(row, tr("Attached principals (certificates)"), &m_principalsTitle);
    row->setStretch(0, 2);
    row->setStretch(1, 3);
    layout->addLayout(row, 1);
    connect(m_messages, &MessageBar::retryRequested, this, &ThingRelations::reload);
    showThing({});
}

QListWidget *ThingRelations::addList(QHBoxLayout *row, const QString &title, QLabel **label)
{
    auto *column = new QVBoxLayout;
    *label = new QLabel(title, this);
    QFont bold = (*label)->font();
    bold.setBold(true);
    (*label)->setFont(bold);
    auto *list = new QListWidget(this);
    list->setAccessibleName(title);
    list->setUniformItemSizes(true);
    list->setToolTip(tr("Ctrl+C copies the selected entry"));
    (*label)->setBuddy(list);
    column->addWidget(*label);
    column->addWidget(list, 1);
    row->addLayout(column);
    auto *copy = new QAction(tr("Copy"), list);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    list->addAction(copy);
    list->setContextMenuPolicy(Qt::NoContextMenu);
    connect(copy, &QAction::triggered, this, [this, list] {
        if (auto *item = list->currentItem(); item && (item->flags() & Qt::ItemIsSelectable))
            emit copyRequested(item->data(Qt::UserRole).toString());
    });
    return list;
}

void ThingRelations::setSession(ConsoleSession *session)
{
    m_session = session;
    showThing({});
}

void ThingRelations::showThing(const QString &name)
{
    m_current = name;
    m_messages->dismiss();
    const QString placeholder = name.isEmpty() ? tr("No thing selected.") : tr("Loading…");
    setPlaceholder(m_groups, placeholder);
    setPlaceholder(m_principals, placeholder);
    if (name.isEmpty() || !m_session)
        return;
    listGroups(name);
    listPrincipals(name);
}

void ThingRelations::reload()
{
    showThing(m_current);
}

void ThingRelations::listGroups(const QString &name)
{
    const auto thing = ThingName::create(name);
    if (!thing.ok())
        return;
    m_session->registry()->listThingGroupsForThing(
        thing.value(), this,
        [this, name](const Result<QList<ThingGroupSummary>, IotError> &result) {
            if (name != m_current)
                return;
            m_session->reportRestResult(result.ok() ? nullptr : &result.error());
            if (!result.ok()) {
                setPlaceholder(m_groups, tr("Not available."));
                m_messages->showMessage(
                    MessageBar::Level::Error,
                    tr("Could not list the groups of %1: %2").arg(name, result.error().toString()),
                    true);
                return;
            }
            m_groups->clear();
            for (const ThingGroupSummary &group : result.value()) {
                auto *item = new QListWidgetItem(group.name, m_groups);
                item->setToolTip(group.arn);
                item->setData(Qt::UserRole, group.name);
            }
            if (result.value().isEmpty())
                setPlaceholder(m_groups, tr("In no thing group."));
        });
}

void ThingRelations::listPrincipals(const QString &name)
{
    const auto thing = ThingName::create(name);
    if (!thing.ok())
        return;
    m_session->registry()->listThingPrincipals(
        thing.value(), this, [this, name](const Result<QStringList, IotError> &result) {
            if (name != m_current)
                return;
            m_session->reportRestResult(result.ok() ? nullptr : &result.error());
            if (!result.ok()) {
                setPlaceholder(m_principals, tr("Not available."));
                m_messages->showMessage(MessageBar::Level::Error,
                                        tr("Could not list the principals of %1: %2")
                                            .arg(name, result.error().toString()),
                                        true);
                return;
            }
            m_principals->clear();
            for (const QString &arn : result.value()) {
                auto *item = new QListWidgetItem(arn, m_principals);
                item->setToolTip(arn);
                item->setData(Qt::UserRole, arn);
            }
            if (result.value().isEmpty())
                setPlaceholder(m_principals, tr("No certificate or identity attached."));
        });
}

void ThingRelations::setPlaceholder(QListWidget *list, const QString &text)
{
    list->clear();
    auto *item = new QListWidgetItem(text, list);
    item->setFlags(Qt::NoItemFlags);
}

} // namespace thingdeck
