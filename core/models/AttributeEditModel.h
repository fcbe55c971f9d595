#pragma once

#include "iot/ThingAttributeUpdate.h"

#include <QAbstractTableModel>
#include <QMap>

namespace thingdeck {

/// An editable copy of a thing's attributes: rows of name and value that the user changes,
/// adds and removes, kept against the attributes and version they were loaded from, so that
/// update() sends only what changed (a removed attribute as an empty value, AWS's way of
/// removing one) with the version the edit was based on.
class AttributeEditModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, ValueColumn, ColumnCount };

    explicit AttributeEditModel(QObject *parent = nullptr);

    /// Starts over from these attributes of this version of the thing.
    void load(const QMap<QString, QString> &attributes, qint64 version);
    /// Back to what load() was given.
    void revert() override;
    /// Appends an empty row and returns it; its name must be filled in before update().
    int addAttribute();
    void removeAttribute(int row);

    /// Attributes as edited (rows with an empty name are left out).
    QMap<QString, QString> attributes() const;
    bool isModified() const;
    /// Why the edit cannot be sent (an empty or repeated name, or what AWS's rules refuse),
    /// or an empty string.
    QString validate() const;
    /// What changed against the loaded attributes, merged, with the loaded version expected.
    ThingAttributeUpdate update() const;
    qint64 baseVersion() const { return m_version; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

Q_SIGNALS:
    void modifiedChanged(bool modified);

private:
    struct Row
    {
        QString name;
        QString value;
    };

    void noteChange();

    QMap<QString, QString> m_original;
    qint64 m_version = 0;
    QList<Row> m_rows;
    bool m_modified = false;
};

} // namespace thingdeck
