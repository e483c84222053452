import JSONCodec
import YousignAPI
import YousignWire

/// How the values of `FlowEffects` cross the pipe: a JSON header and a blob.
enum WorkerMessages {
    // MARK: calls

    static func encode(_ flowCall: FlowCall) -> (JSONValue, [UInt8]) {
        let call = flowCall.call
        var header: [String: JSONValue] = [
            "op": WorkerOp.perform.json, "method": .string(call.method), "path": .string(call.path),
            "query": .array(call.query.map { .array([.string($0.name), .string($0.value)]) }),
        ]
        var blob: [UInt8] = []
        switch call.body {
        case .none: header["body"] = "none"
        case .json(let bytes):
            header["body"] = "json"
            blob = bytes
        case .multipart(let fields, let files):
            header["body"] = "multipart"
            header["fields"] = .array(fields.map { .array([.string($0.0), .string($0.1)]) })
            header["files"] = .array(files.map {
                .object(["field": .string($0.field), "filename": .string($0.filename), "content_type": .string($0.contentType),
                         "length": .integer(Int64($0.content.count))])
            })
            for file in files { blob += file.content }
        }
        header["pending"] = .array(flowCall.pendingFiles.map {
            var p: [String: JSONValue] = ["field": .string($0.field), "path": .string($0.path), "filename": .string($0.filename)]
            if let type = $0.contentType { p["content_type"] = .string(type) }
            return .object(p)
        })
        if let saveTo = flowCall.saveTo { header["save_to"] = .string(saveTo) }
        return (.object(header), blob)
    }

    static func decodeCall(_ h: JSONValue, _ blob: [UInt8]) throws(WorkerWire.Failure) -> FlowCall {
        guard let method = h["method"]?.stringValue, let path = h["path"]?.stringValue else { throw bad("call") }
        let query = (h["query"]?.arrayValue ?? []).compactMap { pair -> QueryItem? in
            guard let n = pair[0]?.stringValue, let v = pair[1]?.stringValue else { return nil }
            return QueryItem(n, v)
        }
        var body = RequestBody.none
        switch h["body"]?.stringValue {
        case "json": body = .json(blob)
        case "multipart":
            let fields = (h["fields"]?.arrayValue ?? []).compactMap { pair -> (String, String)? in
                guard let n = pair[0]?.stringValue, let v = pair[1]?.stringValue else { return nil }
                return (n, v)
            }
            var files: [FilePart] = []
            var offset = 0
            for f in h["files"]?.arrayValue ?? [] {
                guard let field = f["field"]?.stringValue, let name = f["filename"]?.stringValue,
                      let length = f["length"]?.intValue, length >= 0, offset + Int(length) <= blob.count else { throw bad("file") }
                files.append(FilePart(field: field, filename: name, contentType: f["content_type"]?.stringValue,
                                      content: Array(blob[offset..<offset + Int(length)])))
                offset += Int(length)
            }
            body = .multipart(fields: fields, files: files)
        default: break
        }
        let pending = try (h["pending"]?.arrayValue ?? []).map { p throws(WorkerWire.Failure) -> PendingFile in
            guard let field = p["field"]?.stringValue, let path = p["path"]?.stringValue, let name = p["filename"]?.stringValue else {
                throw bad("pending file")
            }
            return PendingFile(field: field, path: path, filename: name, contentType: p["content_type"]?.stringValue)
        }
        return FlowCall(call: APICall(method: method, path: path, query: query, body: body), pendingFiles: pending,
                        saveTo: h["save_to"]?.stringValue)
    }

    // MARK: results

    static func encode(_ outcome: Result<FlowResult, FlowFailure>) -> (JSONValue, [UInt8]) {
        switch outcome {
        case .success(.json(let bytes)): return (["ok": true, "kind": "json"], bytes)
        case .success(.empty): return (["ok": true, "kind": "empty"], [])
        case .success(.bytes(let bytes)): return (["ok": true, "kind": "bytes"], bytes)
        case .success(.saved(let path)): return (["ok": true, "kind": "saved", "path": .string(path)], [])
        case .failure(.message(let message)): return (["ok": false, "message": .string(message)], [])
        case .failure(.api(let e)):
            var error: [String: JSONValue] = [
                "type": .string(e.type), "detail": .string(e.detail), "method": .string(e.method), "path": .string(e.path),
                "invalid_params": .array(e.invalidParams.map { .array([.string($0.name), .string($0.reason)]) }),
            ]
            if let status = e.status { error["status"] = .integer(Int64(status)) }
            if let retryAfter = e.retryAfter { error["retry_after"] = .double(retryAfter) }
            return (["ok": false, "api": .object(error)], [])
        }
    }

    static func decodeResult(_ h: JSONValue, _ blob: [UInt8]) throws(WorkerWire.Failure) -> Result<FlowResult, FlowFailure> {
        if h["ok"]?.boolValue == true {
            switch h["kind"]?.stringValue {
            case "json": return .success(.json(blob))
            case "empty": return .success(.empty)
            case "bytes": return .success(.bytes(blob))
            case "saved": return .success(.saved(h["path"]?.stringValue ?? ""))
            default: throw bad("result")
            }
        }
        if let message = h["message"]?.stringValue { return .failure(.message(message)) }
        guard let e = h["api"], let type = e["type"]?.stringValue else { throw bad("error") }
        let params = (e["invalid_params"]?.arrayValue ?? []).compactMap { pair -> YousignError.InvalidParam? in
            guard let n = pair[0]?.stringValue, let r = pair[1]?.stringValue else { return nil }
            return YousignError.InvalidParam(name: n, reason: r)
        }
        return .failure(.api(YousignError(
            status: e["status"]?.intValue.map { Int($0) }, type: type, detail: e["detail"]?.stringValue ?? "", invalidParams: params,
            method: e["method"]?.stringValue ?? "", path: e["path"]?.stringValue ?? "", retryAfter: e["retry_after"]?.doubleValue)))
    }

    // MARK: control actions

    static func encode(_ action: ControlAction) -> JSONValue {
        func s(_ v: String?) -> JSONValue { v.map { .string($0) } ?? .null }
        let (name, args): (String, [JSONValue]) = switch action {
        case .sign(let sr, let signer): ("sign", [s(sr), s(signer)])
        case .decline(let sr, let signer, let reason): ("decline", [s(sr), s(signer), s(reason)])
        case .approve(let sr, let approver): ("approve", [s(sr), s(approver)])
        case .reject(let sr, let approver, let reason): ("reject", [s(sr), s(approver), s(reason)])
        case .complete(let type, let id, let status, let codes):
            ("complete", [s(type), s(id), s(status), codes.map { .array($0.map { .string($0) }) } ?? .null])
        case .advance(let seconds): ("advance", [.double(seconds)])
        case .reset: ("reset", [])
        case .resetClock: ("reset_clock", [])
        case .deliveries: ("deliveries", [])
        case .clock: ("clock", [])
        case .faults(let rule): ("faults", [rule])
        case .listFaults: ("list_faults", [])
        case .clearFaults: ("clear_faults", [])
        case .addTemplate(let template): ("add_template", [template])
        }
        return .message(.control, ["action": .string(name), "args": .array(args)])
    }

    static func decodeAction(_ h: JSONValue) throws(WorkerWire.Failure) -> ControlAction {
        let a = h["args"]?.arrayValue ?? []
        func s(_ i: Int) throws(WorkerWire.Failure) -> String {
            guard i < a.count, let v = a[i].stringValue else { throw bad("control argument") }
            return v
        }
        func o(_ i: Int) -> String? { i < a.count ? a[i].stringValue : nil }
        switch h["action"]?.stringValue {
        case "sign": return .sign(signatureRequest: try s(0), signer: try s(1))
        case "decline": return .decline(signatureRequest: try s(0), signer: try s(1), reason: o(2))
        case "approve": return .approve(signatureRequest: try s(0), approver: try s(1))
        case "reject": return .reject(signatureRequest: try s(0), approver: try s(1), reason: o(2))
        case "complete":
            let codes = a.count > 3 ? a[3].arrayValue?.compactMap(\.stringValue) : nil
            return .complete(verificationType: try s(0), id: try s(1), status: try s(2), statusCodes: codes)
        case "advance":
            guard let seconds = a.first?.doubleValue ?? a.first?.intValue.map(Double.init) else { throw bad("seconds") }
            return .advance(seconds: seconds)
        case "reset": return .reset
        case "reset_clock": return .resetClock
        case "deliveries": return .deliveries
        case "clock": return .clock
        case "faults":
            guard let rule = a.first else { throw bad("fault rule") }
            return .faults(rule)
        case "list_faults": return .listFaults
        case "clear_faults": return .clearFaults
        case "add_template":
            guard let template = a.first else { throw bad("template") }
            return .addTemplate(template)
        default: throw bad("control action")
        }
    }

    static func bad(_ what: String) -> WorkerWire.Failure { WorkerWire.Failure(description: "a malformed \(what) message") }
}
