#include "connection/ConnectionDialog.h"

#include "common/Icons.h"
#include "common/MessageBar.h"
#include "connection/ConnectionEditor.h"
#include "session/SecretStore.h"
#include "session/Settings.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QShortcut>
#include <QVBoxLayout>

namespace thingdeck {

ConnectionDialog::ConnectionDialog(Settings *settings, SecretStore *secrets,
                                   const QProcessEnvironment &environment, QWidget *parent)
    : QDialog(parent)
    , m_settings(settings)
    , m_secrets(secrets)
    , m_list(new QListWidget(this))
    , m_editor(new ConnectionEditor(environment, this))
    , m_messages(new MessageBar(this))
{
    setWindowTitle(tr("Connections"));
    resize(960, 680);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_messages);
    auto *row = new QHBoxLayout;
    auto *left = new QVBoxLayout;
    m_list->setAccessibleName(tr("Saved connections"));
    m_list->setMinimumWidth(180);
    m_list->setMaximumWidth(220);
    left->addWidget(m_list, 1);
    buildButtons(left);
    row->addLayout(left);
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(m_editor);
    scroll->setWidgetResizable(true);
    scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    scroll->setFrameShape(QFrame::NoFrame);
    row->addWidget(scroll, 1);
    layout->addLayout(row, 1);
    auto *buttons = new QDialogButtonBox(this);
    auto *connectButton = buttons->addButton(tr("Save && &Connect"), QDialogButtonBox::AcceptRole);
    connectButton->setIcon(Icons::get(QStringLiteral("network-connect")));
    connectButton->setAccessibleName(tr("Save and connect"));
    auto *save = buttons->addButton(QDialogButtonBox::Save);
    save->setAccessibleName(tr("Save connection"));
    buttons->addButton(QDialogButtonBox::Close)->setAccessibleName(tr("Close"));
    layout->addWidget(buttons);
    connect(save, &QPushButton::clicked, this, &ConnectionDialog::saveCurrent);
    connect(connectButton, &QPushButton::clicked, this, [this] {
        if (!saveCurrent())
            return;
        emit connectRequested(m_editing);
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_list, &QListWidget::currentRowChanged, this, &ConnectionDialog::onCurrentRowChanged);
    connect(m_editor, &ConnectionEditor::changed, this, [this] {
        if (!m_switching)
            m_dirty = true;
    });
    auto *saveShortcut = new QShortcut(QKeySequence::Save, this);
    connect(saveShortcut, &QShortcut::activated, this, &ConnectionDialog::saveCurrent);
    reloadList({});
}

void ConnectionDialog::buildButtons(QVBoxLayout *layout)
{
    auto *row = new QHBoxLayout;
    auto *add = new QPushButton(Icons::get(QStringLiteral("list-add")), tr("&New"), this);
    add->setAccessibleName(tr("New connection"));
    add->setToolTip(tr("A new connection with default values"));
    m_duplicate = new QPushButton(Icons::get(QStringLiteral("edit-copy")), tr("D&uplicate"), this);
    m_duplicate->setAccessibleName(tr("Duplicate connection"));
    m_duplicate->setToolTip(tr("A copy of the selected connection, with a new client ID"));
    m_delete = new QPushButton(Icons::get(QStringLiteral("list-remove")), tr("&Delete"), this);
    m_delete->setAccessibleName(tr("Delete connection"));
    m_delete->setToolTip(tr("Delete the selected connection (its passphrase is removed from "
                            "the keyring too)"));
    row->addWidget(add);
    row->addWidget(m_duplicate);
    row->addWidget(m_delete);
    layout->addLayout(row);
    connect(add, &QPushButton::clicked, this, &ConnectionDialog::newConnection);
    connect(m_duplicate, &QPushButton::clicked, this, &ConnectionDialog::duplicateCurrent);
    connect(m_delete, &QPushButton::clicked, this, &ConnectionDialog::deleteCurrent);
}

void ConnectionDialog::reloadList(const QString &select)
{
    m_switching = true;
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    for (const ConnectionSettings &connection : m_settings->connections()) {
        auto *item = new QListWidgetItem(connection.name, m_list);
        if (connection.kind == ConnectionSettings::Kind::Sandbox)
            item->setIcon(Icons::get(QStringLiteral("computer")));
    }
    m_switching = false;
    selectConnection(select);
}

void ConnectionDialog::selectConnection(const QString &name)
{
    const auto found = m_list->findItems(name, Qt::MatchExactly);
    if (!found.isEmpty())
        m_list->setCurrentItem(found.first());
    else if (m_list->count() > 0)
        m_list->setCurrentRow(0);
    else
        newConnection();
    onCurrentRowChanged(m_list->currentRow());
}

void ConnectionDialog::onCurrentRowChanged(int row)
{
    auto *item = m_list->item(row);
    if (!item || item->text() == m_editing)
        return;
    if (hasUnsavedEdit() && !saveCurrent()) {
        // Keep the form (and the selection on it) until the problem is fixed.
        const QSignalBlocker blocker(m_list);
        const auto found = m_list->findItems(m_editing, Qt::MatchExactly);
        m_list->setCurrentItem(found.isEmpty() ? nullptr : found.first());
        return;
    }
    const auto connection = m_settings->connection(item->text());
    if (!connection)
        return;
    m_switching = true;
    m_editing = connection->name;
    m_editor->setSettings(*connection);
    m_switching = false;
    m_dirty = false;
    m_duplicate->setEnabled(true);
    m_delete->setEnabled(true);
}

void ConnectionDialog::newConnection()
{
    if (hasUnsavedEdit() && !saveCurrent())
        return;
    m_switching = true;
    m_editing.clear();
    m_editor->setSettings(
        ConnectionSettings::withDefaults(m_settings->uniqueName(tr("New connection"))));
    m_switching = false;
    m_dirty = true;
    {
        const QSignalBlocker blocker(m_list);
        m_list->clearSelection();
        m_list->setCurrentItem(nullptr);
    }
    m_duplicate->setEnabled(false);
    m_delete->setEnabled(false);
    m_editor->nameField()->setFocus();
    m_editor->nameField()->selectAll();
}

bool ConnectionDialog::saveCurrent()
{
    const ConnectionSettings settings = m_editor->settings();
    const QString problem = settings.validate();
    if (!problem.isEmpty()) {
        m_messages->showMessage(MessageBar::Level::Warning, tr("Not saved: %1").arg(problem));
        return false;
    }
    const auto saved = m_settings->saveConnection(settings, m_editing);
    if (!saved.ok()) {
        m_messages->showMessage(MessageBar::Level::Warning, tr("Not saved: %1").arg(saved.error()));
        return false;
    }
    const bool renamed = !m_editing.isEmpty() && m_editing != settings.name;
    if (renamed)
        m_secrets->forgetInMemory(m_editing);
    m_editing = settings.name;
    m_dirty = false;
    storePassphrase(settings.name);
    m_settings->sync();
    reloadList(settings.name);
    m_messages->showMessage(MessageBar::Level::Information,
                            tr("Connection \"%1\" saved.").arg(settings.name));
    emit connectionsChanged();
    return true;
}

void ConnectionDialog::storePassphrase(const QString &name)
{
    const QByteArray passphrase = m_editor->passphrase();
    if (passphrase.isEmpty())
        return;
    m_secrets->rememberInMemory(name, passphrase);
    if (!m_editor->settings().rememberPassphrase)
        return;
    m_secrets->writeToKeyring(name, passphrase, this, [this](const Result<bool, QString> &done) {
        if (!done.ok())
            m_messages->showMessage(MessageBar::Level::Warning, done.error());
    });
}

void ConnectionDialog::duplicateCurrent()
{
    if (m_editing.isEmpty() || (hasUnsavedEdit() && !saveCurrent()))
        return;
    const auto copy = m_settings->duplicateConnection(m_editing);
    if (!copy.ok()) {
        m_messages->showMessage(MessageBar::Level::Warning, copy.error());
        return;
    }
    m_settings->sync();
    reloadList(copy.value());
    emit connectionsChanged();
}

// Deleting is a decision, so it is asked; the question is window-modal and answered through
// a signal, without a nested event loop.
void ConnectionDialog::deleteCurrent()
{
    if (m_editing.isEmpty())
        return;
    const QString name = m_editing;
    auto *box = new QMessageBox(QMessageBox::Question, tr("Delete connection"),
                                tr("Delete the connection \"%1\"?").arg(name),
                                QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setInformativeText(tr("Its settings and any passphrase saved for it are removed. "
                               "Your AWS profiles and certificate files are not touched."));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, name](int result) {
        if (result != QMessageBox::Yes)
            return;
        m_settings->removeConnection(name);
        m_secrets->forgetInMemory(name);
        m_secrets->removeFromKeyring(name);
        m_settings->sync();
        m_editing.clear();
        m_dirty = false;
        reloadList({});
        emit connectionsChanged();
    });
    box->open();
}

// An edit counts when the form differs from what is saved (or is a new connection, or holds a
// passphrase to store): re-reading the AWS profiles, say, is not an edit.
bool ConnectionDialog::hasUnsavedEdit() const
{
    if (!m_dirty)
        return false;
    if (m_editing.isEmpty() || !m_editor->passphrase().isEmpty())
        return true;
    const auto saved = m_settings->connection(m_editing);
    return !saved || !(*saved == m_editor->settings());
}

void ConnectionDialog::done(int result)
{
    // An edit that cannot be saved keeps the dialog open once, saying why; closing again
    // discards it.
    if (hasUnsavedEdit() && !m_discardOnClose && !saveCurrent()) {
        m_discardOnClose = true;
        m_messages->showMessage(MessageBar::Level::Warning,
                                m_messages->text() + tr(" Close again to discard the changes."));
        return;
    }
    m_discardOnClose = false;
    m_dirty = false;
    QDialog::done(result);
}

} // namespace thingdeck
