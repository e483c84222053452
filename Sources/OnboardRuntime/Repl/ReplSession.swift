import Foundation
import LuaKit

/// The Lua side of one REPL session: a sandboxed state built as `onboard run` builds it (host
/// modules, `yousign`, permissions through the host), plus stdlib/repl.lua, which holds the
/// rules (expression first, unfinished statements, prompt locals, `_` and `_err`, completion).
/// Use it on a `LuaThread`, one call at a time; `canceller` works from any thread.
///
/// ```swift
/// let session = try ReplSession(ScriptRun(script: nil, host: host))
/// session.evaluate("1 + 1", chunkName: "=stdin", color: false, file: false)  // .value("2")
/// ```
public final class ReplSession {
    let state: LuaState
    private let evalFunction: LuaValue
    private let completeFunction: LuaValue

    public init(_ run: ScriptRun) throws(LuaError) {
        state = try run.makeState()
        for prelude in run.preludes { try state.execute(prelude.bytes, chunkName: prelude.chunkName) }
        guard let folder = run.stdlibFolder, let source = FileManager.default.contents(atPath: folder + "/repl.lua") else {
            throw LuaError(status: .runtime, message: "the REPL's Lua side (stdlib/repl.lua) was not found; set ONBOARD_STDLIB to the stdlib folder")
        }
        let module = try state.execute([UInt8](source), chunkName: StdlibLocator.chunkPrefix + "repl.lua")
        guard case .table(let table)? = module.first, case .function = table["eval"], case .function = table["complete"] else {
            throw LuaError(status: .runtime, message: "stdlib/repl.lua must return a table with eval and complete")
        }
        evalFunction = table["eval"]
        completeFunction = table["complete"]
    }

    public var canceller: LuaCanceller { state.canceller }

    public func close() { state.close() }

    public func evaluate(_ code: String, chunkName: String, color: Bool, file: Bool) -> ReplOutcome {
        let options: LuaTable = ["color": .boolean(color), "file": .boolean(file)]
        do {
            let results = try state.call(evalFunction, [.string(LuaString(code)), .string(LuaString(chunkName)), .table(options)])
            let text = results.count > 1 ? Self.text(results[1]) : ""
            switch results.first.map(Self.text) {
            case "incomplete": return .incomplete
            case "syntax": return .syntax(text)
            default: return .value(text)
            }
        } catch {
            var trimmed = error
            trimmed.traceback = error.traceback.flatMap(Self.trimTraceback)
            return .failed(trimmed)
        }
    }

    public func complete(_ text: String) -> ReplCompletion {
        guard let results = try? state.call(completeFunction, [.string(LuaString(text))]), results.count >= 2,
              case .integer(let start) = results[0], case .table(let list) = results[1] else { return .none }
        let length = text.utf8.count
        let replacing = max(0, min(length, length - Int(start) + 1))
        return ReplCompletion(replacing: replacing, candidates: list.array.map(Self.text))
    }

    static func text(_ value: LuaValue) -> String {
        if case .string(let s) = value { return s.lossyText }
        return ""
    }

    /// The traceback without the host's frames (the shipped stdlib, C functions; stdlib/repl.lua
    /// calls each line as `prompt_chunk`, shown as the main chunk); nil when nothing is left but
    /// the line itself: an error typed at the prompt, or an API error of a call typed there,
    /// needs no traceback to find.
    static func trimTraceback(_ traceback: String) -> String? {
        let lines = traceback.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.contains("stdlib/") && !$0.contains("[C]: in ") }
            .map { $0.replacingOccurrences(of: "in local 'prompt_chunk'", with: "in main chunk") }
        let frames = lines.dropFirst().filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        if frames.allSatisfy({ $0.contains("in main chunk") || $0.contains("(...tail calls...)") }) { return nil }
        return lines.joined(separator: "\n")
    }
}
