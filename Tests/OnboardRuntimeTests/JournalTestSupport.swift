import Foundation
import JSONCodec
import LuaKit
import OnboardRuns
import OnboardRuntime
import Synchronization
import YousignAPI
import YousignEmulator
import YousignWire

/// A journaled flow on an in-process emulator whose transport can lose answers: `plan` says
/// what happens to the nth request (counting from 1, every request the client sends).
final class JournalFixture: @unchecked Sendable {
    enum Fault: Sendable { case actThenDrop, actThenCancel, refuse }
    let emulator: YousignEmulator
    let folder: String
    let store: RunStore
    /// Requests that reached the transport (method and path).
    let sent = Mutex<[String]>([])
    /// What to do to a request, given its method and path and how many such came before.
    let plan = Mutex<[String: Fault]>([:])
    let refuseEverything = Atomic<Bool>(false)
    /// Matching requests let through before a planned fault takes one.
    let skip = Mutex<[String: Int]>([:])

    init(verificationDelay: TimeInterval = 0) throws {
        emulator = try YousignEmulator(EmulatorConfiguration(storage: .memory, verificationDelay: verificationDelay))
        folder = try FlowFixture.filesFolder()
        store = try RunStore.open(path: nil)
    }

    /// A fresh host (a new process would make one) over the same emulator.
    func host(env: [String: String] = [:]) throws -> FlowHost {
        let emulator = self.emulator
        let transport = InProcessTransport(failable: { [self] request throws(TransportError) -> WireResponse in
            let key = "\(request.method) \(request.path)"
            sent.withLock { $0.append(key) }
            if refuseEverything.load(ordering: .sequentiallyConsistent) { throw TransportError(.unreachable, "the test refuses every request") }
            let fault = plan.withLock { plan -> Fault? in
                guard let pattern = plan.keys.first(where: { matches($0, key) }) else { return nil }
                let passes = skip.withLock { skip -> Bool in
                    guard let n = skip[pattern], n > 0 else { return false }
                    skip[pattern] = n - 1
                    return true
                }
                return passes ? nil : plan.removeValue(forKey: pattern)
            }
            if fault == .refuse { throw TransportError(.unreachable, "refused by the test") }
            let response = await emulator.handle(request)
            switch fault {
            case .actThenDrop: throw TransportError(.failed, "the connection closed before the response (test)")
            case .actThenCancel: throw TransportError(.cancelled, "killed after sending (test)")
            default: return response
            }
        })
        return FlowHost.emulator(transport: transport, key: Fixtures.defaultAPIKey, advancing: true,
                                 description: BackendDescription(kind: .embeddedEmulator, location: "in memory"),
                                 files: try FileAccess(root: folder, read: ["."], write: ["."]),
                                 env: EnvAccess(grants: Array(env.keys), environment: env))
    }

    func newRun(_ flow: String = "flow.lua") throws -> RunRecord {
        try store.create(NewRun(flow: flow, flowHash: "h", arguments: [], command: [], folder: folder, backend: "test"))
    }

    /// Runs `source` journaled as run `run` (new or resumed: its journal is replayed).
    func run(_ source: String, run: RunRecord, host: FlowHost? = nil, resendUncertain: Bool = false) async throws -> (FlowOutcome, JournaledEffects) {
        let entries = try store.entries(of: run.id)
        let stored = try store.run(run.id)
        let buffer = OutputBuffer()
        let output = RunOutput(alreadyPrinted: stored?.outputBytes ?? 0, alreadyKept: stored?.output.count ?? 0, cap: RunStore.outputCap,
                               sink: { buffer.append($0) })
        let effects = JournaledEffects(host: try host ?? self.host(), store: store, runID: run.id, journal: entries, output: output,
                                       resendUncertain: resendUncertain)
        let outcome = await runEffects(source, effects: effects, output: output)
        if outcome.error == nil { effects.scriptEnded() }
        try store.finish(run.id, status: outcome.error == nil ? .done : .failed, exitCode: outcome.error == nil ? 0 : 1,
                         error: outcome.error?.message, output: output.take(), outputBytes: output.total)
        return (FlowOutcome(output: buffer.text, error: outcome.error), effects)
    }

    /// How many resources of a kind the emulator holds (every page).
    func count(_ path: String) async throws -> Int {
        var total = 0
        var after: String?
        repeat {
            var query = [QueryItem("limit", "100")]
            if let after { query.append(QueryItem("after", after)) }
            let response = await emulator.handle(WireRequest(method: "GET", path: "/v3" + path, query: query,
                                                             headers: ["Authorization": "Bearer \(Fixtures.defaultAPIKey)"], body: []))
            let doc = try JSONValue(parsing: response.body)
            if let array = doc.arrayValue { return array.count }
            total += doc["data"]?.arrayValue?.count ?? 0
            after = doc["meta"]?["next_cursor"]?.stringValue
        } while after != nil
        return total
    }

    func counts() async throws -> [String: Int] {
        var out: [String: Int] = [:]
        for path in ["/workflow_sessions", "/signature_requests"] { out[path] = try await count(path) }
        return out
    }
}

/// Runs Lua source on any effects, the way `onboard run --no-worker` does.
func runEffects(_ source: String, effects: any FlowEffects, output: RunOutput) async -> FlowOutcome {
    await withCheckedContinuation { continuation in
        Thread {
            let run = ScriptRun(script: ScriptSource(bytes: Array(source.utf8), chunkName: "@flow.lua", folder: "."),
                                scriptName: "flow.lua", output: { output.write($0) }, host: effects)
            var failure: LuaError?
            do { try LuaThread.run { try run.execute() } } catch let error as LuaError { failure = error } catch {
                failure = LuaError(status: .runtime, message: "\(error)")
            }
            continuation.resume(returning: FlowOutcome(output: "", error: failure))
        }.start()
    }
}

/// The seed flow's effects, in short: a session, an identity document, a signature request with
/// one document, one signer and one field, activated and signed.
let seedFlow = """
    local templates = yousign.workflow_templates.list()
    local template = templates.data[1]
    local session = yousign.workflow_sessions.create{ workflow_template_id = template.id, name = "Onboarding of Kelly Smith" }
    print("session", session.status)
    local v = yousign.verifications.identity_documents.create{ file = "verified_id_document_verification.pdf",
      first_name = "Kelly", last_name = "Smith", workflow_session_id = session.id }
    v = yousign.wait(function() return yousign.verifications.identity_documents.get(v.id) end,
                     function(x) return x.status ~= "pending" end, { timeout = "10m", interval = "5s" })
    print("verification", v.status)
    local sr = yousign.signature_requests.create{ name = "Kelly Smith's contract", delivery_mode = "none", workflow_session_id = session.id }
    local doc = yousign.signature_requests.documents.create(sr.id, { file = "contract.pdf", nature = "signable_document" })
    local signer = yousign.signature_requests.signers.create(sr.id, {
      info = { first_name = "Kelly", last_name = "Smith", email = "kelly.smith@example.com", locale = "en" },
      signature_level = "electronic_signature", signature_authentication_mode = "no_otp" })
    yousign.signature_requests.documents.fields.create(sr.id, doc.id, { signer_id = signer.id, type = "signature", page = 1, x = 77, y = 581 })
    sr = yousign.signature_requests.activate(sr.id)
    emulator.sign(sr.id, signer.id)
    sr = yousign.wait(function() return yousign.signature_requests.get(sr.id) end, function(r) return r.status == "done" end)
    print("signature request", sr.status, os.time() > 0, math.random(1000))
    """

/// The POSTs of `seedFlow`, as the transport sees them (ids as `*`).
let seedPosts = [
    "POST /v3/workflow_sessions", "POST /v3/verifications/identity_documents", "POST /v3/signature_requests",
    "POST /v3/signature_requests/*/documents", "POST /v3/signature_requests/*/signers",
    "POST /v3/signature_requests/*/documents/*/fields", "POST /v3/signature_requests/*/activate",
    "POST /_emulator/signature_requests/*/signers/*/sign",
]

/// `POST /v3/signature_requests/*/documents` against a method and path: `*` is one segment.
func matches(_ pattern: String, _ key: String) -> Bool {
    let p = pattern.split(separator: "/", omittingEmptySubsequences: false)
    let k = key.split(separator: "/", omittingEmptySubsequences: false)
    return p.count == k.count && zip(p, k).allSatisfy { $0 == "*" || $0 == $1 }
}

extension JournalFixture {
    func get(_ path: String) async throws -> JSONValue {
        let response = await emulator.handle(WireRequest(method: "GET", path: "/v3" + path, query: [QueryItem("limit", "100")],
                                                         headers: ["Authorization": "Bearer \(Fixtures.defaultAPIKey)"], body: []))
        return try JSONValue(parsing: response.body)
    }

    /// A POST straight to the emulator (no run, no journal): its status.
    func post(_ path: String, _ json: String) async throws -> Int {
        await emulator.handle(WireRequest(method: "POST", path: "/v3" + path, query: [],
                                          headers: ["Authorization": "Bearer \(Fixtures.defaultAPIKey)", "Content-Type": "application/json"],
                                          body: Array(json.utf8))).status
    }

    func srIDs() async throws -> [String] {
        try await get("/signature_requests")["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    /// The session's actions by resource type.
    func sessionActions() async throws -> [String: Int] {
        guard let id = try await get("/workflow_sessions")["data"]?[0]?["id"]?.stringValue else { return [:] }
        var out: [String: Int] = [:]
        for group in try await get("/workflow_sessions/\(id)")["action_groups"]?.arrayValue ?? [] {
            for action in group["actions"]?.arrayValue ?? [] {
                out[action["resource"]?["type"]?.stringValue ?? "?", default: 0] += 1
            }
        }
        return out
    }
}
