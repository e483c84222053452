import JSONCodec
import LuaKit
import YousignAPI
import YousignWire

/// Turns the Lua arguments of an operation (path arguments, then one table) into an `APICall`:
/// the table is the JSON body for operations with a body (multipart when a file is given to
/// an operation that takes one), the query otherwise.
struct CallBuilder {
    struct Failure: Error {
        let message: String
    }

    let args: LuaArguments
    let operation: Operation

    var name: String { "yousign." + operation.luaName }

    func build() throws -> FlowCall {
        let pathCount = operation.pathParameters.count
        var pathArguments: [String] = []
        for (i, parameter) in operation.pathParameters.enumerated() {
            let position = i + 1
            switch args.type(position) {
            case "string": pathArguments.append(try args.string(position))
            case "number": pathArguments.append(String(try args.integer(position)))
            default:
                throw Failure(message: "bad argument #\(position) to '\(name)' (\(Operation.snakeCase(parameter)) expected, got \(args.type(position)))\(usage)")
            }
        }
        let paramsIndex = 1 + pathCount
        if args.count > paramsIndex + 1 {
            let ids = pathCount == 0 ? "" : "\(pathCount) id\(pathCount == 1 ? "" : "s")"
            let takes = takesTable ? (ids.isEmpty ? "one table" : ids + " and one table") : (ids.isEmpty ? "no arguments" : ids)
            throw Failure(message: "too many arguments to '\(name)': it takes \(takes)\(usage)")
        }
        var params: LuaTable?
        switch args.type(paramsIndex) {
        case "nil", "no value": params = nil
        case "table":
            guard case .table(let t) = try args.value(paramsIndex) else { params = nil; break }
            params = t
        default:
            throw Failure(message: "bad argument #\(paramsIndex) to '\(name)' (table expected, got \(args.type(paramsIndex)))\(usage)")
        }
        var saveTo: String?
        if operation.response == .binary, let table = params, case .string(let to) = table["to"] {
            saveTo = to.lossyText
            params?.fields.removeValue(forKey: .string("to"))
        }
        let takesBody = !operation.bodyTypes.isEmpty && operation.bodyTypes != [.none]
        var body = RequestBody.none
        var query: [QueryItem] = []
        var pending: [PendingFile] = []
        if takesBody {
            let multipart = operation.bodyTypes.contains(.multipart)
            let json = operation.bodyTypes.contains(.json)
            if multipart, let table = params, !json || hasFiles(table) {
                (body, pending) = try multipartBody(table)
            } else if json {
                if params != nil, saveTo == nil {
                    do { body = .json(try LuaJSON.encodeArgument(args, paramsIndex)) } catch {
                        throw Failure(message: "\(name): the body cannot be sent as JSON: \(error.message)")
                    }
                } else if let table = params {
                    body = .json(try Self.jsonBytes(.table(table), name))
                } else if !operation.bodyTypes.contains(.none) {
                    body = .json(Array("{}".utf8))
                }
            } else if let table = params {
                (body, pending) = try multipartBody(table)
            }
        } else if let table = params {
            query = try Self.query(table, name)
        }
        let call: APICall
        do { call = try operation.call(pathArguments: pathArguments, query: query, body: body) } catch {
            throw Failure(message: error.description)
        }
        return FlowCall(call: call, pendingFiles: pending, saveTo: saveTo)
    }

    /// `(usage: yousign.x.get(signature_request_id))`, for argument errors; `{...}` only for an
    /// operation that takes a table (a body, query parameters, or a download's `{ to = ... }`).
    var usage: String {
        let names = operation.pathParameters.map(Operation.snakeCase) + (takesTable ? ["{...}"] : [])
        return " (usage: \(name)(\(names.joined(separator: ", "))))"
    }

    var takesTable: Bool {
        operation.bodyTypes.contains { $0 != .none } || !operation.queryParameters.isEmpty || operation.response == .binary
    }

    // MARK: files

    func hasFiles(_ table: LuaTable) -> Bool {
        table.fields.contains { key, value in
            guard case .string(let k) = key else { return false }
            return isFile(field: k.lossyText, value)
        }
    }

    func isFile(field: String, _ value: LuaValue) -> Bool {
        switch value {
        case .string: operation.fileFields.contains(field)
        case .table(let t): t["content"] != .nil || t["path"] != .nil
        default: false
        }
    }

    /// The multipart body: fields with bracket keys, files given as bytes, and files named by
    /// path (read later by the host, under its grants).
    func multipartBody(_ table: LuaTable) throws -> (RequestBody, [PendingFile]) {
        var rest = table
        var parts: [FilePart] = []
        var pending: [PendingFile] = []
        for (key, value) in table.fields {
            guard case .string(let k) = key, isFile(field: k.lossyText, value) else { continue }
            switch try file(field: k.lossyText, value) {
            case .inline(let part): parts.append(part)
            case .path(let file): pending.append(file)
            }
            rest.fields[key] = nil
        }
        parts.sort { $0.field < $1.field }
        pending.sort { $0.field < $1.field }
        let fields = Multipart.fields(try Self.json(.table(rest), name, at: "$"))
        return (.multipart(fields: fields, files: parts), pending)
    }

    enum FileValue {
        case inline(FilePart)
        case path(PendingFile)
    }

    /// A file field: a path (the server sees its base name), `{ path =, name = }`, or
    /// `{ name =, content =, content_type = }`.
    func file(field: String, _ value: LuaValue) throws -> FileValue {
        switch value {
        case .string(let path):
            let p = path.lossyText
            return .path(PendingFile(field: field, path: p, filename: FileAccess.baseName(p), contentType: nil))
        case .table(let t):
            let contentType: String? = if case .string(let s) = t["content_type"] { s.lossyText } else { nil }
            if case .string(let content) = t["content"] {
                guard case .string(let fileName) = t["name"] else {
                    throw Failure(message: "\(name): file field '\(field)' needs a name (the name the server sees) with its content")
                }
                return .inline(FilePart(field: field, filename: fileName.lossyText, contentType: contentType, content: content.bytes))
            }
            if case .string(let path) = t["path"] {
                let p = path.lossyText
                let fileName: String = if case .string(let n) = t["name"] { n.lossyText } else { FileAccess.baseName(p) }
                return .path(PendingFile(field: field, path: p, filename: fileName, contentType: contentType))
            }
            throw Failure(message: "\(name): file field '\(field)' must be a path or { name = ..., content = ... }")
        default:
            throw Failure(message: "\(name): file field '\(field)' must be a path or { name = ..., content = ... }")
        }
    }

    // MARK: raw requests

    /// host.request(method, path, query, body): `yousign.request{...}`.
    static func raw(_ args: LuaArguments) throws -> FlowCall {
        let name = "yousign.request"
        guard args.type(0) == "string", args.type(1) == "string" else {
            throw Failure(message: "\(name): give { method = \"GET\", path = \"/workflow_sessions\", query = {...}, body = {...} }")
        }
        let method = try args.string(0).uppercased()
        guard ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(method) else {
            throw Failure(message: "\(name): method must be GET, POST, PUT, PATCH or DELETE, got '\(method)'")
        }
        var path = try args.string(1)
        if !path.hasPrefix("/") { path = "/" + path }
        if path != "/v3" && !path.hasPrefix("/v3/") { path = "/v3" + path }
        guard !path.contains("?"), !path.contains("#"), !path.split(separator: "/").contains("..") else {
            throw Failure(message: "\(name): path must be an API path like /workflow_sessions/ID (put the query in `query`)")
        }
        var query: [QueryItem] = []
        var saveTo: String?
        if case .table(var t) = try args.value(2) {
            if case .string(let to) = t["to"] { saveTo = to.lossyText; t.fields.removeValue(forKey: .string("to")) }
            query = try Self.query(t, name)
        }
        var body = RequestBody.none
        if args.type(3) == "table" {
            do { body = .json(try LuaJSON.encodeArgument(args, 3)) } catch {
                throw Failure(message: "\(name): the body cannot be sent as JSON: \(error.message)")
            }
        } else if args.type(3) == "string" {
            body = .json(try args.bytes(3))
        }
        return FlowCall(call: APICall(method: method, path: path, query: query, body: body), saveTo: saveTo)
    }

    // MARK: values

    /// Query items: `{ limit = 10, ["status[eq]"] = "done", created_at = { before = "2025-01-01" }, status = { ["in"] = {"a","b"} } }`.
    static func query(_ table: LuaTable, _ name: String) throws -> [QueryItem] {
        var items: [QueryItem] = []
        for (key, value) in table.fields {
            guard case .string(let k) = key else { throw Failure(message: "\(name): query keys must be strings") }
            items += try queryItems(k.lossyText, value, name)
        }
        if !table.array.isEmpty { throw Failure(message: "\(name): the query must be a table of named values") }
        return items.sorted { $0.name < $1.name }
    }

    static func queryItems(_ key: String, _ value: LuaValue, _ name: String) throws -> [QueryItem] {
        switch value {
        case .table(let t) where !t.array.isEmpty && t.fields.isEmpty:
            return [QueryItem(key, try t.array.map { try scalar($0, key, name) }.joined(separator: ","))]
        case .table(let t):
            var items: [QueryItem] = []
            for (k, v) in t.fields {
                guard case .string(let sub) = k else { throw Failure(message: "\(name): query '\(key)' has a non-string key") }
                items += try queryItems("\(key)[\(sub.lossyText)]", v, name)
            }
            return items
        default:
            return [QueryItem(key, try scalar(value, key, name))]
        }
    }

    static func scalar(_ value: LuaValue, _ key: String, _ name: String) throws -> String {
        switch value {
        case .string(let s): return s.lossyText
        case .integer(let i): return String(i)
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .boolean(let b): return b ? "true" : "false"
        default: throw Failure(message: "\(name): query '\(key)' must be a string, number or boolean, got \(value.typeName)")
        }
    }

    static func jsonBytes(_ value: LuaValue, _ name: String) throws -> [UInt8] {
        do { return try json(value, name, at: "$").encoded() } catch let failure as Failure { throw failure } catch {
            throw Failure(message: "\(name): \(error)")
        }
    }

    /// A Lua value as JSON (tables with only 1..n keys are arrays; json.null is null).
    static func json(_ value: LuaValue, _ name: String, at path: String) throws -> JSONValue {
        switch value {
        case .nil, .lightUserdata(nil): return .null
        case .boolean(let b): return .bool(b)
        case .integer(let i): return .integer(i)
        case .number(let d):
            guard d.isFinite else { throw Failure(message: "\(name): \(path) is not a finite number") }
            return .double(d)
        case .string(let s):
            guard let text = s.text else { throw Failure(message: "\(name): \(path) is not valid UTF-8 text") }
            return .string(text)
        case .table(let t):
            if t.fields.isEmpty && !t.array.isEmpty {
                return .array(try t.array.enumerated().map { try json($1, name, at: "\(path)[\($0 + 1)]") })
            }
            var members: [String: JSONValue] = [:]
            for (k, v) in t.fields {
                guard case .string(let key) = k, let text = key.text else {
                    throw Failure(message: "\(name): \(path) mixes named and numbered keys, or has a non-string key")
                }
                members[text] = try json(v, name, at: "\(path).\(text)")
            }
            guard t.array.isEmpty else { throw Failure(message: "\(name): \(path) mixes named and numbered keys") }
            return .object(members)
        default:
            throw Failure(message: "\(name): \(path) is a \(value.typeName), which JSON cannot hold")
        }
    }
}
