#pragma once
// Shared by the item tests: a window to render into, frame grabbing, pixel
// helpers. Items render for real (OpenGL on a private Xvfb, see
// GuiTestDisplay.h); grabbed frames are saved under <build>/screenshots/items/
// to look at.
#include "GuiTestDisplay.h"
#include <QDir>
#include <QGuiApplication>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QtTest>
#include <algorithm>
#include <cmath>
#include <memory>

namespace dn::test {

inline const QColor kLight(0xf8, 0xfa, 0xfc);
inline const QColor kDark(0x0f, 0x17, 0x2a);

inline int distance(const QColor &a, const QColor &b) {
    return std::max({std::abs(a.red() - b.red()), std::abs(a.green() - b.green()), std::abs(a.blue() - b.blue())});
}

inline QColor over(const QColor &fg, const QColor &bg) {
    const double a = fg.alphaF();
    auto mix = [a](int f, int b) { return int(std::lround(f * a + b * (1 - a))); };
    return QColor(mix(fg.red(), bg.red()), mix(fg.green(), bg.green()), mix(fg.blue(), bg.blue()));
}

inline int countNear(const QImage &img, const QColor &c, int tolerance = 12) {
    int n = 0;
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x)
            if (distance(img.pixelColor(x, y), c) <= tolerance) ++n;
    return n;
}

// Whether a pixel within `radius` of p has colour c (lines are anti-aliased
// and may fall between pixels).
inline bool nearby(const QImage &img, QPointF p, const QColor &c, int radius = 1, int tolerance = 24) {
    for (int dy = -radius; dy <= radius; ++dy)
        for (int dx = -radius; dx <= radius; ++dx) {
            const QPoint q = p.toPoint() + QPoint(dx, dy);
            if (img.rect().contains(q) && distance(img.pixelColor(q), c) <= tolerance) return true;
        }
    return false;
}

inline void save(const QImage &img, const QString &name) {
    const QString dir = QStringLiteral(DN_BINARY_DIR "/screenshots/items");
    QDir().mkpath(dir);
    QVERIFY(img.save(dir + "/" + name + ".png"));
}

// One window at a time, replaced by each test.
class ItemWindow {
public:
    // A window of the given size and background, shown and exposed.
    QQuickWindow *fresh(QSize size, const QColor &background) {
        window_ = std::make_unique<QQuickWindow>();
        window_->setColor(background);
        window_->resize(size);
        window_->show();
        if (!QTest::qWaitForWindowExposed(window_.get())) return nullptr;
        return window_.get();
    }
    // Renders a frame (polish, sync, render) and returns it.
    QImage frame() { return window_->grabWindow().convertToFormat(QImage::Format_RGB32); }
    bool softwareRenderer() const {
        return window_->rendererInterface()->graphicsApi() == QSGRendererInterface::Software;
    }
    void reset() { window_.reset(); }

private:
    std::unique_ptr<QQuickWindow> window_;
};

}  // namespace dn::test

// Macros, as QSKIP must return from the test function itself.
#define REQUIRE_OPENGL(window)                                                                       \
    do {                                                                                             \
        if ((window).softwareRenderer())                                                             \
            QSKIP("Qt Quick runs its software renderer here (no Xvfb?): custom geometry is not drawn"); \
    } while (false)

// main(): the display must exist before the application picks a platform.
#define DN_ITEMS_TEST_MAIN(TestClass)                  \
    int main(int argc, char **argv) {                  \
        dn::test::GuiTestDisplay display;              \
        QGuiApplication app(argc, argv);               \
        TestClass t;                                   \
        return QTest::qExec(&t, argc, argv);           \
    }
