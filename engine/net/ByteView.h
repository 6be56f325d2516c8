#pragma once
// Bounds-clamped slicing of QByteArrayView (Qt 6.4 has only the unchecked
// sliced()/first(); mid()/left() arrived in 6.5). Decoders slice bytes a peer
// controls, so an out-of-range request gives an empty or shorter view
// instead of undefined behaviour.
#include <QByteArrayView>

namespace dn {

inline QByteArrayView viewMid(QByteArrayView v, qsizetype pos, qsizetype n = -1) {
    if (pos < 0) pos = 0;
    if (pos >= v.size()) return QByteArrayView();
    const qsizetype rest = v.size() - pos;
    return v.sliced(pos, n < 0 || n > rest ? rest : n);
}

inline QByteArrayView viewLeft(QByteArrayView v, qsizetype n) { return viewMid(v, 0, n); }

}  // namespace dn
