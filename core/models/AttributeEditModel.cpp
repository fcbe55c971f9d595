#include "models/AttributeEditModel.h"

#include <QSet>

namespace thingdeck {

AttributeEditModel::AttributeEditModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void AttributeEditModel::load(const QMap<QString, QString> &attributes, qint64 version)
{
    m_original = attributes;
    m_version = version;
    revert();
}

void AttributeEditModel::revert()
{
    beginResetModel();
    m_rows.clear();
    for (auto it = m_original.cbegin(); it != m_original.cend(); ++it)
        m_rows.append(Row{it.key(), it.value()});
    endResetModel();
    noteChange();
}

int AttributeEditModel::addAttribute()
{
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(Row{});
    endInsertRows();
    noteChange();
    return row;
}

void AttributeEditModel::removeAttribute(int row)
{
    if (row < 0 || row >= m_rows.size())
        return;
    beginRemoveRows({}, row, row);
    m_rows.removeAt(row);
    endRemoveRows();
    noteChange();
}

QMap<QString, QString> AttributeEditModel::attributes() const
{
    QMap<QString, QString> out;
    for (const Row &row : m_rows) {
        if (!row.name.isEmpty())
            out.insert(row.name, row.value);
    }
    return out;
}

bool AttributeEditModel::isModified() const
{
    return m_modified;
}

QString AttributeEditModel::validate() const
{
    QSet<QString> seen;
    for (const Row &row : m_rows) {
        if (row.name.isEmpty())
            return tr("An attribute has no name: type one, or remove the row.");
        if (seen.contains(row.name))
            return tr("The attribute \"%1\" appears twice: rename or remove one.").arg(row.name);
        if (row.value.isEmpty())
            return tr("The attribute \"%1\" has no value: AWS removes attributes with an empty "
                      "value, so type a value or remove the row.")
                .arg(row.name);
        seen.insert(row.name);
    }
    return update().validate();
}

ThingAttributeUpdate AttributeEditModel::update() const
{
    ThingAttributeUpdate update;
    update.merge = true;
    update.expectedVersion = m_version;
    const QMap<QString, QString> edited = attributes();
    for (auto it = edited.cbegin(); it != edited.cend(); ++it) {
        if (m_original.value(it.key()) != it.value() || !m_original.contains(it.key()))
            update.attributes.insert(it.key(), it.value());
    }
    for (auto it = m_original.cbegin(); it != m_original.cend(); ++it) {
        if (!edited.contains(it.key()))
            update.attributes.insert(it.key(), QString());
    }
    return update;
}

int AttributeEditModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int AttributeEditModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AttributeEditModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    if (role != Qt::DisplayRole && role != Qt::EditRole && role != Qt::ToolTipRole)
        return {};
    const Row &row = m_rows.at(index.row());
    return index.column() == NameColumn ? row.name : row.value;
}

bool AttributeEditModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid) || role != Qt::EditRole)
        return false;
    Row &row = m_rows[index.row()];
    QString &field = index.column() == NameColumn ? row.name : row.value;
    const QString text =
        index.column() == NameColumn ? value.toString().trimmed() : value.toString();
    if (field == text)
        return true;
    field = text;
    emit dataChanged(index, index, {Qt::DisplayRole, Qt::EditRole, Qt::ToolTipRole});
    noteChange();
    return true;
}

Qt::ItemFlags AttributeEditModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsSelectable | Qt::ItemIsEnabled | Qt::ItemIsEditable;
}

QVariant AttributeEditModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return section == NameColumn ? tr("Attribute") : tr("Value");
}

void AttributeEditModel::noteChange()
{
    const bool modified = attributes() != m_original || int(m_rows.size()) != m_original.size();
    if (modified == m_modified)
        return;
    m_modified = modified;
    emit modifiedChanged(modified);
}

} // namespace thingdeck
