import Foundation
import JSONCodec
import LuaKit

#if canImport(Glibc)
import Glibc
#endif

/// The worker as a REPL session: one state kept between requests. The parent sends `eval`
/// (code, chunk name, colour, file mode) and `complete` (the text before the cursor); the worker
/// answers `evaluated` and `completions`, asking for effects on the way as a run does. Ctrl-C
/// arrives as SIGINT, sent by the parent, and cancels the statement running.
extension WorkerProcess {
    static func repl(_ start: WorkerStart, input: Int32, output: Int32) -> Never {
        // a process group of its own: the terminal's Ctrl-C goes to the parent, which decides
        // whether a statement is running to interrupt
        _ = setpgid(0, 0)
        let effects = RemoteEffects(backendSummary: start.backendSummary, hasEmulator: start.hasEmulator, input: input, output: output)
        let run = ScriptRun(
            preludes: start.preludes, script: nil, interpreterArguments: start.interpreterArguments, limits: start.limits,
            stdlibFolder: start.stdlibFolder, output: { effects.write($0) }, host: effects)
        _ = try? LuaThread.run {
            let session: ReplSession
            do { session = try ReplSession(run) } catch {
                var done: [String: JSONValue] = ["op": "done"]
                done.merge(describe(error), uniquingKeysWith: { $1 })
                effects.finish(.object(done))
                exit(0)
            }
            // SIGINT from the parent cancels the running statement
            let canceller = session.canceller
            InterruptSignal.onInterrupt { canceller.cancel() }
            effects.finish(["op": "ready"])
            while let (header, _) = try? WorkerWire.read(input) {
                switch header["op"]?.stringValue {
                case "eval":
                    let outcome = session.evaluate(
                        header["code"]?.stringValue ?? "", chunkName: header["chunk"]?.stringValue ?? "=stdin",
                        color: header["color"]?.boolValue ?? false, file: header["file"]?.boolValue ?? false)
                    effects.finish(.object(encode(outcome)))
                case "complete":
                    let completion = session.complete(header["text"]?.stringValue ?? "")
                    effects.finish([
                        "op": "completions", "replacing": .integer(Int64(completion.replacing)),
                        "candidates": .array(completion.candidates.map { .string($0) }),
                    ])
                default:
                    exit(2)
                }
            }
        }
        exit(0)
    }

    static func encode(_ outcome: ReplOutcome) -> [String: JSONValue] {
        var message: [String: JSONValue] = ["op": "evaluated"]
        switch outcome {
        case .value(let text): message.merge(["status": "ok", "text": .string(text)], uniquingKeysWith: { $1 })
        case .incomplete: message["status"] = "incomplete"
        case .syntax(let text): message.merge(["status": "syntax", "text": .string(text)], uniquingKeysWith: { $1 })
        case .failed(let error): message.merge(describe(error), uniquingKeysWith: { $1 })
        case .restarted(let why): message.merge(["status": "error", "message": .string(why)], uniquingKeysWith: { $1 })
        }
        return message
    }
}
