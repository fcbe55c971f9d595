#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QListWidget;
class QHBoxLayout;

namespace thingdeck {

class ConsoleSession;
class MessageBar;

/// What the selected thing is attached to: the thing groups it is directly in, and the
/// principals (certificate ARNs) attached to it. Both lists load when the thing changes.
class ThingRelations : public QWidget
{
    Q_OBJECT
public:
    explicit ThingRelations(QWidget *parent = nullptr);

    void setSession(ConsoleSession *session);
    /// Lists the groups and principals of this thing (empty: none selected).
    void showThing(const QString &name);
    void reload();

    QListWidget *groups() const { return m_groups; }
    QListWidget *principals() const { return m_principals; }
    MessageBar *messageBar() const { return m_messages; }

Q_SIGNALS:
    void copyRequested(const QString &text);

private:
    QListWidget *addList(QHBoxLayout *row, const QString &title, QLabel **label);
    void listGroups(const QString &name);
    void listPrincipals(const QString &name);
    static void setPlaceholder(QListWidget *list, const QString &text);

    QPointer<ConsoleSession> m_session;
    MessageBar *m_messages;
    QLabel *m_groupsTitle = nullptr;
    QLabel *m_principalsTitle = nullptr;
    QListWidget *m_groups;
    QListWidget *m_principals;
    QString m_current;
};

} // namespace thingdeck
