/// Every failure of a Lua call, as one matchable value.
///
/// ```swift
/// do { try state.execute("error('boom')", chunkName: "=demo") }
/// catch let e as LuaError where e.status == .runtime { print(e.message, e.location?.line ?? 0) }
/// catch LuaError.limit(.time) { print("too slow") }
/// ```
///
/// `message` is the script's error text; host values bound into the script never appear in
/// `description` (secrets stay out of logs).
public struct LuaError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Status: Equatable, Sendable {
        case runtime
        case syntax
        /// Lua ran out of memory without a limit firing (a real allocation failure).
        case memory
        /// A sandbox limit fired; which one comes from the host's kill flag, never from the text.
        case limit(LuaLimitKind)
        /// The message handler itself failed.
        case errorHandler
    }

    /// Where the error happened in the script: the chunk name as Lua shows it, and the line.
    public struct Location: Equatable, Sendable, CustomStringConvertible {
        public var source: String
        public var line: Int
        public init(source: String, line: Int) {
            self.source = source
            self.line = line
        }
        public var description: String { "\(source):\(line)" }
    }

    public var status: Status
    public var message: String
    public var traceback: String?
    public var location: Location?

    public init(status: Status, message: String, traceback: String? = nil, location: Location? = nil) {
        self.status = status
        self.message = message
        self.traceback = traceback
        self.location = location
    }

    public var description: String { message }

    // Expression patterns for `catch`: `catch LuaError.syntax`, `catch LuaError.limit(.time)`.
    public static let runtime = Status.runtime
    public static let syntax = Status.syntax
    public static let memory = Status.memory
    public static func limit(_ kind: LuaLimitKind) -> Status { .limit(kind) }
}

/// Lets `catch LuaError.syntax` match.
public func ~= (pattern: LuaError.Status, error: any Error) -> Bool {
    (error as? LuaError)?.status == pattern
}

/// The sandbox limits that can stop a run.
public enum LuaLimitKind: String, Sendable, CaseIterable {
    case memory, instructions, time, output, cancelled

    public var summary: String {
        switch self {
        case .memory: "memory limit exceeded"
        case .instructions: "instruction limit exceeded"
        case .time: "time limit exceeded"
        case .output: "output limit exceeded"
        case .cancelled: "interrupted"
        }
    }
}
