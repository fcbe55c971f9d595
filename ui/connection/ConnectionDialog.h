#pragma once

#include <QDialog>
#include <QProcessEnvironment>

class QListWidget;
class QPushButton;
class QVBoxLayout;

namespace thingdeck {

class ConnectionEditor;
class MessageBar;
class SecretStore;
class Settings;

/// Manages the saved connections: a list (new, duplicate, delete; renaming is editing the
/// name) beside the editor of the selected one. Edits are saved when the user saves, connects,
/// switches to another connection or closes the dialog, so nothing typed is lost; a form that
/// cannot be saved says why in the message bar and keeps the selection.
class ConnectionDialog : public QDialog
{
    Q_OBJECT
public:
    ConnectionDialog(Settings *settings, SecretStore *secrets,
                     const QProcessEnvironment &environment, QWidget *parent = nullptr);

    /// Selects this connection (or the first when empty or unknown).
    void selectConnection(const QString &name);
    /// Starts a new connection with default values.
    void newConnection();
    /// Saves the form; false (with the reason shown) when it cannot be saved.
    bool saveCurrent();

    ConnectionEditor *editor() const { return m_editor; }
    QListWidget *list() const { return m_list; }
    MessageBar *messageBar() const { return m_messages; }

Q_SIGNALS:
    void connectRequested(const QString &name);
    /// The list of saved connections changed (added, renamed, removed).
    void connectionsChanged();

protected:
    void done(int result) override;

private:
    void buildButtons(QVBoxLayout *layout);
    void reloadList(const QString &select);
    void onCurrentRowChanged(int row);
    void duplicateCurrent();
    void deleteCurrent();
    void storePassphrase(const QString &name);
    bool hasUnsavedEdit() const;

    Settings *m_settings;
    SecretStore *m_secrets;
    QListWidget *m_list;
    ConnectionEditor *m_editor;
    MessageBar *m_messages;
    QPushButton *m_duplicate = nullptr;
    QPushButton *m_delete = nullptr;
    QString m_editing; ///< name of the connection in the form as saved; empty for a new one
    bool m_dirty = false;
    bool m_switching = false;
    bool m_discardOnClose = false;
};

} // namespace thingdeck
