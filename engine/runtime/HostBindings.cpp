#include "runtime/HostBindings.h"

namespace dn {

HostBindings::HostBindings(v8::Isolate *isolate, v8::Local<v8::Context> context) : isolate_(isolate) {
    v8::HandleScope scope(isolate);
    v8::Local<v8::Object> env = v8::Object::New(isolate);
    for (int i = 0; i < hostFunctionCount(); ++i) {
        const HostFnSpec &spec = hostFunctions()[i];
        entries_[size_t(i)] = Entry{this, spec.id};
        auto tmpl = v8::FunctionTemplate::New(isolate, &HostBindings::dispatch,
                                              v8::External::New(isolate, &entries_[size_t(i)]), {}, spec.params,
                                              v8::ConstructorBehavior::kThrow);
        auto name = v8::String::NewFromUtf8(isolate, spec.name, v8::NewStringType::kInternalized).ToLocalChecked();
        env->Set(context, name, tmpl->GetFunction(context).ToLocalChecked()).Check();
    }
    env_.Reset(isolate, env);
}

HostBindings::~HostBindings() { env_.Reset(); }

GuestMemory HostBindings::guestMemory() const {
    // memory.grow replaces the ArrayBuffer, so look it up on every host call.
    if (memory_.IsEmpty()) return {};  // during the start function: every access is out of bounds
    v8::Local<v8::ArrayBuffer> buf = memory_->Buffer();
    return GuestMemory{static_cast<uint8_t *>(buf->Data()), uint64_t(buf->ByteLength())};
}

void HostBindings::dispatch(const v8::FunctionCallbackInfo<v8::Value> &info) {
    const Entry *e = static_cast<const Entry *>(info.Data().As<v8::External>()->Value());
    HostBindings *self = e->self;
    CallState *st = self->state_;
    v8::Isolate *isolate = info.GetIsolate();
    auto throwError = [&](const QString &msg) {
        isolate->ThrowException(v8::Exception::Error(
            v8::String::NewFromUtf8(isolate, msg.toUtf8().constData()).ToLocalChecked()));
    };
    if (!st) return throwError(QStringLiteral("host function called outside of a call"));
    if (st->failed()) return throwError(st->error()->message);  // sticky: the call is already lost

    uint64_t a[3] = {0, 0, 0};
    const int n = std::min(info.Length(), 3);
    for (int i = 0; i < n; ++i) {
        if (!info[i]->IsBigInt()) {  // cannot happen for modules that passed checkImports
            st->fail(CallErrorKind::HostError, QStringLiteral("host function argument is not an i64"));
            return throwError(st->error()->message);
        }
        a[i] = info[i].As<v8::BigInt>()->Uint64Value();
    }

    const GuestMemory m = self->guestMemory();
    uint64_t r64 = 0;
    uint32_t r32 = 0;
    bool ok = true;
    switch (e->fn) {
    case HostFn::RegisterLen: ok = st->registerLen(a[0], r64); break;
    case HostFn::ReadRegister: ok = st->readRegister(m, a[0], a[1], r32); break;
    case HostFn::Input: ok = st->input(a[0]); break;
    case HostFn::ValueReturn: ok = st->valueReturn(m, a[0]); break;
    case HostFn::LogUtf8: ok = st->logUtf8(m, a[0]); break;
    case HostFn::PanicUtf8: ok = st->panicUtf8(m, a[0], a[1]); break;
    case HostFn::Emit: ok = st->emitEvent(m, a[0], nullptr); break;
    case HostFn::EmitWithHandler: ok = st->emitEvent(m, a[0], &a[1]); break;
    case HostFn::StorageRead: ok = st->storageRead(m, a[0], a[1], r32); break;
    case HostFn::StorageWrite: ok = st->storageWrite(m, a[0], a[1], a[2], r32); break;
    case HostFn::StorageRemove: ok = st->storageRemove(m, a[0], a[1], r32); break;
    case HostFn::StorageScan: ok = st->storageScan(m, a[0], a[1], r64); break;
    case HostFn::CounterAdd: ok = st->counterAdd(m, a[0], int64_t(a[1])); break;
    case HostFn::CounterGet: ok = st->counterGet(m, a[0], a[1], r32); break;
    case HostFn::ContextId: ok = st->contextId(a[0]); break;
    case HostFn::ExecutorId: ok = st->executorId(a[0]); break;
    case HostFn::TimeNow: ok = st->timeNow(m, a[0]); break;
    case HostFn::Count_: break;
    }
    if (!ok) return throwError(st->error()->message);

    switch (hostFunctions()[int(e->fn)].result) {
    case 'i': info.GetReturnValue().Set(int32_t(r32)); break;
    case 'I': info.GetReturnValue().Set(v8::BigInt::NewFromUnsigned(isolate, r64)); break;
    default: break;
    }
}

}  // namespace dn
