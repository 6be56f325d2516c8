#include "Theme.h"
#include <QEvent>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QPalette>
#include <QQmlEngine>

namespace dn {

Theme::Theme(QObject *parent) : QObject(parent) {
    update();
    if (qApp) qApp->installEventFilter(this);
}

Theme *Theme::create(QQmlEngine *engine, QJSEngine *) { return new Theme(engine); }

QString Theme::monoFont() const { return QFontDatabase::systemFont(QFontDatabase::FixedFont).family(); }

bool Theme::eventFilter(QObject *watched, QEvent *event) {
    if (watched == qApp && event->type() == QEvent::ApplicationPaletteChange) update();
    return QObject::eventFilter(watched, event);
}

void Theme::update() {
    bool dark = false;
    const QByteArray forced = qgetenv("DELTANODE_THEME");
    if (forced == "dark") dark = true;
    else if (forced == "light") dark = false;
    else dark = QGuiApplication::palette().color(QPalette::Window).lightness() < 128;
    if (dark == dark_) return;
    dark_ = dark;
    emit changed();
}

}  // namespace dn
