import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where a run is in its life. `running` and `waiting` runs hold a lease; one whose process
/// died reads as `interrupted` (`RunRecord.effectiveStatus`).
public enum RunStatus: String, Sendable, CaseIterable, Codable {
    case running, waiting, done, failed, interrupted, cancelled

    /// A run that ended and will not go on by itself.
    public var isEnded: Bool { self == .done || self == .failed || self == .cancelled }
    /// A run a process is (or was, until it died) working on.
    public var isLive: Bool { self == .running || self == .waiting }
}

/// Who works on a run: the process, the machine and when it last said it was alive.
public struct RunLease: Sendable, Equatable {
    public var pid: Int32
    public var host: String
    public var heartbeat: Double

    public init(pid: Int32, host: String, heartbeat: Double) {
        self.pid = pid
        self.host = host
        self.heartbeat = heartbeat
    }

    /// This process on this machine, now.
    public static func current(now: Double = Date().timeIntervalSince1970) -> RunLease {
        RunLease(pid: getpid(), host: RunLease.hostName, heartbeat: now)
    }

    public static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// How often a live run renews its lease, and after how long without it the run is taken
    /// for dead even when its pid exists (a reused pid, another machine).
    public static let heartbeatInterval = 15.0
    public static let staleAfter = 90.0

    /// Whether the process holding the lease still works on the run.
    public func isAlive(now: Double = Date().timeIntervalSince1970) -> Bool {
        if now - heartbeat > Self.staleAfter { return false }
        if host == Self.hostName { return kill(pid, 0) == 0 || errno == EPERM }
        return true
    }
}

/// One run of a flow, as the store keeps it. Never holds a key: `backend` is a description and
/// `command` the options the run was started with.
public struct RunRecord: Sendable, Equatable {
    public var id: String
    /// The flow's path as given (`examples/onboarding.lua`), `-` for standard input.
    public var flow: String
    /// SHA-256 of the script's bytes when the run started (or was last resumed).
    public var flowHash: String
    /// The script's bytes when it came from standard input or `-e` only (nothing to re-read).
    public var script: [UInt8]?
    public var arguments: [String]
    /// The options of `onboard run` before the script (`--allow-read=examples/files`), to run it
    /// again the same way.
    public var command: [String]
    /// The folder relative paths were taken from.
    public var folder: String
    /// The backend in words (`emulator at http://127.0.0.1:8080`).
    public var backend: String
    public var status: RunStatus
    public var lease: RunLease?
    public var startedAt: Double
    public var updatedAt: Double
    public var endedAt: Double?
    public var exitCode: Int32?
    public var error: String?
    /// What the script printed, up to `RunStore.outputCap` bytes (read by `RunStore.run(_:)`;
    /// empty in lists).
    public var output: [UInt8]
    /// How many bytes it printed in all.
    public var outputBytes: Int
    /// Journal entries.
    public var steps: Int
    /// How many times the run was started: 1, then one more for each resume.
    public var attempts: Int
    /// The client of onboard.toml it ran for (`--client`), if any.
    public var client: String? = nil
    /// The batch it is a row of, and which row (1 for the first after the header).
    public var batch: String? = nil
    public var row: Int? = nil
    /// What wakes it, while it is parked (`waiting` with no process: `onboard worker`).
    public var wake: RunWake? = nil
    /// What started it in `onboard worker` (`event:acme:<event_id>:1`, `every:acme:…`): unique.
    public var origin: String? = nil

    /// The status as a reader should see it: a live run whose lease holder is gone is
    /// `interrupted` (a parked run has no holder: it is waiting).
    public func effectiveStatus(now: Double = Date().timeIntervalSince1970) -> RunStatus {
        guard status.isLive else { return status }
        if status == .waiting && wake != nil { return .waiting }
        guard let lease, lease.isAlive(now: now) else { return .interrupted }
        return status
    }
}

/// What `RunStore.create` needs to start a run.
public struct NewRun: Sendable {
    public var flow: String
    public var flowHash: String
    public var script: [UInt8]?
    public var arguments: [String]
    public var command: [String]
    public var folder: String
    public var backend: String
    public var client: String?
    public var batch: String?
    public var row: Int?
    /// What started it (`onboard worker`): a second run of the same origin is refused.
    public var origin: String?

    public init(flow: String, flowHash: String, script: [UInt8]? = nil, arguments: [String], command: [String], folder: String,
                backend: String, client: String? = nil, batch: String? = nil, row: Int? = nil, origin: String? = nil) {
        self.origin = origin
        self.client = client
        self.batch = batch
        self.row = row
        self.flow = flow
        self.flowHash = flowHash
        self.script = script
        self.arguments = arguments
        self.command = command
        self.folder = folder
        self.backend = backend
    }
}
