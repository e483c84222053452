import CLua
import CLuaShims

/// `require` in a LuaKit state: preloaded host modules first, then the host's searcher. Module
/// names are dotted identifiers only (`lib.helpers`): no paths, no `..`.
extension LuaState {
    /// Makes `require(name)` return `module`: a table (protected read-only when `readOnly`)
    /// or a host function called once to open the module.
    public func preload(_ name: String, _ module: LuaValue, readOnly: Bool = true) throws(LuaError) {
        drainReferences()
        try push(module, on: L)
        if readOnly, case .table = module, onb_protect_top(L) != LUA_OK {
            throw LuaError(status: .runtime, message: popErrorMessage(L))
        }
        if onb_preload(L, name) != LUA_OK { throw LuaError(status: .runtime, message: popErrorMessage(L)) }
    }

    /// Where `require` finds source for names that are not preloaded. The searcher returns the
    /// source and its chunk name (`@lib/helpers.lua`), or nil when the module does not exist,
    /// in which case `require` raises `notFound(name)`.
    public func setModuleSearcher(
        notFound: @escaping (String) -> String = { "module '\($0)' not found" },
        _ searcher: @escaping (String) throws -> (source: [UInt8], chunkName: String)?
    ) throws(LuaError) {
        drainReferences()
        let function = LuaHostFunction { args in
            let name = try args.string(0)
            guard let found = try searcher(name) else { return [.nil, .string(LuaString(notFound(name)))] }
            return [.string(LuaString(found.source)), .string(LuaString(found.chunkName))]
        }
        try push(.hostFunction(function), on: L)
        _ = onb_set_searcher(L)
    }
}
