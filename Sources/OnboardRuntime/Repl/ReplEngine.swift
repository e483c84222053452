import LuaKit
import YousignAPI

/// What one REPL input did.
public enum ReplOutcome: Sendable, Equatable {
    /// It ran: its results as the printer shows them (`""` when it returned nothing).
    case value(String)
    /// An unfinished statement (`function f()`): more lines follow on the `>>` prompt.
    case incomplete
    /// A syntax error (the message as Lua gives it, `stdin:1: ...`).
    case syntax(String)
    /// A runtime error, a limit or Ctrl-C (`.limit(.cancelled)`); the session goes on.
    case failed(LuaError)
    /// The worker process had to be replaced (a statement stuck in C past its time limit, a
    /// crash): the new session starts empty. The reason, in words.
    case restarted(String)
}

/// Completion candidates for the text before the cursor.
public struct ReplCompletion: Sendable, Equatable {
    /// How many bytes at the end of the text the candidates replace (the word being completed).
    public var replacing: Int
    /// Full replacements for that word, sorted.
    public var candidates: [String]

    public init(replacing: Int, candidates: [String]) {
        self.replacing = replacing
        self.candidates = candidates
    }

    public static let none = ReplCompletion(replacing: 0, candidates: [])
}

/// A REPL session as the terminal side sees it: in a worker process (`WorkerReplEngine`, the
/// default, with the same sandbox as `onboard run`) or in this process (`LocalReplEngine`,
/// `--no-worker`). Every call but `interrupt` comes from one thread.
public protocol ReplEngine: AnyObject, Sendable {
    /// Which backend `yousign` talks to, in words (`.backend`).
    var backendSummary: String { get }
    /// Runs typed lines (`chunkName` `=stdin`) or a file (`file`: statements only, `@path`).
    func evaluate(_ code: String, chunkName: String, color: Bool, file: Bool) -> ReplOutcome
    func complete(_ text: String) -> ReplCompletion
    /// Stops the statement running now (Ctrl-C), from any thread; nothing when idle.
    func interrupt()
    func close()
}

extension ReplOutcome {
    /// A statement Ctrl-C stopped during an API call reads as that call's error (which request,
    /// and whether it may have reached Yousign) instead of a bare `interrupted`: the user must
    /// know whether to check before sending it again.
    func naming(_ stopped: YousignError?) -> ReplOutcome {
        guard case .failed(let error) = self, case .limit(.cancelled) = error.status, let stopped else { return self }
        let location = error.location.map { "\($0): " } ?? ""
        return .failed(LuaError(status: .runtime, message: location + stopped.description, traceback: error.traceback,
                                location: error.location))
    }
}
