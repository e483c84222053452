import JSONCodec
import YousignAPI

/// Everything a flow does outside its Lua state, as one interface: the in-process `FlowHost`
/// performs the effects itself; the worker process's `RemoteEffects` asks its parent to. Every
/// value that crosses it is plain data, so it can cross a pipe, and a run journal can record and
/// replay it.
public protocol FlowEffects: AnyObject, Sendable {
    /// Which backend, in words (`embedded emulator (.onboard/emulator.sqlite)`); never a key.
    var backendSummary: String { get }
    /// Whether `emulator` exists.
    var hasEmulator: Bool { get }
    /// One API call: files named by path are read under the read grants, a download named by
    /// `saveTo` is written under the write grants.
    func perform(_ call: FlowCall) -> Result<FlowResult, FlowFailure>
    /// One action of the emulator's control surface.
    func control(_ action: ControlAction) -> Result<FlowResult, FlowFailure>
    /// The flow's clock, Unix seconds.
    func now() -> Double
    func sleep(seconds: Double)
    /// The seed of the script's `math.random`.
    func randomSeed() -> Int64
    /// `env.get(name)`: the value if granted (nil when unset).
    func env(_ name: String) -> Result<String?, FlowFailure>
    /// `yousign.wait`'s start (answering its start time: the first start's, for a resumed
    /// wait), each of its rounds, and its end: a run journal keeps only what replay needs.
    func wait(_ event: WaitEvent) -> Double
    /// `yousign.wait_for_event`: the event's body if one named `name` about `object` was
    /// received for this run's client (by `onboard worker`), nil otherwise.
    func receivedEvent(_ name: String, object: String) -> [UInt8]?
}

/// The marks `yousign.wait` makes, so its polls need not each be journaled.
public enum WaitEvent: Sendable, Equatable {
    case begin(timeout: Double)
    case round
    /// The wait also ends when this event about this object arrives (`yousign.wait_for_event`).
    case expect(event: String, object: String)
    case end
}

extension FlowEffects {
    /// Without a journal a wait starts now and its marks do nothing.
    public func wait(_ event: WaitEvent) -> Double {
        if case .begin = event { return now() }
        return 0
    }

    /// Without a worker no event is received: `wait_for_event` polls.
    public func receivedEvent(_ name: String, object: String) -> [UInt8]? { nil }
}

/// An API call as a flow makes it.
public struct FlowCall: Sendable, Equatable {
    /// The request; multipart files given as bytes are in it already.
    public var call: APICall
    /// Files named by path, read by the host under its grants and added to the multipart body.
    public var pendingFiles: [PendingFile]
    /// Where a binary result goes (`{ to = "out.pdf" }`).
    public var saveTo: String?

    public init(call: APICall, pendingFiles: [PendingFile] = [], saveTo: String? = nil) {
        self.call = call
        self.pendingFiles = pendingFiles
        self.saveTo = saveTo
    }
}

/// A file field whose content is still a path.
public struct PendingFile: Sendable, Equatable {
    public var field: String
    public var path: String
    /// The name the server sees (the path's base name unless renamed).
    public var filename: String
    public var contentType: String?

    public init(field: String, path: String, filename: String, contentType: String?) {
        self.field = field
        self.path = path
        self.filename = filename
        self.contentType = contentType
    }
}

/// What a call brought back.
public enum FlowResult: Sendable, Equatable {
    case json([UInt8])
    case empty
    case bytes([UInt8])
    /// A download written where `saveTo` said.
    case saved(String)
}

/// Why a call failed: an API error (a table in Lua), or a refusal before anything was sent (a
/// permission, a file, an argument: a message).
public enum FlowFailure: Error, Sendable, Equatable {
    case api(YousignError)
    case message(String)
}

/// The emulator's control surface, as data.
public enum ControlAction: Sendable, Equatable {
    case sign(signatureRequest: String, signer: String)
    case decline(signatureRequest: String, signer: String, reason: String?)
    case approve(signatureRequest: String, approver: String)
    case reject(signatureRequest: String, approver: String, reason: String?)
    case complete(verificationType: String, id: String, status: String, statusCodes: [String]?)
    case advance(seconds: Double)
    case reset
    case resetClock
    case deliveries
    case clock
    /// Adds a fault rule, a JSON object the emulator checks (`emulator.faults{...}`).
    case faults(JSONValue)
    case listFaults
    case clearFaults
    /// Adds a workflow template, a JSON object (`emulator.seed{ templates = {...} }`).
    case addTemplate(JSONValue)

    /// Runs it on a control client.
    func run(on c: EmulatorControl) async throws(YousignError) -> APIResult {
        switch self {
        case .sign(let sr, let signer): try await c.sign(signatureRequest: sr, signer: signer)
        case .decline(let sr, let signer, let reason): try await c.decline(signatureRequest: sr, signer: signer, reason: reason)
        case .approve(let sr, let approver): try await c.approve(signatureRequest: sr, approver: approver)
        case .reject(let sr, let approver, let reason): try await c.reject(signatureRequest: sr, approver: approver, reason: reason)
        case .complete(let type, let id, let status, let codes):
            try await c.complete(verificationType: type, id: id, status: status, statusCodes: codes)
        case .advance(let seconds): try await c.advance(seconds: seconds)
        case .reset: try await c.reset()
        case .resetClock: try await c.resetClock()
        case .deliveries: try await c.deliveries()
        case .clock: try await c.send("GET", "/clock")
        case .faults(let rule): try await c.addFault(rule)
        case .listFaults: try await c.faults()
        case .clearFaults: try await c.clearFaults()
        case .addTemplate(let template): try await c.addTemplate(template)
        }
    }
}
