import CLua
import CLuaShims
import Dispatch

/// Loading and running code under the limits.
extension LuaState {
    /// Loads text source (binary chunks are refused) and returns the compiled chunk.
    ///
    /// `chunkName` follows Lua: `@file.lua` shows as `file.lua:3:` in messages, `=name` as
    /// `name:3:`. A first line starting with `#` (a shebang) is skipped, as `lua` does.
    public func load(_ source: [UInt8], chunkName: String) throws(LuaError) -> LuaReference {
        drainReferences()
        try pushChunk(source, chunkName: chunkName)
        guard case .function(let f) = try value(at: -1, on: L) else { preconditionFailure("a loaded chunk is a function") }
        clua_pop(L, 1)
        return f
    }

    /// Loads and runs `source` with `arguments` (the chunk's `...`) and returns its results.
    @discardableResult
    public func execute(_ source: String, chunkName: String, arguments: [LuaValue] = []) throws(LuaError) -> [LuaValue] {
        try execute(Array(source.utf8), chunkName: chunkName, arguments: arguments)
    }

    @discardableResult
    public func execute(_ source: [UInt8], chunkName: String, arguments: [LuaValue] = []) throws(LuaError) -> [LuaValue] {
        drainReferences()
        try pushChunk(source, chunkName: chunkName)
        return try callPushed(arguments)
    }

    /// Calls a Lua function with arguments under the limits.
    @discardableResult
    public func call(_ function: LuaValue, _ arguments: [LuaValue] = []) throws(LuaError) -> [LuaValue] {
        drainReferences()
        guard lua_checkstack(L, 2) != 0 else { throw LuaError(status: .runtime, message: "Lua stack overflow") }
        try push(function, on: L)
        return try callPushed(arguments)
    }

    /// Calls the function on top of the stack (pushed by the caller) and pops it.
    private func callPushed(_ arguments: [LuaValue]) throws(LuaError) -> [LuaValue] {
        let base = lua_gettop(L) - 1
        guard lua_checkstack(L, Int32(clamping: arguments.count + 4)) != 0 else {
            lua_settop(L, base)
            throw LuaError(status: .runtime, message: "too many arguments")
        }
        do {
            for a in arguments { try push(a, on: L) }
        } catch {
            lua_settop(L, base)
            throw error
        }
        return try runProtected(base: base, nargs: Int32(arguments.count))
    }

    private func pushChunk(_ source: [UInt8], chunkName: String) throws(LuaError) {
        var bytes = source
        if bytes.first == UInt8(ascii: "#") {
            // keep the newline so line numbers stay right
            let end = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            bytes.removeSubrange(0..<end)
        }
        if bytes.first == 0x1B {
            throw LuaError(status: .syntax,
                           message: "\(LuaState.displayName(chunkName)): precompiled (binary) chunks are not accepted; run the .lua source instead")
        }
        let status = bytes.withUnsafeBufferPointer { buf in
            chunkName.withCString { name in
                buf.withMemoryRebound(to: CChar.self) { onb_load_text(L, $0.baseAddress, $0.count, name) }
            }
        }
        guard status == LUA_OK else {
            let message = popErrorMessage(L)
            throw LuaError(status: status == LUA_ERRMEM ? .memory : .syntax, message: message,
                           location: LuaState.location(in: message))
        }
    }

    /// Runs the function at `base + 1` with `nargs` arguments above it; leaves the stack at `base`.
    private func runProtected(base: Int32, nargs: Int32) throws(LuaError) -> [LuaValue] {
        onb_clear_kill(context.pointer)
        let token = context.beginRun()
        let timer = limits.time.map { startDeadline($0, token: token) }
        let status = onb_run(L, nargs, LUA_MULTRET)
        context.endRun()
        timer?.cancel()
        defer { lua_settop(L, base) }
        if status == LUA_OK {
            var results: [LuaValue] = []
            let top = lua_gettop(L)
            if top > base {
                for i in (base + 1)...top { results.append(try value(at: i, on: L)) }
            }
            return results
        }
        throw error(status: status)
    }

    private func startDeadline(_ limit: Duration, token: UInt64) -> DispatchSourceTimer {
        let context = self.context
        let timer = DispatchSource.makeTimerSource(queue: .global(qos: .userInitiated))
        let (s, atto) = limit.components
        let ns = Int(clamping: s &* 1_000_000_000 &+ atto / 1_000_000_000)
        timer.schedule(deadline: .now() + .nanoseconds(ns), leeway: .milliseconds(1))
        timer.setEventHandler { context.kill(.time, ifRun: token) }
        timer.resume()
        return timer
    }

    /// The error for a failed run; the error value is on top of the stack.
    private func error(status: Int32) -> LuaError {
        let c = context.pointer
        if let kind = context.killed {
            let line = Int(onb_kill_line(c))
            let source = String(cString: onb_kill_source(c))
            var traceback: String?
            onb_push_last_traceback(L)
            if lua_type(L, -1) == LUA_TSTRING { traceback = popErrorMessage(L) } else { clua_pop(L, 1) }
            return LuaError(status: .limit(kind), message: kind.summary, traceback: traceback,
                            location: line > 0 ? .init(source: source, line: line) : nil)
        }
        switch status {
        case LUA_ERRMEM: return LuaError(status: .memory, message: "not enough memory")
        case LUA_ERRERR: return LuaError(status: .errorHandler, message: "error in error handling")
        default: break
        }
        onb_push_last_message(L)
        let message = lua_type(L, -1) == LUA_TSTRING ? popErrorMessage(L) : { clua_pop(L, 1); return popErrorMessage(L) }()
        onb_push_last_traceback(L)
        let traceback: String? = lua_type(L, -1) == LUA_TSTRING ? popErrorMessage(L) : { clua_pop(L, 1); return nil }()
        let line = Int(onb_error_line(c))
        let location = line > 0 ? LuaError.Location(source: String(cString: onb_error_source(c)), line: line)
                                : LuaState.location(in: message)
        return LuaError(status: .runtime, message: message, traceback: traceback, location: location)
    }

    /// How Lua shows a chunk name in messages (`@a.lua` → `a.lua`, `=stdin` → `stdin`).
    static func displayName(_ chunkName: String) -> String {
        if chunkName.hasPrefix("@") || chunkName.hasPrefix("=") { return String(chunkName.dropFirst()) }
        return "[string \"\(chunkName.prefix(40))\"]"
    }

    /// `file.lua:12: message` → (file.lua, 12).
    static func location(in message: String) -> LuaError.Location? {
        var rest = Substring(message)
        while let colon = rest.firstIndex(of: ":") {
            let after = rest[rest.index(after: colon)...]
            let digits = after.prefix { $0.isNumber }
            if !digits.isEmpty, after.dropFirst(digits.count).hasPrefix(":"), let line = Int(digits) {
                return .init(source: String(message[..<colon]), line: line)
            }
            rest = after
        }
        return nil
    }
}
