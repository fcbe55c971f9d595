#pragma once

#include "session/PublishHistory.h"

#include <QTreeWidget>

namespace thingdeck {

/// The recent publishes of the publish panel, most recent first: time, topic, how it went
/// (MQTT or HTTPS), QoS and its outcome. Row i shows PublishHistory::records()[i]; the panel
/// keeps the two in step (insertRecord on add, updateRecord on an outcome, setRecords on
/// load or clear).
class PublishHistoryList : public QTreeWidget
{
    Q_OBJECT
public:
    enum Column { TimeColumn, TopicColumn, ViaColumn, QosColumn, OutcomeColumn, ColumnCount };

    explicit PublishHistoryList(QWidget *parent = nullptr);

    void setRecords(const QList<PublishRecord> &records);
    /// Inserts `record` as row 0 and drops rows beyond `maxRows`.
    void insertRecord(const PublishRecord &record, int maxRows);
    void updateRecord(int row, const PublishRecord &record);
    /// The selected row, -1 for none.
    int currentRow() const;

    /// "Sending…", "Sent", "Acknowledged (PUBACK)" or "Failed: <error>".
    static QString outcomeText(const PublishRecord &record);

private:
    QTreeWidgetItem *makeItem(const PublishRecord &record) const;
    static void fill(QTreeWidgetItem *item, const PublishRecord &record);
};

} // namespace thingdeck
