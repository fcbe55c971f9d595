#pragma once

#include <QLabel>

namespace thingdeck {

/// A one-sentence problem under a field (an invalid topic): wrapped, in a red that reads on the
/// current palette (picked again when it changes), hidden while there is no problem.
class PublishProblemLabel : public QLabel
{
    Q_OBJECT
public:
    explicit PublishProblemLabel(const QString &accessibleName, QWidget *parent = nullptr);

    /// Shows `sentence`; an empty one hides the label.
    void setProblem(const QString &sentence);

protected:
    void changeEvent(QEvent *event) override;

private:
    void applyColor();

    bool m_applying = false;
};

} // namespace thingdeck
