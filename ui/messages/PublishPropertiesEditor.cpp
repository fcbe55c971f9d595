#include "messages/PublishPropertiesEditor.h"

#include "messages/PublishProblemLabel.h"
#include "mqtt/TopicName.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <limits>

namespace thingdeck {

PublishPropertiesEditor::PublishPropertiesEditor(QWidget *parent)
    : QWidget(parent)
    , m_contentType(new QLineEdit(this))
    , m_responseTopic(new QLineEdit(this))
    , m_responseTopicError(new PublishProblemLabel(tr("Response topic problem"), this))
    , m_expiry(new QSpinBox(this))
    , m_userProperties(new QTableWidget(0, 2, this))
    , m_add(new QToolButton(this))
    , m_remove(new QToolButton(this))
{
    m_contentType->setAccessibleName(tr("Content type"));
    m_contentType->setPlaceholderText(tr("e.g. application/json"));
    m_contentType->setToolTip(tr("MQTT 5 content type: a MIME type describing the payload"));
    m_responseTopic->setAccessibleName(tr("Response topic"));
    m_responseTopic->setPlaceholderText(tr("none"));
    m_responseTopic->setToolTip(tr("MQTT 5 response topic: where the receiver should reply"));
    m_expiry->setAccessibleName(tr("Message expiry"));
    m_expiry->setRange(0, std::numeric_limits<int>::max());
    m_expiry->setSpecialValueText(tr("never"));
    m_expiry->setSuffix(tr(" s"));
    m_expiry->setToolTip(tr("MQTT 5 message expiry: seconds the broker keeps the message for "
                            "subscribers that are offline; \u201cnever\u201d sends none"));

    m_userProperties->setAccessibleName(tr("User properties"));
    m_userProperties->setToolTip(tr("MQTT 5 user properties: name and value pairs sent with the "
                                    "message"));
    m_userProperties->setHorizontalHeaderLabels({tr("Name"), tr("Value")});
    m_userProperties->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_userProperties->verticalHeader()->hide();
    m_userProperties->setTabKeyNavigation(false);
    m_userProperties->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_userProperties->setMinimumHeight(
        m_userProperties->horizontalHeader()->sizeHint().height() +
        2 * m_userProperties->verticalHeader()->defaultSectionSize());
    m_userProperties->setMaximumHeight(m_userProperties->minimumHeight() +
                                       m_userProperties->verticalHeader()->defaultSectionSize());
    m_add->setText(tr("Add"));
    m_add->setAccessibleName(tr("Add user property"));
    m_add->setToolTip(tr("Add a user property row"));
    m_remove->setText(tr("Remove"));
    m_remove->setAccessibleName(tr("Remove user property"));
    m_remove->setToolTip(tr("Remove the selected user property"));

    auto *buttons = new QHBoxLayout;
    buttons->setContentsMargins(0, 0, 0, 0);
    buttons->addWidget(new QLabel(tr("User properties"), this));
    buttons->addStretch(1);
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    auto *form = new QFormLayout;
    form->setContentsMargins(0, 0, 0, 0);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Content type"), m_contentType);
    form->addRow(tr("Response topic"), m_responseTopic);
    form->addRow(QString(), m_responseTopicError);
    form->addRow(tr("Expiry"), m_expiry);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(form);
    layout->addLayout(buttons);
    layout->addWidget(m_userProperties);

    connect(m_add, &QToolButton::clicked, this, &PublishPropertiesEditor::addUserProperty);
    connect(m_remove, &QToolButton::clicked, this, &PublishPropertiesEditor::removeUserProperty);
    connect(m_contentType, &QLineEdit::textChanged, this, &PublishPropertiesEditor::changed);
    connect(m_responseTopic, &QLineEdit::textChanged, this,
            &PublishPropertiesEditor::updateProblem);
    connect(m_expiry, &QSpinBox::valueChanged, this, &PublishPropertiesEditor::changed);
    connect(m_userProperties, &QTableWidget::itemChanged, this, &PublishPropertiesEditor::changed);
}

MqttProperties PublishPropertiesEditor::properties() const
{
    MqttProperties properties;
    properties.contentType = m_contentType->text().trimmed();
    properties.responseTopic = m_responseTopic->text();
    properties.messageExpirySeconds = m_expiry->value() > 0 ? m_expiry->value() : -1;
    for (int row = 0; row < m_userProperties->rowCount(); ++row) {
        const QTableWidgetItem *name = m_userProperties->item(row, 0);
        const QTableWidgetItem *value = m_userProperties->item(row, 1);
        if (name && !name->text().isEmpty())
            properties.userProperties.append({name->text(), value ? value->text() : QString()});
    }
    return properties;
}

void PublishPropertiesEditor::setProperties(const MqttProperties &properties)
{
    m_contentType->setText(properties.contentType);
    m_responseTopic->setText(properties.responseTopic);
    m_expiry->setValue(
        properties.messageExpirySeconds > 0
            ? int(qMin<qint64>(properties.messageExpirySeconds, std::numeric_limits<int>::max()))
            : 0);
    m_userProperties->setRowCount(0);
    for (const auto &[name, value] : properties.userProperties)
        appendRow(name, value);
    emit changed();
}

QString PublishPropertiesEditor::problem() const
{
    const QString topic = m_responseTopic->text();
    if (topic.isEmpty())
        return {};
    const QString why = TopicName::validate(topic);
    return why.isEmpty() ? QString() : tr("Response topic: %1").arg(why);
}

void PublishPropertiesEditor::addUserProperty()
{
    appendRow(QString(), QString());
    const int row = m_userProperties->rowCount() - 1;
    m_userProperties->setCurrentCell(row, 0);
    m_userProperties->setFocus();
    m_userProperties->editItem(m_userProperties->item(row, 0));
}

void PublishPropertiesEditor::removeUserProperty()
{
    const int row = m_userProperties->currentRow();
    if (row < 0)
        return;
    m_userProperties->removeRow(row);
    emit changed();
}

void PublishPropertiesEditor::appendRow(const QString &name, const QString &value)
{
    const QSignalBlocker blocker(m_userProperties);
    const int row = m_userProperties->rowCount();
    m_userProperties->insertRow(row);
    m_userProperties->setItem(row, 0, new QTableWidgetItem(name));
    m_userProperties->setItem(row, 1, new QTableWidgetItem(value));
}

void PublishPropertiesEditor::updateProblem()
{
    const QString why = problem();
    m_responseTopicError->setProblem(why);
    emit changed();
}

} // namespace thingdeck
