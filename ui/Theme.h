#pragma once
// Colours of the monitor, following the system's light/dark preference.
// Qt 6.4 has no QStyleHints::colorScheme (6.5+), so the preference is read
// the portable way: the lightness of the application palette's window
// colour, re-read when the palette changes. DELTANODE_THEME=light|dark
// overrides it (screenshots, people who disagree with their desktop).
#include <QColor>
#include <QObject>
#include <QtQml/qqmlregistration.h>

class QQmlEngine;
class QJSEngine;

namespace dn {

class Theme : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(bool dark READ dark NOTIFY changed)
    Q_PROPERTY(QColor window READ window NOTIFY changed)
    Q_PROPERTY(QColor panel READ panel NOTIFY changed)
    Q_PROPERTY(QColor panelAlt READ panelAlt NOTIFY changed)
    Q_PROPERTY(QColor border READ border NOTIFY changed)
    Q_PROPERTY(QColor text READ text NOTIFY changed)
    Q_PROPERTY(QColor mutedText READ mutedText NOTIFY changed)
    Q_PROPERTY(QColor accent READ accent NOTIFY changed)
    Q_PROPERTY(QColor accentText READ accentText NOTIFY changed)
    Q_PROPERTY(QColor good READ good NOTIFY changed)
    Q_PROPERTY(QColor warn READ warn NOTIFY changed)
    Q_PROPERTY(QColor bad READ bad NOTIFY changed)
    Q_PROPERTY(QColor local READ local NOTIFY changed)
    Q_PROPERTY(QColor remote READ remote NOTIFY changed)
    Q_PROPERTY(QColor pending READ pending NOTIFY changed)
    Q_PROPERTY(QColor head READ head NOTIFY changed)
    Q_PROPERTY(QString monoFont READ monoFont CONSTANT)
public:
    explicit Theme(QObject *parent = nullptr);
    static Theme *create(QQmlEngine *, QJSEngine *);

    bool dark() const { return dark_; }
    QColor window() const { return pick("#f5f6f8", "#1e2024"); }
    QColor panel() const { return pick("#ffffff", "#272a30"); }
    QColor panelAlt() const { return pick("#eef0f3", "#2f333a"); }
    QColor border() const { return pick("#d5d9df", "#3d424a"); }
    QColor text() const { return pick("#1c1f24", "#e6e8eb"); }
    QColor mutedText() const { return pick("#5d6570", "#a2a9b3"); }
    QColor accent() const { return pick("#2563c9", "#5b9cf5"); }
    QColor accentText() const { return pick("#ffffff", "#0d1117"); }
    QColor good() const { return pick("#1b873f", "#46c46f"); }
    QColor warn() const { return pick("#a3640a", "#e5a93b"); }
    QColor bad() const { return pick("#c4302b", "#f2706b"); }
    QColor local() const { return pick("#2563c9", "#5b9cf5"); }
    QColor remote() const { return pick("#7c3aed", "#b48cf7"); }
    QColor pending() const { return pick("#a3640a", "#e5a93b"); }
    QColor head() const { return pick("#1b873f", "#46c46f"); }
    QString monoFont() const;

signals:
    void changed();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QColor pick(const char *light, const char *dark) const { return QColor(QLatin1String(dark_ ? dark : light)); }
    void update();

    bool dark_ = false;
};

}  // namespace dn
