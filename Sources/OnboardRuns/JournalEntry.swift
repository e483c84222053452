/// One effect of a run, in the order the flow had them: what was asked (`kind`, `key`,
/// `digest`) and what it answered (`result`). Replay answers the flow's requests from these, in
/// order, and stops when the flow asks something else.
public struct JournalEntry: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// An API call: key `METHOD /path?query`, digest of the whole request.
        case call
        /// An action of the emulator's control surface: key `sign`, `advance`...
        case control
        /// A clock read, a sleep, the seed of `math.random`, `env.get`.
        case now, sleep, seed, env
        /// `yousign.wait`: its start (the result holds the start time), each journaled round,
        /// and its end.
        case wait, round
        case waitEnd = "wait_end"
        /// `yousign.wait_for_event` looking for its event: key `event NAME OBJECT`, the event's
        /// body as result (`json`), or `none`.
        case event
    }

    /// `intent`: written before a request that is not idempotent left, with no result yet (a
    /// run that stops here did not learn what became of it). `done`: the result is in.
    public enum State: String, Sendable { case intent, done }

    public var step: Int
    public var kind: Kind
    public var key: String
    /// SHA-256 of what was asked: the request with its files, the env value.
    public var digest: String?
    /// What was asked, for people and for the divergence message (JSON text; never a key).
    public var detail: String?
    public var state: State
    /// `json`, `empty`, `bytes`, `saved`, `error`, `value`...: how to read `result`.
    public var resultKind: String?
    public var result: [UInt8]?
    /// How many bytes the script had printed when this effect was asked.
    public var outputAt: Int
    /// Unix seconds, wall clock, when it was written.
    public var at: Double

    public init(step: Int, kind: Kind, key: String, digest: String? = nil, detail: String? = nil, state: State = .done,
                resultKind: String? = nil, result: [UInt8]? = nil, outputAt: Int = 0, at: Double) {
        self.step = step
        self.kind = kind
        self.key = key
        self.digest = digest
        self.detail = detail
        self.state = state
        self.resultKind = resultKind
        self.result = result
        self.outputAt = outputAt
        self.at = at
    }
}
