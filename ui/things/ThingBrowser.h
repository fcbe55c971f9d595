#pragma once

#include "iot/ThingSummary.h"

#include <QPointer>
#include <QWidget>

#include <functional>
#include <optional>

class QAction;
class QComboBox;
class QMenu;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableView;
class QVBoxLayout;
class QToolButton;
class QWidget;

namespace thingdeck {

class ConsoleSession;
class MatchHighlightDelegate;
class MessageBar;
class ThingFilterModel;
class ThingListModel;
struct IotError;

/// The thing browser: a filter bar (narrow what is loaded as you type; server-side filters by
/// attribute and type start a new listing), the table of things over the session's
/// ThingListModel (pages load as the user scrolls), and a footer with the count, Load all with
/// progress and Cancel. Errors show in a message bar above the table with Retry.
class ThingBrowser : public QWidget
{
    Q_OBJECT
public:
    explicit ThingBrowser(QWidget *parent = nullptr);
    ~ThingBrowser() override;
    Q_DISABLE_COPY_MOVE(ThingBrowser)

    /// Binds to a session's things (null: no connection, an empty browser).
    void setSession(ConsoleSession *session);

    std::optional<ThingSummary> currentThing() const;
    /// Selects the thing with this name if it is loaded.
    bool selectThing(const QString &name);
    void focusFilter();
    void refresh();
    void loadAll();

    QTableView *view() const { return m_view; }
    QLineEdit *filterField() const { return m_filter; }
    MessageBar *messageBar() const { return m_messages; }
    ThingFilterModel *proxy() const { return m_proxy; }
    /// Copy name (Ctrl+C) and Copy ARN (Ctrl+Shift+C) while the list has focus; the main
    /// window lists the same actions in its Thing menu.
    QAction *copyNameAction() const { return m_copyName; }
    QAction *copyArnAction() const { return m_copyArn; }
    /// Watch the selected thing's live MQTT topics (Ctrl+Shift+W); also in the context menu
    /// and as a footer button.
    QAction *watchAction() const { return m_watch; }
    QPushButton *watchButton() const { return m_watchButton; }
    /// Which things to mark as having unapplied shadow edits (drafts): a pencil after the name.
    void setDraftMarker(std::function<bool(const QString &thing)> marker);
    /// Repaints the visible rows (after the drafts changed).
    void repaintRows();
    /// The header's state, for restoring column widths and sort order on the next start.
    QByteArray headerState() const;
    void restoreHeaderState(const QByteArray &state);

Q_SIGNALS:
    /// The selection moved (nullopt: nothing selected).
    void currentThingChanged(const std::optional<thingdeck::ThingSummary> &thing);
    /// Enter or double-click on a thing.
    void thingActivated(const thingdeck::ThingSummary &thing);
    void copyRequested(const QString &text);
    /// "Watch this thing": subscribe to its shadow, presence and telemetry topics.
    void watchRequested(const QString &thing);

private:
    void buildFilterBar(QVBoxLayout *layout);
    void buildServerFilter(QVBoxLayout *layout);
    void buildFooter(QVBoxLayout *layout);
    void bindModel();
    void applyServerFilter();
    void clearServerFilter();
    void onFilterTextChanged(const QString &text);
    void onCurrentChanged();
    void onError(const IotError &error);
    void onLoadAllProgress(int things, int pages);
    void onLoadAllFinished(bool cancelled);
    void onRefreshed();
    void loadThingTypes();
    void updateCount();
    void updateFooterState();
    void buildActions();
    void applyDefaultColumnWidths();
    void showContextMenu(const QPoint &position);
    bool eventFilter(QObject *watched, QEvent *event) override;

    QPointer<ConsoleSession> m_session;
    QPointer<ThingListModel> m_model;
    ThingFilterModel *m_proxy;
    MatchHighlightDelegate *m_delegate;
    MessageBar *m_messages;
    QLineEdit *m_filter = nullptr;
    QToolButton *m_serverToggle = nullptr;
    QWidget *m_serverBar = nullptr;
    QLineEdit *m_attributeName = nullptr;
    QLineEdit *m_attributeValue = nullptr;
    QComboBox *m_thingType = nullptr;
    QTableView *m_view;
    QLabel *m_count = nullptr;
    QPushButton *m_loadAll = nullptr;
    QProgressBar *m_progress = nullptr;
    QPushButton *m_cancel = nullptr;
    QAction *m_copyName = nullptr;
    QAction *m_copyArn = nullptr;
    QAction *m_refreshAction = nullptr;
    QMenu *m_contextMenu = nullptr;
    QAction *m_watch = nullptr;
    QPushButton *m_watchButton = nullptr;
    QString m_selectedBeforeRefresh;
    QByteArray m_savedHeader;
    bool m_headerPrepared = false;
    QString m_selectedName; ///< the thing the user selected, even while filtered out
    bool m_filtering = false;
};

} // namespace thingdeck
