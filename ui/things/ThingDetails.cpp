#include "things/ThingDetails.h"

#include "common/Icons.h"
#include "common/MessageBar.h"
#include "iot/IotError.h"
#include "iot/RegistryClient.h"
#include "models/AttributeEditModel.h"
#include "session/ConsoleSession.h"

#include <QAction>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QStackedWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace thingdeck {

ThingDetails::ThingDetails(QWidget *parent)
    : QWidget(parent)
    , m_stack(new QStackedWidget(this))
    , m_empty(new QLabel(this))
    , m_messages(new MessageBar(this))
    , m_attributes(new AttributeEditModel(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setEnabled(false);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(buildDetailsPage());
    layout->addWidget(m_stack);
    buildActions();
    connect(m_messages, &MessageBar::retryRequested, this, &ThingDetails::reload);
    connect(m_attributes, &AttributeEditModel::modifiedChanged, this, &ThingDetails::updateActions);
    connect(m_attributes, &QAbstractItemModel::dataChanged, this, &ThingDetails::updateActions);
    showEmpty(tr("Not connected."));
}

ThingDetails::~ThingDetails() = default;

QWidget *ThingDetails::buildDetailsPage()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(12, 10, 12, 10);
    layout->setSpacing(8);
    layout->addWidget(m_messages);
    m_name = new QLabel(page);
    QFont title = m_name->font();
    title.setPointSizeF(title.pointSizeF() * 1.4);
    title.setBold(true);
    m_name->setFont(title);
    m_name->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_name->setAccessibleName(tr("Thing name"));
    layout->addWidget(m_name);
    auto *form = new QFormLayout;
    form->setLabelAlignment(Qt::AlignRight);
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->setHorizontalSpacing(14);
    m_arn = addField(form, tr("ARN"), tr("Thing ARN"));
    m_id = addField(form, tr("Thing ID"), tr("Thing ID"));
    m_type = addField(form, tr("Type"), tr("Thing type"));
    m_version = addField(form, tr("Version"), tr("Registry version"));
    m_version->setToolTip(tr("The thing's registry version; attribute updates are sent against "
                             "it, so a change made elsewhere meanwhile is never overwritten"));
    m_clientId = addField(form, tr("Default client ID"), tr("Default client ID"));
    m_billingGroup = addField(form, tr("Billing group"), tr("Billing group"));
    layout->addLayout(form);
    layout->addWidget(buildAttributesBox(), 1);
    return page;
}

QLabel *ThingDetails::addField(QFormLayout *form, const QString &label, const QString &accessible)
{
    auto *field = new QLabel(this);
    field->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    field->setAccessibleName(accessible);
    field->setTextFormat(Qt::PlainText);
    form->addRow(label + QLatin1Char(':'), field);
    return field;
}

QWidget *ThingDetails::buildAttributesBox()
{
    auto *box = new QGroupBox(tr("Attributes"), this);
    auto *layout = new QVBoxLayout(box);
    m_attributeBoxLayout = layout;
    m_attributeView = new QTableView(box);
    m_attributeView->setModel(m_attributes);
    m_attributeView->setAccessibleName(tr("Attributes"));
    m_attributeView->setToolTip(tr("Double-click or press F2 to edit a name or value"));
    m_attributeView->verticalHeader()->hide();
    m_attributeView->horizontalHeader()->setStretchLastSection(true);
    m_attributeView->horizontalHeader()->resizeSection(AttributeEditModel::NameColumn, 200);
    m_attributeView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_attributeView->setEditTriggers(QAbstractItemView::DoubleClicked |
                                     QAbstractItemView::EditKeyPressed |
                                     QAbstractItemView::AnyKeyPressed);
    m_attributeView->setAlternatingRowColors(true);
    layout->addWidget(m_attributeView, 1);
    return box;
}

void ThingDetails::buildActions()
{
    m_add = new QAction(Icons::get(QStringLiteral("list-add")), tr("&Add Attribute"), this);
    m_add->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_N));
    m_remove =
        new QAction(Icons::get(QStringLiteral("list-remove")), tr("&Remove Attribute"), this);
    m_remove->setShortcut(QKeySequence::Delete);
    m_revert = new QAction(Icons::get(QStringLiteral("edit-undo")), tr("Re&vert"), this);
    m_revert->setToolTip(tr("Discard the attribute changes not yet saved"));
    m_save = new QAction(Icons::get(QStringLiteral("document-save")), tr("&Save Attributes"), this);
    m_save->setShortcut(QKeySequence::Save);
    m_save->setToolTip(tr("Send the changed attributes to the registry (Ctrl+S)"));
    auto *bar = new QHBoxLayout;
    for (QAction *action : {m_add, m_remove, m_revert, m_save}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
        auto *button = new QToolButton(this);
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        button->setAccessibleName(action->text().remove(QLatin1Char('&')));
        if (action == m_save)
            bar->addStretch(1);
        bar->addWidget(button);
    }
    m_attributeBoxLayout->addLayout(bar);
    connect(m_add, &QAction::triggered, this, [this] {
        const int row = m_attributes->addAttribute();
        const QModelIndex index = m_attributes->index(row, AttributeEditModel::NameColumn);
        m_attributeView->setCurrentIndex(index);
        m_attributeView->edit(index);
    });
    connect(m_remove, &QAction::triggered, this, [this] {
        const QModelIndex index = m_attributeView->currentIndex();
        if (index.isValid())
            m_attributes->removeAttribute(index.row());
    });
    connect(m_revert, &QAction::triggered, m_attributes, &AttributeEditModel::revert);
    connect(m_save, &QAction::triggered, this, &ThingDetails::saveAttributes);
    updateActions();
}

void ThingDetails::setSession(ConsoleSession *session)
{
    m_session = session;
    m_current.clear();
    m_description.reset();
    showEmpty(session ? tr("Select a thing in the list to see its details.")
                      : tr("Not connected."));
}

void ThingDetails::showThing(const std::optional<ThingSummary> &thing)
{
    if (!thing) {
        m_current.clear();
        m_description.reset();
        showEmpty(tr("Select a thing in the list to see its details."));
        return;
    }
    if (thing->name == m_current && m_description)
        return;
    m_current = thing->name;
    ThingDescription known;
    known.name = thing->name;
    known.arn = thing->arn;
    known.typeName = thing->typeName;
    known.attributes = thing->attributes;
    known.version = thing->version;
    m_description = known;
    onDescribed(*m_description);
    describe(thing->name);
}

void ThingDetails::reload()
{
    if (!m_current.isEmpty())
        describe(m_current);
}

void ThingDetails::describe(const QString &name)
{
    if (!m_session)
        return;
    const auto thing = ThingName::create(name);
    if (!thing.ok())
        return;
    m_session->registry()->describeThing(
        thing.value(), this, [this, name](const Result<ThingDescription, IotError> &result) {
            if (name != m_current)
                return; // the selection moved on meanwhile
            m_session->reportRestResult(result.ok() ? nullptr : &result.error());
            if (!result.ok()) {
                m_messages->showMessage(
                    MessageBar::Level::Error,
                    tr("Could not describe %1: %2").arg(name, result.error().toString()), true);
                return;
            }
            if (m_messages->level() == MessageBar::Level::Error)
                m_messages->dismiss();
            onDescribed(result.value());
        });
}

void ThingDetails::onDescribed(const ThingDescription &description)
{
    const bool keepEdit = m_attributes->isModified() && m_description &&
                          m_description->version == description.version &&
                          m_description->name == description.name;
    m_description = description;
    const QString none = tr("—");
    m_name->setText(description.name);
    m_arn->setText(description.arn.isEmpty() ? none : description.arn);
    m_id->setText(description.id.isEmpty() ? none : description.id);
    m_type->setText(description.typeName.isEmpty() ? tr("(no type)") : description.typeName);
    m_version->setText(QString::number(description.version));
    m_clientId->setText(description.defaultClientId.isEmpty() ? none : description.defaultClientId);
    m_billingGroup->setText(description.billingGroupName.isEmpty() ? none
                                                                   : description.billingGroupName);
    if (!keepEdit)
        m_attributes->load(description.attributes, description.version);
    m_stack->setCurrentIndex(1);
    updateActions();
}

void ThingDetails::saveAttributes()
{
    if (!m_session || !m_description || !m_attributes->isModified() || m_saving)
        return;
    const QString problem = m_attributes->validate();
    if (!problem.isEmpty()) {
        m_messages->showMessage(MessageBar::Level::Warning, problem);
        return;
    }
    const auto thing = ThingName::create(m_description->name);
    if (!thing.ok())
        return;
    m_saving = true;
    updateActions();
    const QString name = m_description->name;
    m_session->registry()->updateThingAttributes(
        thing.value(), m_attributes->update(), this,
        [this, name](const Result<std::monostate, IotError> &result) {
            m_saving = false;
            m_session->reportRestResult(result.ok() ? nullptr : &result.error());
            if (name != m_current)
                return;
            if (!result.ok())
                return onUpdateFailed(result.error());
            m_messages->showMessage(MessageBar::Level::Information,
                                    tr("Attributes of %1 saved.").arg(name));
            ThingSummary summary{name, m_description->typeName, m_description->arn,
                                 m_attributes->attributes(), m_description->version + 1};
            m_attributes->load(summary.attributes, summary.version);
            emit thingUpdated(summary);
            describe(name);
        });
}

void ThingDetails::onUpdateFailed(const IotError &error)
{
    updateActions();
    if (error.isConflict()) {
        m_attributes->revert();
        m_messages->showMessage(
            MessageBar::Level::Warning,
            tr("%1 was changed elsewhere since version %2 was loaded, so your attribute "
               "changes were not sent. It has been reloaded: make your change again on the "
               "current version.")
                .arg(m_current)
                .arg(m_description ? m_description->version : 0));
        m_description.reset();
        describe(m_current);
        return;
    }
    m_messages->showMessage(MessageBar::Level::Error,
                            tr("Could not save the attributes: %1").arg(error.toString()));
}

void ThingDetails::updateActions()
{
    const bool ready = m_session && m_description && !m_saving;
    m_add->setEnabled(ready);
    m_remove->setEnabled(ready && m_attributes->rowCount() > 0);
    m_revert->setEnabled(ready && m_attributes->isModified());
    m_save->setEnabled(ready && m_attributes->isModified());
}

void ThingDetails::showEmpty(const QString &text)
{
    m_empty->setText(text);
    m_stack->setCurrentIndex(0);
    m_messages->dismiss();
    updateActions();
}

} // namespace thingdeck
