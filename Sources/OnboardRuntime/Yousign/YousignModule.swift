import Foundation
import Synchronization
import LuaKit
import YousignAPI
import YousignWire

/// The `yousign` and `emulator` modules. The host side is small: one function per kind of
/// effect (an operation by index, a raw request, the control surface, the clock), each
/// answering `true, result` or `false, error`; `stdlib/yousign.lua` builds the nested tables,
/// the `each` iterators, `wait` and the error values on top, and raises in Lua.
///
/// ```lua
/// local yousign = require("yousign")          -- also a global in `onboard run`
/// local s = yousign.workflow_sessions.get(id)
/// ```
public enum YousignModule {
    /// Installs `yousign` (and `emulator` when the backend is one) as preloaded modules and
    /// globals, and routes `os.time`, `os.date` and `math.random`'s seed through `host`.
    public static func install(in state: LuaState, host: any FlowEffects, stdlibFolder: String?) throws(LuaError) {
        guard let stdlibFolder, let source = source(stdlibFolder + "/yousign.lua") else {
            throw LuaError(status: .runtime, message: "the yousign module's Lua side (stdlib/yousign.lua) was not found; set ONBOARD_STDLIB to the stdlib folder")
        }
        let results = try state.execute([UInt8](source), chunkName: StdlibLocator.chunkPrefix + "yousign.lua",
                                        arguments: [.table(hostTable(host))])
        guard results.count >= 3, case .function = results[0], case .function = results[1] else {
            throw LuaError(status: .runtime, message: "stdlib/yousign.lua must return the yousign and emulator loaders and the setup function")
        }
        try state.preload("yousign", results[0])
        if host.hasEmulator { try state.preload("emulator", results[1]) }
        _ = try state.call(results[2], [.integer(host.randomSeed())])
    }

    /// stdlib/yousign.lua as first read by this process: a pooled worker builds a state for each
    /// run after its lock-down, when no file can be opened any more.
    private static let sources = Mutex<[String: Data]>([:])

    static func source(_ path: String) -> Data? {
        if let known = sources.withLock({ $0[path] }) { return known }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        sources.withLock { $0[path] = data }
        return data
    }

    /// Every operation as one line `index name path-parameters paginated(0|1)`, parsed by
    /// stdlib/yousign.lua: one string is far cheaper to hand over than 166 tables, and every run
    /// pays for it at start-up.
    static let operationList: LuaString = LuaString(Operation.all.enumerated().map { i, op in
        "\(i) \(op.luaName) \(op.pathParameters.count) \(op.paginated ? 1 : 0)\n"
    }.joined())

    /// The host functions stdlib/yousign.lua receives.
    static func hostTable(_ host: any FlowEffects) -> LuaTable {
        let operations = LuaValue.string(operationList)
        var table: LuaTable = [
            "operations": operations,
            "call": .hostFunction(.pushing { args in try call(args, host) }),
            "request": .hostFunction(.pushing { args in try request(args, host) }),
            "now": .hostFunction(.pushing { args in
                args.push(number: host.now())
                return 1
            }),
            "sleep": .hostFunction(.pushing { args in
                let seconds = try args.number(0)
                guard seconds.isFinite, seconds >= 0 else { throw args.bad(0, "number of seconds (0 or more)") }
                host.sleep(seconds: seconds)
                return 0
            }),
            // host.wait("begin", timeout) -> start time; host.wait("round"); host.wait("end")
            "wait": .hostFunction(.pushing { args in
                let event: WaitEvent
                switch try args.string(0) {
                case "begin": event = .begin(timeout: try args.number(1))
                case "round": event = .round
                case "expect": event = .expect(event: try args.string(1), object: try args.string(2))
                case "end": event = .end
                default: throw args.bad(0, "wait event (begin, round, expect or end)")
                }
                args.push(number: host.wait(event))
                return 1
            }),
            // host.event(name, object) -> the event (a table) or nil: received by `onboard worker`
            "event": .hostFunction(.pushing { args in
                let name = try args.string(0)
                let object = try args.string(1)
                guard let body = host.receivedEvent(name, object: object) else {
                    try args.push(.nil)
                    return 1
                }
                return try LuaJSON.pushDecoded(body, args, nullAsNil: true)
            }),
            "backend": .string(LuaString(host.backendSummary)),
            // host.verify_webhook(raw_body, signature_header or nil, secret) -> boolean: pure, so
            // not an effect (a replay computes the same)
            "verify_webhook": .hostFunction(.pushing { args in
                let body = try args.bytes(0)
                let signature = args.isNil(1) ? nil : try args.string(1)
                let secret = try args.bytes(2)
                guard !secret.isEmpty else { throw args.bad(2, "secret (the subscription's secret_key)") }
                args.push(boolean: WebhookSignature.verify(body: body, signature: signature, secret: secret))
                return 1
            }),
        ]
        if host.hasEmulator {
            table["control"] = .hostFunction(.pushing { args in try control(args, host) })
        }
        return table
    }

    /// host.call(index, path arguments..., [params]) → true, result | false, error
    static func call(_ args: LuaArguments, _ host: any FlowEffects) throws -> Int {
        let index = Int(try args.integer(0))
        guard Operation.all.indices.contains(index) else { throw args.bad(0, "operation index") }
        let flowCall: FlowCall
        do {
            flowCall = try CallBuilder(args: args, operation: Operation.all[index]).build()
        } catch let error as CallBuilder.Failure {
            return fail(args, error.message)
        }
        return push(host.perform(flowCall), args, name: "yousign." + Operation.all[index].luaName)
    }

    /// host.request(method, path, query, body) → true, result | false, error
    static func request(_ args: LuaArguments, _ host: any FlowEffects) throws -> Int {
        let flowCall: FlowCall
        do {
            flowCall = try CallBuilder.raw(args)
        } catch let error as CallBuilder.Failure {
            return fail(args, error.message)
        }
        return push(host.perform(flowCall), args, name: "yousign.request")
    }

    /// Pushes `true, result` or `false, error` (a table for API errors, a message otherwise).
    static func push(_ outcome: Result<FlowResult, FlowFailure>, _ args: LuaArguments, name: String) -> Int {
        do {
            switch outcome {
            case .success(.json(let bytes)):
                args.push(boolean: true)
                return 1 + (try LuaJSON.pushDecoded(bytes, args, nullAsNil: true))
            case .success(.empty):
                args.push(boolean: true)
                args.push(boolean: true)
                return 2
            case .success(.bytes(let bytes)):
                args.push(boolean: true)
                try args.push(.string(LuaString(bytes)))
                return 2
            case .success(.saved(let path)):
                args.push(boolean: true)
                try args.push(.string(LuaString(path)))
                return 2
            case .failure(.api(let error)):
                args.push(boolean: false)
                try args.push(.table(errorTable(error)))
                return 2
            case .failure(.message(let message)):
                return fail(args, "\(name): \(message)")
            }
        } catch let error as LuaError {
            return fail(args, error.message)
        } catch {
            return fail(args, "\(error)")
        }
    }

    static func fail(_ args: LuaArguments, _ message: String) -> Int {
        args.push(boolean: false)
        try? args.push(.string(LuaString(message)))
        return 2
    }

    /// The error as scripts see it: `status type detail invalid_params method path`.
    static func errorTable(_ error: YousignError) -> LuaTable {
        var table: LuaTable = [
            "type": .string(LuaString(error.type)), "detail": .string(LuaString(error.detail)),
            "method": .string(LuaString(error.method)), "path": .string(LuaString(error.path)),
        ]
        if let status = error.status { table["status"] = .integer(Int64(status)) }
        if let retryAfter = error.retryAfter { table["retry_after"] = .number(retryAfter) }
        if !error.invalidParams.isEmpty {
            table["invalid_params"] = .table(LuaTable(array: error.invalidParams.map {
                .table(["name": .string(LuaString($0.name)), "reason": .string(LuaString($0.reason))])
            }))
        }
        return table
    }
}
