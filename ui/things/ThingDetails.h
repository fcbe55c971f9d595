#pragma once

#include "iot/ThingDescription.h"
#include "iot/ThingSummary.h"

#include <QPointer>
#include <QWidget>

#include <optional>

class QAction;
class QFormLayout;
class QLabel;
class QPushButton;
class QStackedWidget;
class QTableView;
class QVBoxLayout;
class QToolButton;

namespace thingdeck {

class AttributeEditModel;
class ConsoleSession;
class MessageBar;
struct IotError;

/// The selected thing's registry entry: name, ARN, id, type, version, and its attributes in an
/// editable table (add, change, remove), sent with UpdateThing and the version they were
/// loaded at. A version conflict reloads the thing and says so.
class ThingDetails : public QWidget
{
    Q_OBJECT
public:
    explicit ThingDetails(QWidget *parent = nullptr);
    ~ThingDetails() override;
    Q_DISABLE_COPY_MOVE(ThingDetails)

    void setSession(ConsoleSession *session);
    /// Shows this thing (nullopt: none selected) and describes it.
    void showThing(const std::optional<ThingSummary> &thing);
    void reload();
    /// Sends the edited attributes (Ctrl+S).
    void saveAttributes();

    std::optional<ThingDescription> description() const { return m_description; }
    AttributeEditModel *attributes() const { return m_attributes; }
    MessageBar *messageBar() const { return m_messages; }
    QTableView *attributeView() const { return m_attributeView; }
    QAction *saveAction() const { return m_save; }
    QAction *addAttributeAction() const { return m_add; }
    QAction *removeAttributeAction() const { return m_remove; }
    QAction *revertAction() const { return m_revert; }

Q_SIGNALS:
    /// After a successful attribute update, with the thing as the registry now has it.
    void thingUpdated(const thingdeck::ThingSummary &thing);
    void copyRequested(const QString &text);

private:
    QWidget *buildDetailsPage();
    QWidget *buildAttributesBox();
    void buildActions();
    QLabel *addField(QFormLayout *form, const QString &label, const QString &accessible);
    void describe(const QString &name);
    void onDescribed(const ThingDescription &description);
    void onUpdateFailed(const IotError &error);
    void updateActions();
    void showEmpty(const QString &text);

    QPointer<ConsoleSession> m_session;
    QStackedWidget *m_stack;
    QLabel *m_empty;
    MessageBar *m_messages;
    QLabel *m_name = nullptr;
    QLabel *m_arn = nullptr;
    QLabel *m_id = nullptr;
    QLabel *m_type = nullptr;
    QLabel *m_version = nullptr;
    QLabel *m_clientId = nullptr;
    QLabel *m_billingGroup = nullptr;
    QTableView *m_attributeView = nullptr;
    QVBoxLayout *m_attributeBoxLayout = nullptr; ///< the action buttons go below the table
    AttributeEditModel *m_attributes;
    QAction *m_add = nullptr;
    QAction *m_remove = nullptr;
    QAction *m_revert = nullptr;
    QAction *m_save = nullptr;
    QString m_current;
    std::optional<ThingDescription> m_description;
    bool m_saving = false;
};

} // namespace thingdeck
