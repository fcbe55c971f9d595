#include "messages/PublishHistoryList.h"

#include <QDateTime>
#include <QHeaderView>

namespace thingdeck {

PublishHistoryList::PublishHistoryList(QWidget *parent)
    : QTreeWidget(parent)
{
    setAccessibleName(tr("Publish history"));
    setToolTip(tr("Recent publishes, most recent first. Double-click or press Enter to send "
                  "one again."));
    setColumnCount(ColumnCount);
    setHeaderLabels({tr("Time"), tr("Topic"), tr("Via"), tr("QoS"), tr("Outcome")});
    setRootIsDecorated(false);
    setUniformRowHeights(true);
    setAllColumnsShowFocus(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setTextElideMode(Qt::ElideMiddle);
    header()->setStretchLastSection(false);
    header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(TopicColumn, QHeaderView::Stretch);
}

void PublishHistoryList::setRecords(const QList<PublishRecord> &records)
{
    clear();
    QList<QTreeWidgetItem *> items;
    items.reserve(records.size());
    for (const PublishRecord &record : records)
        items.append(makeItem(record));
    addTopLevelItems(items);
}

void PublishHistoryList::insertRecord(const PublishRecord &record, int maxRows)
{
    insertTopLevelItem(0, makeItem(record));
    while (topLevelItemCount() > maxRows)
        delete takeTopLevelItem(topLevelItemCount() - 1);
}

void PublishHistoryList::updateRecord(int row, const PublishRecord &record)
{
    if (QTreeWidgetItem *item = topLevelItem(row))
        fill(item, record);
}

int PublishHistoryList::currentRow() const
{
    const QList<QTreeWidgetItem *> selected = selectedItems();
    return selected.isEmpty() ? -1 : indexOfTopLevelItem(selected.first());
}

QString PublishHistoryList::outcomeText(const PublishRecord &record)
{
    switch (record.outcome) {
    case PublishRecord::Pending:
        return tr("Sending\u2026");
    case PublishRecord::Sent:
        return tr("Sent");
    case PublishRecord::Acknowledged:
        return tr("Acknowledged (PUBACK)");
    case PublishRecord::Failed:
        break;
    }
    return record.error.isEmpty() ? tr("Failed") : tr("Failed: %1").arg(record.error);
}

QTreeWidgetItem *PublishHistoryList::makeItem(const PublishRecord &record) const
{
    auto *item = new QTreeWidgetItem;
    fill(item, record);
    return item;
}

void PublishHistoryList::fill(QTreeWidgetItem *item, const PublishRecord &record)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(record.timeMs).toLocalTime();
    item->setText(TimeColumn, time.toString(QStringLiteral("HH:mm:ss")));
    item->setToolTip(TimeColumn, time.toString(Qt::ISODateWithMs));
    item->setText(TopicColumn, record.topic);
    item->setToolTip(TopicColumn, record.topic);
    item->setText(ViaColumn, record.via == PublishRecord::Https ? tr("HTTPS") : tr("MQTT"));
    item->setText(QosColumn, QString::number(record.qos));
    item->setText(OutcomeColumn, outcomeText(record));
    item->setToolTip(OutcomeColumn, outcomeText(record));
}

} // namespace thingdeck
