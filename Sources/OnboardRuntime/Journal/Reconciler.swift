import Foundation
import JSONCodec
import OnboardRuns
import YousignAPI
import YousignWire

/// What became of a request whose answer never came (the process was killed after sending it,
/// or the connection went after the server acted). Yousign has no idempotency keys (API.md
/// §2.8), so it is never sent again blindly: each operation that creates or changes something
/// has a way to look, listed in docs/durability.md, and where none can tell, the run stops.
///
/// - `POST /signature_requests`: tagged with a run-derived `external_id` when the flow set none,
///   and found with the `external_id[eq]` filter.
/// - Children (documents, signers, approvers, fields of a request): the parent's list, matched against the
///   request's fields, leaving out what any run of this store already has.
/// - `activate`, `cancel`: the request's status.
/// - `POST /workflow_sessions`: the sessions named so with that template that no run has.
/// - Verifications with a `workflow_session_id`: the session's actions of that type no run has.
/// - `PUT`, `PATCH`, `DELETE`: sent again (the same change twice is the change once; a DELETE that
///   finds nothing is taken as done).
/// - Emulator signs, declines, approvals, rejections and completions: the recipient's or the
///   verification's status.
struct Reconciler {
    enum Outcome {
        /// It took effect: this is what it answered (or would have).
        case found(Result<FlowResult, FlowFailure>)
        /// It did not take effect: sending it is safe.
        case notSent
        /// Nothing can tell; the words say why.
        case uncertain(String)
    }

    let host: FlowHost
    let store: RunStore
    let runID: String

    /// The request as sent: `POST /signature_requests` carries a run-derived `external_id`
    /// when the flow set none (`onboard-<run>-<step>`), so it can be found again.
    static func tag(_ call: APICall, runID: String, step: Int) -> APICall {
        guard call.method == "POST", call.path == "/v3/signature_requests" || call.path == "/signature_requests", case .json(let bytes) = call.body,
              case .object(var body)? = try? JSONValue(parsing: bytes), body["external_id"] == nil || body["external_id"] == .null else {
            return call
        }
        body["external_id"] = .string(externalID(runID, step))
        guard let encoded = try? JSONValue.object(body).encoded() else { return call }
        var tagged = call
        tagged.body = .json(encoded)
        return tagged
    }

    static func externalID(_ runID: String, _ step: Int) -> String { "onboard-\(runID)-\(step)" }

    func reconcile(_ call: APICall, step: Int) -> Outcome {
        // the client's paths carry the API version (`/v3/signature_requests`)
        var parts = call.path.split(separator: "/").map(String.init)
        let version = parts.first.map { $0.count <= 3 && $0.hasPrefix("v") } == true ? "/" + parts.removeFirst() : ""
        let body = Self.fields(call)
        do throws(Lookup) {
            switch (call.method, parts.count) {
            case ("PUT", _), ("PATCH", _): return .notSent
            case ("DELETE", _): return .notSent
            case ("POST", 1) where parts[0] == "signature_requests":
                guard let external = body["external_id"]?.stringValue else { return .uncertain("it has no external_id to look for") }
                let found = try unclaimed(try list(version + "/signature_requests", query: [QueryItem("external_id[eq]", external)]))
                return try one(found, "signature requests with external_id \(external)")
            case ("POST", 3) where parts[0] == "signature_requests" && parts[2] == "approvers":
                // no list of approvers: the request names them, each is read
                let ids = (try get(version + "/signature_requests/\(parts[1])")["approvers"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
                var approvers: [JSONValue] = []
                for id in ids { approvers.append(try get(version + "/signature_requests/\(parts[1])/approvers/\(id)")) }
                let found = try unclaimed(approvers.filter { Self.matches($0, body) })
                return try one(found, "approvers of \(parts[1]) like the request")
            case ("POST", 3) where parts[0] == "signature_requests" && ["documents", "signers"].contains(parts[2]):
                let found = try unclaimed(try list(call.path).filter { Self.matches($0, body) })
                return try one(found, "\(parts[2]) of \(parts[1]) like the request")
            case ("POST", 5) where parts[0] == "signature_requests" && parts[2] == "documents" && parts[4] == "fields":
                let found = try unclaimed(try list(call.path).filter { Self.matches($0, body) })
                return try one(found, "fields of document \(parts[3]) like the request")
            case ("POST", 3) where parts[0] == "signature_requests" && ["activate", "cancel"].contains(parts[2]):
                let sr = try get(version + "/signature_requests/\(parts[1])")
                let status = sr["status"]?.stringValue ?? ""
                let before = parts[2] == "activate" ? ["draft"] : ["draft", "ongoing", "approval"]
                if before.contains(status) { return .notSent }
                return .found(try Self.answer(sr))
            case ("POST", 1) where parts[0] == "workflow_sessions":
                let found = try unclaimed(try list(version + "/workflow_sessions").filter { Self.matches($0, body) })
                return try one(found, "workflow sessions named \(body["name"]?.stringValue ?? "?")")
            case ("POST", 2) where parts[0] == "verifications" || parts[0] == "document_analyses":
                guard let session = body["workflow_session_id"]?.stringValue else {
                    return .uncertain("it names no workflow_session_id, through which it could be found")
                }
                let type = Self.resourceType(parts)
                let actions = try get(version + "/workflow_sessions/\(session)")["action_groups"]?.arrayValue ?? []
                let ids = actions.flatMap { $0["actions"]?.arrayValue ?? [] }.compactMap { action -> String? in
                    guard action["resource"]?["type"]?.stringValue == type else { return nil }
                    return action["resource"]?["id"]?.stringValue
                }
                let owners = try claims(ids)
                let free = ids.filter { owners[$0] == nil }
                guard free.count <= 1 else { return .uncertain("session \(session) has \(free.count) \(type) actions no run has") }
                guard let id = free.first else { return .notSent }
                return .found(try Self.answer(try get(version + "/\(parts.joined(separator: "/"))/\(id)")))
            default:
                return .uncertain("onboard has no way to look up what \(call.method) /\(parts.first ?? "") creates")
            }
        } catch {
            return .uncertain("looking it up failed too (\(error.text)); resume the run when the backend answers")
        }
    }

    /// Emulator actions: the recipient's or verification's status tells.
    func reconcile(_ action: ControlAction) -> Outcome {
        let version = "/v3"
        do throws(Lookup) {
            switch action {
            case .sign(let sr, let signer), .decline(let sr, let signer, _):
                let status = try get(version + "/signature_requests/\(sr)/signers/\(signer)")["status"]?.stringValue
                let done = if case .sign = action { status == "signed" } else { status == "declined" }
                return done ? .found(try Self.answer(try get(version + "/signature_requests/\(sr)"))) : .notSent
            case .approve(let sr, let approver), .reject(let sr, let approver, _):
                let status = try get(version + "/signature_requests/\(sr)/approvers/\(approver)")["status"]?.stringValue
                let done = if case .approve = action { status == "approved" } else { status == "rejected" }
                return done ? .found(try Self.answer(try get(version + "/signature_requests/\(sr)"))) : .notSent
            case .complete(let type, let id, let status, _):
                let now = try get(version + "/verifications/\(type)/\(id)")
                return now["status"]?.stringValue == status ? .found(try Self.answer(now)) : .notSent
            case .deliveries, .clock, .listFaults, .clearFaults: return .notSent
            default: return .uncertain("nothing tells whether emulator.\(action) took effect")
            }
        } catch {
            return .uncertain("looking it up failed too (\(error.text))")
        }
    }

    // MARK: looking

    struct Lookup: Error {
        var text: String
    }

    private func get(_ path: String, query: [QueryItem] = []) throws(Lookup) -> JSONValue {
        switch host.perform(FlowCall(call: APICall(method: "GET", path: path, query: query))) {
        case .success(.json(let bytes)):
            guard let doc = try? JSONValue(parsing: bytes) else { throw Lookup(text: "GET \(path) answered something that is not JSON") }
            return doc
        case .success: throw Lookup(text: "GET \(path) answered no JSON")
        case .failure(let failure): throw Lookup(text: JournaledEffects.text(failure))
        }
    }

    /// Every item of a list, bare array or `{meta, data}` pages.
    private func list(_ path: String, query: [QueryItem] = []) throws(Lookup) -> [JSONValue] {
        var items: [JSONValue] = []
        var after: String?
        for _ in 0..<100 {
            var q = query + [QueryItem("limit", "100")]
            if let after { q.append(QueryItem("after", after)) }
            let page = try get(path, query: q)
            if let array = page.arrayValue { return array }
            items += page["data"]?.arrayValue ?? []
            guard let next = page["meta"]?["next_cursor"]?.stringValue, !next.isEmpty else { return items }
            after = next
        }
        return items
    }

    private func claims(_ ids: [String]) throws(Lookup) -> [String: String] {
        do { return try store.claimed(ids) } catch { throw Lookup(text: error.description) }
    }

    /// The items no run of this store has.
    private func unclaimed(_ items: [JSONValue]) throws(Lookup) -> [JSONValue] {
        let owners = try claims(items.compactMap { $0["id"]?.stringValue })
        return items.filter { item in item["id"]?.stringValue.map { owners[$0] == nil } ?? false }
    }

    /// A found resource as the call's result.
    static func answer(_ value: JSONValue) throws(Lookup) -> Result<FlowResult, FlowFailure> {
        do { return .success(.json(try value.encoded())) } catch { throw Lookup(text: "\(error)") }
    }

    private func one(_ found: [JSONValue], _ what: String) throws(Lookup) -> Outcome {
        guard found.count <= 1 else { return .uncertain("there are \(found.count) \(what) that no run has") }
        guard let item = found.first else { return .notSent }
        return .found(try Self.answer(item))
    }

    // MARK: matching

    /// The request's fields: the JSON body, or the multipart fields with each file's name.
    static func fields(_ call: APICall) -> [String: JSONValue] {
        switch call.body {
        case .json(let bytes): return (try? JSONValue(parsing: bytes))?.objectValue ?? [:]
        case .multipart(let fields, let files):
            var out: [String: JSONValue] = [:]
            for (name, value) in fields { out[name] = .string(value) }
            if let file = files.first(where: { $0.field == "file" }) { out["filename"] = .string(file.filename) }
            return out
        case .none: return [:]
        }
    }

    /// Whether a listed resource agrees with every scalar the request set that the resource
    /// shows (nested objects such as a signer's `info` compared field by field).
    static func matches(_ resource: JSONValue, _ request: [String: JSONValue]) -> Bool {
        for (name, asked) in request {
            guard let shown = resource[name] else { continue }
            switch asked {
            case .object(let inner):
                if !matches(shown, inner) { return false }
            case .array, .null: continue
            default:
                if !same(asked, shown) { return false }
            }
        }
        return true
    }

    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if a == b { return true }
        // a multipart field is text: "1" asks for 1
        if let s = a.stringValue, let n = b.intValue { return s == "\(n)" }
        if let s = a.stringValue, let d = b.doubleValue { return Double(s) == d }
        if let n = a.intValue, let d = b.doubleValue { return Double(n) == d }
        return false
    }

    /// `identity_documents` → `identity_document_verification` (the session action's type).
    static func resourceType(_ parts: [String]) -> String {
        if parts[0] == "document_analyses" { return parts[1].hasSuffix("_document_analysis") ? parts[1] : parts[1] + "_document_analysis" }
        let singular = parts[1].hasSuffix("s") ? String(parts[1].dropLast()) : parts[1]
        return singular + "_verification"
    }
}
