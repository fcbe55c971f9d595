#pragma once

#include "iot/ShadowSection.h"
#include "session/ShadowSession.h"

#include <QPointer>
#include <QTimer>
#include <QWidget>

#include <memory>
#include <optional>

class QAction;
class QCheckBox;
class QHBoxLayout;
class QLabel;
class QPushButton;
class QSplitter;
class QStackedWidget;
class QTabBar;
class QToolButton;
class QTreeView;

namespace thingdeck {

class ConsoleSession;
class DraftStore;
class JsonTextEdit;
class MessageBar;
class ShadowConflictPanel;
class ShadowHistoryPanel;
class ShadowStateModel;

/// The centre of the window: the shadows of the selected thing. A tab per shadow (classic and
/// named, with + to create one), the state as one tree (key | desired | reported | updated, keys
/// in delta marked, values editable in place), the editable section as JSON text beside it, the
/// version and who made it, and below the history of versions seen with a diff of any two.
///
/// The edit is kept against the version it was based on: Apply sends only what changed, with
/// that version; a newer version arriving meanwhile, or a 409, opens the conflict panel (the
/// edit next to the server's document, differences marked), from which the change is re-applied
/// on the newer version in one click. An unapplied edit is a draft: saved to the DraftStore as
/// it is typed, restored when the thing and shadow are opened again.
class ShadowEditor : public QWidget
{
    Q_OBJECT
public:
    ShadowEditor(DraftStore *drafts, QWidget *parent = nullptr);
    ~ShadowEditor() override;
    Q_DISABLE_COPY_MOVE(ShadowEditor)

    /// Binds to a connection's clients (null: none open); the open edit is saved as a draft.
    void setSession(ConsoleSession *session);
    /// Shows `thing` (empty: none). An unapplied edit of the previous one is kept as a draft.
    void setThing(const QString &thing);
    /// Saves the unapplied edit, if any, as a draft now (before switching or closing).
    void saveDraft();

    ShadowSession *shadows() const { return m_shadows.get(); }
    ShadowStateModel *stateModel() const { return m_model; }
    QTreeView *stateView() const { return m_tree; }
    JsonTextEdit *jsonEditor() const { return m_editor; }
    QTabBar *shadowTabs() const { return m_tabs; }
    MessageBar *messageBar() const { return m_messages; }
    ShadowConflictPanel *conflictPanel() const { return m_conflict; }
    ShadowHistoryPanel *historyPanel() const { return m_history; }
    QPushButton *applyButton() const { return m_apply; }
    QCheckBox *editReportedToggle() const { return m_editReported; }
    QCheckBox *autoRefreshToggle() const { return m_autoRefresh; }
    QLabel *versionLabel() const { return m_versionLabel; }
    QLabel *syntaxLabel() const { return m_syntaxLabel; }
    /// Whether the edit differs from the version it is based on.
    bool hasEdit() const;
    /// The version the edit is based on; nullopt for a shadow that does not exist.
    std::optional<qint64> baseVersion() const;

    /// The splitters' sizes, for the next start.
    QByteArray saveLayout() const;
    void restoreLayout(const QByteArray &state);

    /// Actions for the window's menu: apply, refresh, reformat, new and delete shadow.
    QList<QAction *> menuActions() const;

public Q_SLOTS:
    void apply();
    void refresh();
    void revert();
    void newNamedShadow();
    void deleteShadow();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

Q_SIGNALS:
    /// The drafts changed (the browser marks things that have one).
    void draftsChanged();
    void copyRequested(const QString &text);

private:
    void buildUi();
    void buildActions();
    QHBoxLayout *buildHeader();
    void buildEmptyPage();
    void buildEditorPage();
    QWidget *buildStatePane();
    QHBoxLayout *buildKeyForm(QWidget *pane);
    void buildTextPane();
    void connectUi();
    void bindShadows();
    void onNamedShadowsChanged();
    void onTabChosen(int index);
    void onStateChanged();
    void onCurrentChanged();
    void onApplied(qint64 version);
    void onConflict(const ShadowVersion &newest);
    void onTextChanged();
    void onModelEdited(const QJsonObject &section);
    void onEditReportedToggled(bool on);
    void loadBase(const ShadowVersion &version);
    void loadDraftOrBase();
    void setEditText(const QJsonObject &section);
    void showConflict(const ShadowVersion &newest, bool afterRejection);
    void reapplyOnNewest(bool sendNow);
    void updateInfo();
    void updateActions();
    void scheduleDraftSave();
    QJsonObject baseSection() const;
    ShadowSection section() const;
    QString currentShadowName() const;
    QString connectionName() const;

    DraftStore *m_drafts;
    QPointer<ConsoleSession> m_session;
    std::unique_ptr<ShadowSession> m_shadows;
    QString m_thing;

    // The edit: the version it started from and whether it is on its way.
    std::optional<ShadowVersion> m_base;
    std::optional<qint64> m_awaitingVersion; ///< applied, waiting to see this version
    std::optional<ShadowVersion> m_newest;   ///< shown in the conflict panel
    bool m_syncing = false;                  ///< text <-> tree updates in progress

    MessageBar *m_messages = nullptr;
    QLabel *m_title = nullptr;
    QTabBar *m_tabs = nullptr;
    QToolButton *m_newShadow = nullptr;
    QToolButton *m_deleteShadow = nullptr;
    QLabel *m_liveLabel = nullptr;
    QCheckBox *m_autoRefresh = nullptr;
    QLabel *m_versionLabel = nullptr;
    QStackedWidget *m_pages = nullptr;
    QWidget *m_emptyPage = nullptr;
    QLabel *m_emptyText = nullptr;
    QPushButton *m_createShadow = nullptr;
    QSplitter *m_vertical = nullptr;
    QSplitter *m_horizontal = nullptr;
    QSplitter *m_historySplitter = nullptr;
    ShadowStateModel *m_model = nullptr;
    QTreeView *m_tree = nullptr;
    QPushButton *m_addKey = nullptr;
    QPushButton *m_removeKey = nullptr;
    QCheckBox *m_editReported = nullptr;
    QLabel *m_editorTitle = nullptr;
    JsonTextEdit *m_editor = nullptr;
    QLabel *m_syntaxLabel = nullptr;
    QPushButton *m_reformat = nullptr;
    QPushButton *m_revert = nullptr;
    QPushButton *m_apply = nullptr;
    QStackedWidget *m_rightStack = nullptr; ///< the text editor, or the conflict panel
    ShadowConflictPanel *m_conflict = nullptr;
    ShadowHistoryPanel *m_history = nullptr;
    QAction *m_applyAction = nullptr;
    QAction *m_refreshAction = nullptr;
    QAction *m_reformatAction = nullptr;
    QAction *m_newAction = nullptr;
    QAction *m_deleteAction = nullptr;
    QTimer m_draftTimer;
    QTimer m_clock; ///< re-renders relative times
};

} // namespace thingdeck
