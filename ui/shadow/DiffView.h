#pragma once

#include <QJsonObject>
#include <QTreeView>

namespace thingdeck {

class JsonDiffModel;

/// Two JSON documents side by side as one tree (key | left | right): changed values tinted
/// amber, added green, removed red (colours that read on light and dark palettes), the paths
/// to every difference expanded and the rest collapsed.
class DiffView : public QTreeView
{
    Q_OBJECT
public:
    explicit DiffView(QWidget *parent = nullptr);

    void setDocuments(const QJsonObject &left, const QString &leftTitle, const QJsonObject &right,
                      const QString &rightTitle);
    JsonDiffModel *diffModel() const { return m_model; }
    /// "3 changed, 1 added, 0 removed".
    QString summary() const;

private:
    void expandChanges(const QModelIndex &parent);

    JsonDiffModel *m_model;
};

} // namespace thingdeck
