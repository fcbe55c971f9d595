#pragma once

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QPushButton;
class QTableView;
class QToolButton;
class QVBoxLayout;

namespace thingdeck {

class SubscriptionListModel;

/// The subscriptions of the open connection: a table (filter with its colour, QoS, messages,
/// msg/s, state), a row to add one (the filter is checked as it is typed), Pause/Resume and
/// Remove for the selected rows (also in a context menu and on Space / Delete), and under the
/// table the reason and the advice for a subscription the broker refused.
class SubscriptionPanel : public QWidget
{
    Q_OBJECT
public:
    explicit SubscriptionPanel(QWidget *parent = nullptr);

    /// nullptr: no connection; the panel is disabled.
    void setModel(SubscriptionListModel *model);
    /// Subscribes to the filter in the entry field with the chosen QoS.
    void addFromEntry();
    void togglePausedSelected();
    void removeSelected();

    QTableView *view() const { return m_view; }
    QLineEdit *filterEntry() const { return m_entry; }
    QComboBox *qosChoice() const { return m_qos; }
    QPushButton *addButton() const { return m_add; }
    QLabel *problemLabel() const { return m_problem; }
    QLabel *hintLabel() const { return m_hint; }
    QToolButton *pauseButton() const { return m_pause; }
    QToolButton *removeButton() const { return m_remove; }

Q_SIGNALS:
    /// "Show only this subscription's messages" (double-click or the context menu).
    void showOnlyRequested(const QString &filter);

private:
    void buildEntry(QVBoxLayout *layout);
    void buildView();
    void buildActions();
    void validateEntry();
    void updateButtons();
    void updateProblem();
    QList<int> selectedRows() const;
    void showMenu(const QPoint &position);

    QPointer<SubscriptionListModel> m_model;
    QTableView *m_view = nullptr;
    QLineEdit *m_entry = nullptr;
    QComboBox *m_qos = nullptr;
    QPushButton *m_add = nullptr;
    QLabel *m_entryError = nullptr;
    QLabel *m_problem = nullptr;
    QLabel *m_hint = nullptr;
    QToolButton *m_pause = nullptr;
    QToolButton *m_remove = nullptr;
    QMenu *m_menu = nullptr;
    QAction *m_pauseAction = nullptr;
    QAction *m_removeAction = nullptr;
    QAction *m_showOnlyAction = nullptr;
};

} // namespace thingdeck
