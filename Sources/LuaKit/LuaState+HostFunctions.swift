import CLua
import CLuaShims

/// How Lua calls Swift: `onb_push_host_function` makes a C closure over a boxed
/// `LuaHostFunction`; its C trampoline calls `dispatch` below and raises any error after the
/// Swift frames have returned.
extension LuaState {
    static let callbacksInstalled: Void = onb_set_host_callbacks(dispatch, release)

    static func installCallbacks() { _ = callbacksInstalled }

    /// The LuaState that owns `L` (any of its threads).
    static func owner(of L: OpaquePointer) -> LuaState? {
        guard let c = onb_context_owner(L) else { return nil }
        return Unmanaged<LuaState>.fromOpaque(c).takeUnretainedValue()
    }
}

private let dispatch: onb_dispatch_fn = { L, box in
    guard let L, let box, let state = LuaState.owner(of: L) else { return -1 }
    let function = Unmanaged<LuaHostFunction>.fromOpaque(box).takeUnretainedValue()
    let base = lua_gettop(L)
    do {
        switch function.kind {
        case .values(let body):
            let results = try body(LuaArguments(L: L, state: state))
            guard lua_checkstack(L, Int32(clamping: results.count + 2)) != 0 else {
                throw LuaError(status: .runtime, message: "too many results from a host function")
            }
            for r in results { try state.push(r, on: L) }
            return Int32(results.count)
        case .pushing(let body):
            let n = try body(LuaArguments(L: L, state: state))
            precondition(n >= 0 && Int32(n) <= lua_gettop(L), "a pushing host function returned more results than its stack holds")
            return Int32(n)
        }
    } catch {
        lua_settop(L, base)
        pushError(error, state: state, on: L)
        return -1
    }
}

private let release: onb_release_fn = { box in
    guard let box else { return }
    Unmanaged<LuaHostFunction>.fromOpaque(box).release()
}

private func pushError(_ error: any Error, state: LuaState, on L: OpaquePointer) {
    if let raise = error as? LuaRaise, (try? state.push(raise.value, on: L)) != nil { return }
    let message = (error as? LuaError)?.message ?? String(describing: error)
    message.withCString { _ = lua_pushstring(L, $0) }
}
