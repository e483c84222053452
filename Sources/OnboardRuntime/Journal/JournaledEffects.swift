import Foundation
import Synchronization
import JSONCodec
import OnboardRuns
import YousignAPI

/// `FlowEffects` with a journal: every effect is written to the run store before its result
/// reaches Lua (a request that is not idempotent writes its intent before it leaves), and a
/// resumed run is answered from the journal, without touching the API, until the journal ends;
/// then it goes on live. A flow that asks something other than the journal's next entry, an
/// input file that changed, or a request whose outcome cannot be known stop the run
/// (`JournalStop`) instead of guessing.
///
/// `yousign.wait` is journaled as a span (`WaitEvent`): its start, then only its last round
/// (the round whose poll satisfied it), so a wait of days costs a few entries, not one per poll.
public final class JournaledEffects: FlowEffects, @unchecked Sendable {
    public let host: FlowHost
    public let store: RunStore
    public let runID: String
    let output: RunOutput
    let reconciler: Reconciler
    /// Send a request whose outcome is unknown again (`runs resume --resend-uncertain`).
    let resendUncertain: Bool
    private let onStop: @Sendable (JournalStop) -> Void
    let lock = NSLock()
    private let replay: [JournalEntry]
    private var cursor = 0
    private var lastStep: Int
    /// Read without `lock`: the run's end asks it while a call may still hold `lock`.
    private let stopSlot = Mutex<JournalStop?>(nil)
    var stopped: JournalStop? { stopSlot.withLock { $0 } }
    var spans: [Span] = []
    private let stopRequest = Mutex<String?>(nil)

    /// An open `yousign.wait`: the current round's entries, held back until the round proves
    /// to be the last one or does something that must be journaled at once.
    struct Span {
        var buffer: [JournalEntry] = []
        var committed = true
        /// The event this wait also ends on (`yousign.wait_for_event`), for a parked run's wake.
        var expect: (event: String, object: String)?
    }

    /// Set in `onboard worker`: a wait's pause of `Parking.minimum` seconds or more parks the run
    /// (`JournaledEffects+Parking.swift`) instead of holding its process.
    let parking: Bool
    /// The events the run can see (`yousign.wait_for_event`): the worker's, from the store.
    let events: (@Sendable (_ name: String, _ object: String) -> [UInt8]?)?

    public init(host: FlowHost, store: RunStore, runID: String, journal: [JournalEntry] = [], output: RunOutput,
                resendUncertain: Bool = false, parking: Bool = false,
                events: (@Sendable (_ name: String, _ object: String) -> [UInt8]?)? = nil,
                onStop: @escaping @Sendable (JournalStop) -> Void = { _ in }) {
        self.parking = parking
        self.events = events
        self.host = host
        self.store = store
        self.runID = runID
        self.replay = journal
        self.lastStep = journal.last?.step ?? 0
        self.output = output
        self.resendUncertain = resendUncertain
        self.onStop = onStop
        self.reconciler = Reconciler(host: host, store: store, runID: runID)
    }

    /// SHA-256 of a flow's bytes, hex: what a run notes to tell an edited flow.
    public static func hash(_ bytes: [UInt8]) -> String { JournalCodec.sha256(bytes) }

    public var backendSummary: String { host.backendSummary }
    public var hasEmulator: Bool { host.hasEmulator }

    /// Why the run stopped itself, if it did.
    public var stop: JournalStop? { stopped }
    /// The journal's length now.
    public var steps: Int { lock.withLock { lastStep } }

    /// Called when the script ended without error: a journal with steps left means the flow
    /// no longer does what the run did (the run is stopped as a divergence).
    @discardableResult
    public func scriptEnded() -> JournalStop? {
        lock.withLock {
            guard stopped == nil, let entry = next() else { return stopped }
            let left = replay.count - cursor
            halt(JournalStop(.divergence, "the flow ended before step \(entry.step), but the journal has \(left) more step\(left == 1 ? "" : "s") from \(Self.describe(entry)) on; the flow changed since the run started: put it back as it was to resume the run (it is left as it is), or start a new run"))
            return stopped
        }
    }

    // MARK: effects

    public func perform(_ flowCall: FlowCall) -> Result<FlowResult, FlowFailure> {
        lock.withLock { () -> Result<FlowResult, FlowFailure> in
            if let stopped { return .failure(.message(stopped.description)) }
            let ready: FlowCall
            switch host.resolve(flowCall) {
            case .success(let resolved): ready = resolved
            case .failure(let failure):
                if let entry = next(), entry.kind == .call, entry.key == JournalCodec.key(flowCall.call) {
                    return .failure(halt(JournalStop(.inputChanged, "step \(entry.step): \(entry.key) no longer reads its files (\(Self.text(failure))); put them back as they were, or start a new run")))
                }
                return .failure(failure)
            }
            let files = flowCall.pendingFiles.map { FileRead(field: $0.field, path: $0.path) }
            let key = JournalCodec.key(ready.call)
            let (digest, detail) = JournalCodec.describe(ready.call, files: files)
            if let entry = next() {
                guard entry.kind == .call, entry.key == key else { return .failure(diverge(entry, asks: key)) }
                if entry.digest != digest {
                    if let changed = changedFile(entry, ready) { return .failure(halt(changed)) }
                    return .failure(diverge(entry, asks: key, journaled: entry.detail, now: detail))
                }
                consume()
                guard entry.state == .intent else { return JournalCodec.decode(entry) }
                return settle(entry.step, ready.call, saveTo: ready.saveTo, key: key)
            }
            if let asked = stopIfAsked() { return .failure(asked) }
            return live(ready, key: key, digest: digest, detail: detail)
        }
    }

    public func control(_ action: ControlAction) -> Result<FlowResult, FlowFailure> {
        lock.withLock { () -> Result<FlowResult, FlowFailure> in
            if let stopped { return .failure(.message(stopped.description)) }
            let header = WorkerMessages.encode(action)
            let text = (try? header.encoded()).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let key = "emulator.\(header["action"]?.stringValue ?? "?")"
            let digest = JournalCodec.sha256(Array(text.utf8))
            if let entry = next() {
                guard entry.kind == .control, entry.key == key, entry.digest == digest else {
                    return .failure(diverge(entry, asks: key + " " + text, journaled: entry.detail, now: text))
                }
                consume()
                guard entry.state == .intent else { return JournalCodec.decode(entry) }
                switch reconciler.reconcile(action) {
                case .found(let result):
                    complete(entry.step, result)
                    return result
                case .notSent:
                    let result = host.control(action)
                    complete(entry.step, result)
                    return result
                case .uncertain(let why):
                    guard resendUncertain else { return .failure(halt(uncertain(entry.step, key, why))) }
                    let result = host.control(action)
                    complete(entry.step, result)
                    return result
                }
            }
            if let asked = stopIfAsked() { return .failure(asked) }
            let entry = JournalEntry(step: 0, kind: .control, key: key, digest: digest, detail: text, state: action.isRead ? .done : .intent,
                                     outputAt: output.total, at: Date().timeIntervalSince1970)
            if action.isRead {
                let result = host.control(action)
                record(with(entry, result), safe: true)
                return result
            }
            guard let step = record(entry, safe: false) else { return .failure(.message(stopped?.description ?? "")) }
            let result = host.control(action)
            if Self.unknownOutcome(result) {
                if case .found(let found) = reconciler.reconcile(action) {
                    complete(step, found)
                    return found
                }
                return .failure(halt(uncertain(step, key, "its answer was lost (\(Self.text(result.failure)))")))
            }
            if Self.isInterrupted(result) { return result }
            complete(step, result)
            return result
        }
    }

    public func now() -> Double {
        lock.withLock {
            if stopped != nil { return 0 }
            if let entry = next() {
                guard entry.kind == .now, let value = JournalCodec.number(of: entry) else {
                    diverge(entry, asks: "the clock (yousign.now, os.time)")
                    return 0
                }
                consume()
                return value
            }
            if stopIfAsked() != nil { return 0 }
            let value = host.now()
            let (kind, bytes) = JournalCodec.number(value)
            record(JournalEntry(step: 0, kind: .now, key: "now", resultKind: kind, result: bytes, outputAt: output.total,
                                at: Date().timeIntervalSince1970), safe: true)
            return value
        }
    }

    public func sleep(seconds: Double) {
        let live = lock.withLock { () -> Bool in
            if stopped != nil { return false }
            if let entry = next() {
                guard entry.kind == .sleep else {
                    diverge(entry, asks: "a sleep of \(seconds) s")
                    return false
                }
                consume()
                return false
            }
            guard stopIfAsked() == nil else { return false }
            return !park(seconds)
        }
        guard live else { return }
        // outside the lock: Ctrl-C reaches the host's sleep through `host.interruptWaits`
        host.sleep(seconds: seconds)
        _ = lock.withLock {
            record(JournalEntry(step: 0, kind: .sleep, key: "sleep", detail: "\(seconds)", outputAt: output.total,
                                at: Date().timeIntervalSince1970), safe: true)
        }
    }

    public func randomSeed() -> Int64 {
        lock.withLock {
            if let entry = next() {
                guard entry.kind == .seed, let text = entry.result.map({ String(decoding: $0, as: UTF8.self) }), let value = Int64(text) else {
                    diverge(entry, asks: "the seed of math.random")
                    return 0
                }
                consume()
                return value
            }
            if stopIfAsked() != nil { return 0 }
            let value = host.randomSeed()
            record(JournalEntry(step: 0, kind: .seed, key: "seed", resultKind: "value", result: Array("\(value)".utf8),
                                outputAt: output.total, at: Date().timeIntervalSince1970), safe: true)
            return value
        }
    }

    public func env(_ name: String) -> Result<String?, FlowFailure> {
        lock.withLock { () -> Result<String?, FlowFailure> in
            if let stopped { return .failure(.message(stopped.description)) }
            let value = host.env(name)
            // the value is never journaled: its hash, salted with the run id, tells a change
            let digest = switch value {
            case .success(let v?): JournalCodec.sha256(Array("\(runID)\u{0}set\u{0}\(v)".utf8))
            case .success(nil): "unset"
            case .failure(let f): "refused " + JournalCodec.sha256(Array(Self.text(f).utf8))
            }
            let key = "env \(name)"
            if let entry = next() {
                guard entry.kind == .env, entry.key == key else { return .failure(diverge(entry, asks: "env.get(\"\(name)\")")) }
                guard entry.digest == digest else {
                    return .failure(halt(JournalStop(.inputChanged, "step \(entry.step): env.get(\"\(name)\") gives another value than when the run read it; set it back as it was, or start a new run")))
                }
                consume()
                return value
            }
            if let asked = stopIfAsked() { return .failure(asked) }
            record(JournalEntry(step: 0, kind: .env, key: key, digest: digest, outputAt: output.total, at: Date().timeIntervalSince1970),
                   safe: true)
            return value
        }
    }

    public func wait(_ event: WaitEvent) -> Double {
        lock.withLock {
            if stopped != nil { return 0 }
            switch event {
            case .begin(let timeout):
                if let entry = next() {
                    guard entry.kind == .wait, let started = JournalCodec.number(of: entry) else {
                        diverge(entry, asks: "yousign.wait")
                        return 0
                    }
                    spans.append(Span())
                    consume()
                    return started
                }
                if stopIfAsked() != nil { return 0 }
                let started = host.now()
                let (kind, bytes) = JournalCodec.number(started)
                record(JournalEntry(step: 0, kind: .wait, key: "wait", detail: "{\"timeout\":\(timeout)}", resultKind: kind, result: bytes,
                                    outputAt: output.total, at: Date().timeIntervalSince1970), safe: false, status: .waiting)
                spans.append(Span())
                return started
            case .round:
                guard !spans.isEmpty else { return 0 }
                if let entry = next() {
                    guard entry.kind == .round else {
                        diverge(entry, asks: "another round of yousign.wait")
                        return 0
                    }
                    consume()
                    return 0
                }
                // the round before was not the last one: unless it had to be journaled, forget it
                spans[spans.count - 1] = Span(buffer: [JournalEntry(step: 0, kind: .round, key: "round", outputAt: output.total,
                                                                    at: Date().timeIntervalSince1970)], committed: false,
                                              expect: spans[spans.count - 1].expect)
                return 0
            case .expect(let event, let object):
                if !spans.isEmpty { spans[spans.count - 1].expect = (event, object) }
                return 0
            case .end:
                guard !spans.isEmpty else { return 0 }
                if let entry = next() {
                    guard entry.kind == .waitEnd else {
                        diverge(entry, asks: "the end of yousign.wait")
                        return 0
                    }
                    spans.removeLast()
                    consume()
                    return 0
                }
                let span = spans.removeLast()
                if !span.committed { for held in span.buffer { persist(held) } }
                record(JournalEntry(step: 0, kind: .waitEnd, key: "wait_end", outputAt: output.total, at: Date().timeIntervalSince1970),
                       safe: false, status: spans.isEmpty ? .running : .waiting)
                return 0
            }
        }
    }

    // MARK: calls

    /// A call the journal does not have yet.
    private func live(_ ready: FlowCall, key: String, digest: String, detail: String) -> Result<FlowResult, FlowFailure> {
        let entry = JournalEntry(step: 0, kind: .call, key: key, digest: digest, detail: detail, outputAt: output.total,
                                 at: Date().timeIntervalSince1970)
        if ready.call.isIdempotent {
            let result = host.perform(ready)
            if Self.isInterrupted(result) { return result }
            record(with(entry, result), safe: true)
            return result
        }
        var intent = entry
        intent.state = .intent
        guard let step = record(intent, safe: false) else { return .failure(.message(stopped?.description ?? "")) }
        return send(step, ready.call, saveTo: ready.saveTo, key: key)
    }

    /// Sends a request whose intent is journaled as `step`, and journals what became of it. A
    /// request whose answer is lost is looked up; one that did not take effect is sent again (a
    /// few times at most), and a DELETE sent again that finds nothing is taken as done.
    private func send(_ step: Int, _ call: APICall, saveTo: String?, key: String, again: Bool = false) -> Result<FlowResult, FlowFailure> {
        let tagged = Reconciler.tag(call, runID: runID, step: step)
        var attempt = 0
        while true {
            attempt += 1
            var result = host.perform(FlowCall(call: tagged, saveTo: saveTo))
            if Self.isInterrupted(result) { return result }
            if (again || attempt > 1) && call.method == "DELETE", case .failure(.api(let e)) = result, e.status == 404 {
                result = .success(.empty)
            }
            guard Self.unknownOutcome(result) else {
                complete(step, result)
                return result
            }
            // the connection went after the request left: find out before anyone sends it again
            switch reconciler.reconcile(tagged, step: step) {
            case .found(let found):
                complete(step, found)
                return found
            case .notSent where attempt < 3:
                continue
            case .notSent:
                complete(step, result)
                return result
            case .uncertain(let why):
                return .failure(halt(uncertain(step, key, "its answer was lost (\(Self.text(result.failure))) and \(why)")))
            }
        }
    }

    /// A journaled intent with no result: the run stopped after the request may have left.
    private func settle(_ step: Int, _ call: APICall, saveTo: String?, key: String) -> Result<FlowResult, FlowFailure> {
        let tagged = Reconciler.tag(call, runID: runID, step: step)
        switch reconciler.reconcile(tagged, step: step) {
        case .found(let result):
            complete(step, result)
            return result
        case .notSent:
            return send(step, call, saveTo: saveTo, key: key, again: true)
        case .uncertain(let why):
            guard resendUncertain else { return .failure(halt(uncertain(step, key, why))) }
            return send(step, call, saveTo: saveTo, key: key, again: true)
        }
    }

    // MARK: the journal

    func next() -> JournalEntry? { cursor < replay.count ? replay[cursor] : nil }

    func consume() {
        cursor += 1
        guard cursor == replay.count else { return }
        if !spans.isEmpty { try? store.setStatus(runID, .waiting) }
    }

    /// Writes an entry (a `safe` one inside a wait's round is held back with the round),
    /// returning its step, or nil when the run had to stop.
    @discardableResult
    func record(_ entry: JournalEntry, safe: Bool, status: RunStatus? = nil) -> Int? {
        if let last = spans.indices.last, !spans[last].committed {
            if safe {
                spans[last].buffer.append(entry)
                return 0
            }
            // something that must be journaled now: the round so far goes first
            let held = spans[last].buffer
            spans[last] = Span()
            for h in held { guard persist(h) != nil else { return nil } }
        }
        return persist(entry, status: status)
    }

    @discardableResult
    func persist(_ entry: JournalEntry, status: RunStatus? = nil) -> Int? {
        guard stopped == nil else { return nil }
        var entry = entry
        entry.step = lastStep + 1
        let claims = entry.state == .done && entry.kind == .call && !entry.key.hasPrefix("GET ")
            ? [JournalCodec.createdID(JournalCodec.decode(entry))].compactMap { $0 } : []
        do {
            guard try store.append(entry, to: runID, output: output.take(), outputBytes: output.total, status: status, claims: claims) else {
                halt(JournalStop(.cancelled, "run \(runID) was cancelled (onboard runs cancel)"))
                return nil
            }
        } catch {
            halt(JournalStop(.store, "the run journal could not be written: \(error.description)"))
            return nil
        }
        lastStep = entry.step
        return entry.step
    }

    private func complete(_ step: Int, _ result: Result<FlowResult, FlowFailure>) {
        let (kind, bytes) = JournalCodec.encode(result)
        let claims = [JournalCodec.createdID(result)].compactMap { $0 }
        do {
            guard try store.complete(step: step, of: runID, resultKind: kind, result: bytes, claims: claims, output: output.take(),
                                     outputBytes: output.total) else {
                halt(JournalStop(.cancelled, "run \(runID) was cancelled (onboard runs cancel)"))
                return
            }
        } catch {
            halt(JournalStop(.store, "the run journal could not be written: \(error.description)"))
        }
    }

    private func with(_ entry: JournalEntry, _ result: Result<FlowResult, FlowFailure>) -> JournalEntry {
        var entry = entry
        (entry.resultKind, entry.result) = JournalCodec.encode(result)
        return entry
    }

    // MARK: stopping

    /// Asks the run to stop before its next effect that is not replayed (Ctrl-C in a batch):
    /// what it is doing now finishes and is journaled, the rest waits for a resume.
    public func stopAtNextStep(_ why: String) { stopRequest.withLock { $0 = why } }

    /// Halts the run when `stopAtNextStep` asked for it.
    func stopIfAsked() -> FlowFailure? {
        guard stopped == nil, let why = stopRequest.withLock({ $0 }) else { return nil }
        return halt(JournalStop(.interrupted, why))
    }

    /// Stops the run (the first reason is kept) and returns the failure every effect now gets.
    @discardableResult
    func halt(_ stop: JournalStop) -> FlowFailure {
        let first = stopSlot.withLock { slot -> Bool in
            guard slot == nil else { return false }
            slot = stop
            return true
        }
        if first { onStop(stop) }
        return .message(stopped?.description ?? stop.description)
    }

    @discardableResult
    func diverge(_ entry: JournalEntry, asks: String, journaled: String? = nil, now: String? = nil) -> FlowFailure {
        var message = "step \(entry.step): the journal has \(Self.describe(entry)), the flow now asks \(asks)"
        if let difference = Self.difference(journaled, now) { message += " (\(difference))" }
        message += "; the flow changed since the run started: put it back as it was to resume the run (it is left as it is), or start a new run"
        return halt(JournalStop(.divergence, message))
    }

    private func uncertain(_ step: Int, _ key: String, _ why: String) -> JournalStop {
        JournalStop(.uncertain, "step \(step): \(key) was sent but \(why); onboard cannot tell whether it took effect and will not send it again blindly. Check on the backend; if it did not take effect, resume with `onboard runs resume \(runID) --resend-uncertain`, otherwise cancel the run (`onboard runs cancel \(runID)`)")
    }

    private func changedFile(_ entry: JournalEntry, _ ready: FlowCall) -> JournalStop? {
        guard case .multipart(_, let parts) = ready.call.body else { return nil }
        let journaled = JournalCodec.files(in: entry.detail)
        guard let doc = try? JSONValue(parsing: Array(JournalCodec.describe(ready.call, files: []).detail.utf8)) else { return nil }
        let now = (doc["files"]?.arrayValue ?? []).compactMap { $0["sha256"]?.stringValue }
        for (index, file) in journaled.enumerated() where index < parts.count && index < now.count && now[index] != file.sha256 {
            return JournalStop(.inputChanged, "step \(entry.step): \(file.path) changed since the run read it (sha256 \(file.sha256.prefix(12))… then, \(now[index].prefix(12))… now); put the original back to resume the run (it is left as it is), or start a new run")
        }
        return nil
    }

    static func describe(_ entry: JournalEntry) -> String {
        switch entry.kind {
        case .call, .control: entry.key
        case .now: "a clock read"
        case .sleep: "a sleep"
        case .seed: "the seed of math.random"
        case .env: "env.get(\"\(entry.key.dropFirst(4))\")"
        case .wait: "the start of yousign.wait"
        case .round: "a round of yousign.wait"
        case .waitEnd: "the end of yousign.wait"
        case .event: "a look for the event \(entry.key.dropFirst(6))"
        }
    }

    /// The first top-level field two request details disagree on.
    static func difference(_ a: String?, _ b: String?) -> String? {
        guard let a, let b, let x = try? JSONValue(parsing: Array(a.utf8)), let y = try? JSONValue(parsing: Array(b.utf8)) else { return nil }
        let left = x["body"]?.objectValue ?? x["fields"]?.objectValue ?? [:]
        let right = y["body"]?.objectValue ?? y["fields"]?.objectValue ?? [:]
        for name in Set(left.keys).union(right.keys).sorted() where left[name] != right[name] {
            func show(_ v: JSONValue?) -> String {
                guard let v else { return "nothing" }
                return (try? v.encoded()).map { String(decoding: $0.prefix(80), as: UTF8.self) } ?? "?"
            }
            return "\(name) was \(show(left[name])), is now \(show(right[name]))"
        }
        return left == right ? "the same fields, other files" : nil
    }

    static func text(_ failure: FlowFailure?) -> String {
        switch failure {
        case .message(let m): m
        case .api(let e): e.description
        case nil: "no error"
        }
    }

    /// A failure after the request may have left: a timeout, or a connection that went.
    static func unknownOutcome(_ result: Result<FlowResult, FlowFailure>) -> Bool {
        guard case .failure(.api(let e)) = result, e.status == nil else { return false }
        return e.type == "transport.timeout" || e.type == "transport.error"
    }

    static func isInterrupted(_ result: Result<FlowResult, FlowFailure>) -> Bool {
        guard case .failure(.api(let e)) = result else { return false }
        return e.type == "interrupted"
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let f) = self { return f }
        return nil
    }
}
