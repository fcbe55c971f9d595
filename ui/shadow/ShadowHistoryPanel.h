#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QTreeWidget;

namespace thingdeck {

class DiffView;
class ShadowSession;

/// Every version of the open shadow seen in this session (version, when, who, versions
/// skipped), and a side-by-side diff of the full documents: select one version to compare it
/// with the one before, or any two to compare them.
class ShadowHistoryPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ShadowHistoryPanel(QWidget *parent = nullptr);

    void setSession(ShadowSession *shadows);
    QTreeWidget *list() const { return m_list; }
    DiffView *diffView() const { return m_diff; }
    QLabel *diffTitle() const { return m_diffTitle; }

private:
    void reload();
    void compareSelection();

    QPointer<ShadowSession> m_shadows;
    QTreeWidget *m_list;
    QLabel *m_diffTitle;
    DiffView *m_diff;
};

} // namespace thingdeck
