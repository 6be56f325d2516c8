#include "codec/PbBytes.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

namespace dn::pb_bytes {

QByteArray serialize(const google::protobuf::MessageLite &msg) {
    const size_t size = msg.ByteSizeLong();  // also caches sub-message sizes
    QByteArray out(static_cast<qsizetype>(size), Qt::Uninitialized);
    google::protobuf::io::ArrayOutputStream array(out.data(), static_cast<int>(size));
    google::protobuf::io::CodedOutputStream coded(&array);
    coded.SetSerializationDeterministic(true);
    msg.SerializeWithCachedSizes(&coded);
    Q_ASSERT(!coded.HadError() && static_cast<size_t>(coded.ByteCount()) == size);
    return out;
}

}  // namespace dn::pb_bytes
