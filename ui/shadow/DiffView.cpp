#include "shadow/DiffView.h"

#include "models/JsonDiffModel.h"

#include <QHeaderView>

#include <QPainter>
#include <QStyledItemDelegate>
#include <algorithm>

namespace thingdeck {

namespace {

/// Tints a row by its kind; the tint is blended into the base colour so it keeps contrast with
/// the text in either palette.
class DiffDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const auto kind = JsonDiffModel::Kind(index.data(JsonDiffModel::KindRole).toInt());
        QColor tint;
        switch (kind) {
        case JsonDiffModel::Kind::Changed:
            tint = QColor(230, 160, 0);
            break;
        case JsonDiffModel::Kind::Added:
            tint = QColor(40, 170, 60);
            break;
        case JsonDiffModel::Kind::Removed:
            tint = QColor(220, 50, 50);
            break;
        case JsonDiffModel::Kind::Unchanged:
            return;
        }
        const QColor base = option->palette.color(QPalette::Base);
        const float a = 0.28F;
        option->backgroundBrush = QColor::fromRgbF(base.redF() * (1 - a) + tint.redF() * a,
                                                   base.greenF() * (1 - a) + tint.greenF() * a,
                                                   base.blueF() * (1 - a) + tint.blueF() * a);
    }
};

} // namespace

DiffView::DiffView(QWidget *parent)
    : QTreeView(parent)
    , m_model(new JsonDiffModel(this))
{
    setModel(m_model);
    setItemDelegate(new DiffDelegate(this));
    setUniformRowHeights(true);
    setAlternatingRowColors(false);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    header()->setStretchLastSection(true);
    header()->setSectionResizeMode(QHeaderView::Interactive);
    setAccessibleName(tr("Differences"));
    setToolTip(tr("Changed values are amber, added green, removed red"));
}

void DiffView::setDocuments(const QJsonObject &left, const QString &leftTitle,
                            const QJsonObject &right, const QString &rightTitle)
{
    m_model->setDocuments(left, leftTitle, right, rightTitle);
    collapseAll();
    expandChanges(QModelIndex());
    const int width = viewport()->width() > 0 ? viewport()->width() : 600;
    resizeColumnToContents(JsonDiffModel::KeyColumn);
    setColumnWidth(JsonDiffModel::KeyColumn,
                   std::clamp(columnWidth(JsonDiffModel::KeyColumn), 120, width / 3));
    setColumnWidth(JsonDiffModel::LeftColumn, std::max(160, width * 3 / 8));
}

QString DiffView::summary() const
{
    int changed = 0;
    int added = 0;
    int removed = 0;
    for (const JsonChange &change : m_model->changes()) {
        switch (change.kind) {
        case JsonChange::Kind::Changed:
            ++changed;
            break;
        case JsonChange::Kind::Added:
            ++added;
            break;
        case JsonChange::Kind::Removed:
            ++removed;
            break;
        }
    }
    if (changed + added + removed == 0)
        return tr("No differences");
    return tr("%1 changed, %2 added, %3 removed").arg(changed).arg(added).arg(removed);
}

void DiffView::expandChanges(const QModelIndex &parent)
{
    for (int row = 0; row < m_model->rowCount(parent); ++row) {
        const QModelIndex index = m_model->index(row, 0, parent);
        if (index.data(JsonDiffModel::ContainsChangesRole).toBool()) {
            expand(index);
            expandChanges(index);
        }
    }
}

} // namespace thingdeck
