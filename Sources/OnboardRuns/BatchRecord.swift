import Foundation

/// A batch: one flow over the rows of an input file, each row a run of its own. It is
/// identified by what it runs (the flow's path, the input's content and the client), so the
/// same command run again finds it and goes on with it.
public struct BatchRecord: Sendable, Equatable {
    /// `batch_` and a ULID, like run ids.
    public var id: String
    /// The flow's path as given, and its SHA-256 when the batch started (or was last resumed).
    public var flow: String
    public var flowHash: String
    /// The input file as given, and the SHA-256 of its bytes.
    public var input: String
    public var inputHash: String
    /// The client of onboard.toml, or `""` for none.
    public var client: String
    /// The options of `onboard batch` before the flow, to go on with it by id.
    public var command: [String]
    /// The folder relative paths were taken from.
    public var folder: String
    /// Data rows in the input.
    public var rows: Int
    public var startedAt: Double
    public var updatedAt: Double

    public init(id: String, flow: String, flowHash: String, input: String, inputHash: String, client: String, command: [String],
                folder: String, rows: Int, startedAt: Double, updatedAt: Double) {
        self.id = id
        self.flow = flow
        self.flowHash = flowHash
        self.input = input
        self.inputHash = inputHash
        self.client = client
        self.command = command
        self.folder = folder
        self.rows = rows
        self.startedAt = startedAt
        self.updatedAt = updatedAt
    }

    /// `batch_` and 26 characters of Crockford base32 (time first).
    public static func makeID(at date: Date = Date()) -> String {
        "batch_" + RunID.make(at: date).dropFirst(4)
    }

    public static func isValidID(_ text: String) -> Bool {
        text.hasPrefix("batch_") && RunID.isValid("run_" + text.dropFirst(6))
    }
}

/// How far a batch got: per status, the rows whose run ended that way (interrupted includes
/// runs whose process died); rows with no run have not started.
public struct BatchProgress: Sendable, Equatable {
    public var rows: Int
    public var byStatus: [RunStatus: Int]
    public var notStarted: Int { rows - byStatus.values.reduce(0, +) }

    public init(rows: Int, byStatus: [RunStatus: Int]) {
        self.rows = rows
        self.byStatus = byStatus
    }

    public subscript(_ status: RunStatus) -> Int { byStatus[status] ?? 0 }
}
