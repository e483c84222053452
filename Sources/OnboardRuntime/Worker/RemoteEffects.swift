import Foundation
import JSONCodec

/// The worker's side of `FlowEffects`: every effect becomes a request to the parent over the
/// pipe, answered before the script goes on. The worker itself holds no key, no client and no
/// file access. Only the Lua thread calls it, one request at a time.
final class RemoteEffects: FlowEffects, @unchecked Sendable {
    let backendSummary: String
    let hasEmulator: Bool
    private let input: Int32
    private let output: Int32
    /// Script output not yet sent: sent when 16 KiB have gathered, before every request, every
    /// 50 ms (so what a script printed before it got stuck is not lost with it) and at the end.
    private var pending: [UInt8] = []
    private let lock = NSLock()
    /// Frames from the Lua thread and the flusher never interleave.
    private let writeLock = NSLock()

    init(backendSummary: String, hasEmulator: Bool, input: Int32, output: Int32) {
        self.backendSummary = backendSummary
        self.hasEmulator = hasEmulator
        self.input = input
        self.output = output
    }

    /// Starts the thread that sends output every 50 ms: after the lock-down, so that it is
    /// born under it (Landlock binds the threads a locked-down thread starts).
    private func startFlusher() {
        let flusher = Thread { [weak self] in
            while let self {
                Thread.sleep(forTimeInterval: 0.05)
                self.flush()
            }
        }
        flusher.stackSize = 64 << 10
        flusher.start()
    }

    // MARK: output

    func write(_ bytes: UnsafeRawBufferPointer) {
        let full = lock.withLock { () -> Bool in
            pending += bytes
            return pending.count >= 16 << 10
        }
        if full { flush() }
    }

    func flush() {
        writeLock.withLock {
            let chunk = lock.withLock { () -> [UInt8] in
                defer { pending = [] }
                return pending
            }
            guard !chunk.isEmpty else { return }
            try? WorkerWire.write(output, .message(.out), chunk)
        }
    }

    /// Tells the parent the script starts now (its time limit runs from here), and how the
    /// worker is locked down; starts the output flusher. Called once, after the lock-down.
    func started(_ op: WorkerOp = .started, sandbox: KernelSandbox) {
        startFlusher()
        flush()
        writeLock.withLock { try? WorkerWire.write(output, .message(op, ["kernel_sandbox": sandbox.json])) }
    }

    /// Sends the last output and the `done` message.
    func finish(_ done: JSONValue) {
        flush()
        writeLock.withLock { try? WorkerWire.write(output, done) }
    }

    /// Sends a request and waits for its answer. A broken pipe means the parent is gone: the
    /// worker has nothing left to do.
    private func ask(_ header: JSONValue, _ blob: [UInt8] = []) -> (JSONValue, [UInt8]) {
        flush()
        writeLock.lock()
        let sent = (try? WorkerWire.write(output, header, blob)) != nil
        writeLock.unlock()
        guard sent, let reply = try? WorkerWire.read(input) else { exit(70) }
        return reply
    }

    // MARK: FlowEffects

    func perform(_ call: FlowCall) -> Result<FlowResult, FlowFailure> {
        let (header, blob) = WorkerMessages.encode(call)
        let (reply, replyBlob) = ask(header, blob)
        do { return try WorkerMessages.decodeResult(reply, replyBlob) } catch { return .failure(.message(error.description)) }
    }

    func control(_ action: ControlAction) -> Result<FlowResult, FlowFailure> {
        let (reply, replyBlob) = ask(WorkerMessages.encode(action))
        do { return try WorkerMessages.decodeResult(reply, replyBlob) } catch { return .failure(.message(error.description)) }
    }

    func now() -> Double { ask(.message(.now)).0["value"]?.doubleValue ?? 0 }

    func sleep(seconds: Double) { _ = ask(.message(.sleep, ["seconds": .double(seconds)])) }

    func randomSeed() -> Int64 { ask(.message(.seed)).0["value"]?.intValue ?? 0 }

    func wait(_ event: WaitEvent) -> Double {
        let fields: [String: JSONValue] = switch event {
        case .begin(let timeout): ["event": "begin", "timeout": .double(timeout)]
        case .round: ["event": "round"]
        case .expect(let name, let object): ["event": "expect", "name": .string(name), "object": .string(object)]
        case .end: ["event": "end"]
        }
        return ask(.message(.wait, fields)).0["value"]?.doubleValue ?? 0
    }

    func receivedEvent(_ name: String, object: String) -> [UInt8]? {
        let (reply, blob) = ask(.message(.event, ["name": .string(name), "object": .string(object)]))
        return reply["found"]?.boolValue == true ? blob : nil
    }

    /// The source of a module, found by the parent (`RemoteModules`).
    func module(_ name: String) -> (JSONValue, [UInt8]) { ask(.message(.module, ["name": .string(name)])) }

    func env(_ name: String) -> Result<String?, FlowFailure> {
        let (reply, _) = ask(.message(.env, ["name": .string(name)]))
        if reply["ok"]?.boolValue == true { return .success(reply["value"]?.stringValue) }
        return .failure(.message(reply["message"]?.stringValue ?? "env.get failed"))
    }
}
