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
    static func repl(_ start: WorkerStart, effects: RemoteEffects, input: Int32, probe: JSONValue?) -> Never {
        // a process group of its own: the terminal's Ctrl-C goes to the parent, which decides
        // whether a statement is running to interrupt
        _ = setpgid(0, 0)
        var run = scriptRun(start, effects: effects)
        // the session is built (stdlib/repl.lua read) before the lock-down, the preludes
        // run after it, as a script's first instructions do
        run.preludes = []
        _ = try? LuaThread.run {
            let session: ReplSession
            do {
                session = try ReplSession(run)
                let sandbox = try lockDown(start, probe: probe, effects: effects)
                for prelude in start.preludes { try session.state.execute(prelude.bytes, chunkName: prelude.chunkName) }
                // SIGINT from the parent cancels the running statement
                let canceller = session.canceller
                InterruptSignal.onInterrupt { canceller.cancel() }
                effects.started(.ready, sandbox: sandbox)
            } catch {
                effects.finish(.message(.done, describe(error)))
                exit(0)
            }
            while let (header, _) = try? WorkerWire.read(input) {
                switch WorkerOp(of: header) {
                case .eval:
                    let outcome = session.evaluate(
                        header["code"]?.stringValue ?? "", chunkName: header["chunk"]?.stringValue ?? "=stdin",
                        color: header["color"]?.boolValue ?? false, file: header["file"]?.boolValue ?? false)
                    effects.finish(.object(encode(outcome)))
                case .complete:
                    let completion = session.complete(header["text"]?.stringValue ?? "")
                    effects.finish(.message(.completions, [
                        "replacing": .integer(Int64(completion.replacing)),
                        "candidates": .array(completion.candidates.map { .string($0) }),
                    ]))
                default:
                    exit(2)
                }
            }
        }
        exit(0)
    }

    static func encode(_ outcome: ReplOutcome) -> [String: JSONValue] {
        var message: [String: JSONValue] = ["op": WorkerOp.evaluated.json]
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
