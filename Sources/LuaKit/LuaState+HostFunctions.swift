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

private let dispatch: onb_dispatch_fn = { L, box, owner, base in
    guard let L, let box, let owner else { return -1 }
    // Borrowed, not retained: the state and the box outlive every call into them.
    return Unmanaged<LuaState>.fromOpaque(owner)._withUnsafeGuaranteedRef { state in
        Unmanaged<LuaHostFunction>.fromOpaque(box)._withUnsafeGuaranteedRef { function in
            do {
                let n = try function.call(LuaArguments(L: L, state: state, count: base))
                assert(n >= 0 && Int32(n) <= lua_gettop(L), "a host function returned more results than its stack holds")
                return Int32(truncatingIfNeeded: n)
            } catch {
                lua_settop(L, base)
                pushError(error, state: state, on: L)
                return -1
            }
        }
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
