import Foundation
import OnboardRuntime

/// A client as the worker serves it: its configuration (triggers, schedules, webhook secret)
/// and the flow host its runs use (its backend, key, grants and rate gate).
public struct WorkerClient: Sendable {
    public var config: OnboardConfig.Client
    public var host: FlowHost
    /// The folder its flows' relative paths are read from: the config file's.
    public var folder: String

    public init(config: OnboardConfig.Client, host: FlowHost, folder: String) {
        self.config = config
        self.host = host
        self.folder = folder
    }

    public var name: String { config.name }
}

/// What the worker does, as one queue of work: a run to start (a trigger's, a schedule's) or
/// one to go on with (interrupted, or parked and now due). Each is a run record this process
/// holds already (its lease), so a crash leaves it `interrupted`, resumed at the next start.
struct WorkerJob: Sendable {
    enum Kind: Sendable { case start, resume, wake }
    var kind: Kind
    var runID: String
    var client: String
}
