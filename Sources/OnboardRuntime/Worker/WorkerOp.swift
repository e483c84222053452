import JSONCodec

/// What a frame of the worker wire is, its `op` field: one list for both ends, so a message the
/// parent sends is a message the worker knows (`WorkerWire` carries them, unchanged on the wire).
enum WorkerOp: String, CaseIterable, Sendable {
    // parent to worker: what to run
    /// A script run (`WorkerStart`).
    case start
    /// A REPL session (`WorkerStart`), then `eval` and `complete`.
    case repl
    case eval
    case complete

    // worker to parent: how it goes
    /// The script starts now: the time limit runs from here.
    case started
    /// Script output (the blob).
    case out
    /// The run ended (`status`, and the error's fields).
    case done
    /// The REPL session is built and locked down.
    case ready
    case evaluated
    case completions
    /// The lock-down's test hook answered (`probe` in a start message).
    case probed

    // worker to parent: effects, answered with a reply frame (no `op`)
    case perform
    case control
    case now
    case sleep
    case seed
    case env
    /// A mark of `yousign.wait` (`event`: begin, round, end).
    case wait
    /// `yousign.wait_for_event` looking for its event (`name`, `object`; the body as blob).
    case event
    /// The source of a module `require` asks for (the worker reads no file itself).
    case module

    /// The `op` of a frame header, nil when it has none or one nobody knows.
    init?(of header: JSONValue) {
        guard let name = header["op"]?.stringValue else { return nil }
        self.init(rawValue: name)
    }

    var json: JSONValue { .string(rawValue) }
}

extension JSONValue {
    /// A frame header with `op` set, plus `fields`.
    static func message(_ op: WorkerOp, _ fields: [String: JSONValue] = [:]) -> JSONValue {
        var header = fields
        header["op"] = op.json
        return .object(header)
    }
}
