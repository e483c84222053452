import Foundation
import JSONCodec
import YousignWire

/// Applicants of a workflow session (§4.5): created `initiated`, `notified` once their portal
/// link is generated (`GET …/links`, which fires `applicant.notified`), `processed` when every
/// verification started for them is final (`applicant.processed`).
enum ApplicantRoutes {
    static func register(_ r: inout Router) {
        r.get("/v3/workflow_sessions/{workflowSessionId}/applicants") { c in
            let session = try sessionID(c)
            var items = try c.db.resources(.applicant, parent: session)
            if let status = c.request.queryValue("status") {
                guard ApplicantStatus(rawValue: status) != nil else {
                    throw APIError.validation("status", "Value must be in [\"initiated\", \"notified\", \"processed\"].")
                }
                items = items.filter { $0.body["status"]?.stringValue == status }
            }
            return Responses.json(200, try Pagination.page(items, c, render: listItem))
        }
        r.post("/v3/workflow_sessions/{workflowSessionId}/applicants") { c in
            let session = try sessionID(c)
            var body = BodyReader(try c.jsonBody())
            let type = body.enumeration("type", ["natural_person", "legal_person"], required: true)
            let label = body.string("label", required: true, max: 255)
            let reference = body.string("reference_id", max: 255)
            let person = readPerson(&body, type: type)
            body.rejectUnknown(["type", "label", "reference_id", type == "legal_person" ? "legal_person" : "natural_person"])
            try body.check()
            let id = c.newID()
            var applicant: JSONObject = [
                "id": .string(id), "workflow_session_id": .string(session), "status": ApplicantStatus.initiated.json, "label": .string(label!),
                "reference_id": reference.map(JSONValue.string) ?? .null, "created_at": .string(c.timestamp),
                "updated_at": .string(c.timestamp), "type": .string(type!),
            ]
            applicant[type!] = person
            try c.db.insertResource(.applicant, id: id, parent: session, body: applicant)
            return Responses.json(201, publicBody(applicant))
        }
        r.get("/v3/workflow_sessions/{workflowSessionId}/applicants/{applicantId}") { c in
            Responses.json(200, publicBody(try applicant(c)))
        }
        r.patch("/v3/workflow_sessions/{workflowSessionId}/applicants/{applicantId}") { c in
            var a = try applicant(c)
            let type = a["type"]?.stringValue ?? "natural_person"
            var body = BodyReader(try c.jsonBody())
            let label = body.string("label", max: 255)
            let reference = body.string("reference_id", max: 255)
            let person: JSONValue? = body.has(type) ? readPerson(&body, type: type) : nil
            body.rejectUnknown(["label", "reference_id", type])
            try body.check()
            if let label { a["label"] = .string(label) }
            if body.has("reference_id") { a["reference_id"] = reference.map(JSONValue.string) ?? .null }
            if let person, case .object(let new) = person, case .object(var old) = a[type] ?? .null {
                for (k, v) in new where body[type]?[k] != nil { old[k] = v }
                a[type] = .object(old)
            }
            a["updated_at"] = .string(c.timestamp)
            try c.db.saveResource(.applicant, a["id"]!.stringValue!, a)
            return Responses.json(200, publicBody(a))
        }
        r.add("GET", "/v3/workflow_sessions/{workflowSessionId}/links", readOnly: false) { c in
            let session = try sessionID(c)
            var links: [JSONValue] = []
            for (_, var a) in try c.db.resources(.applicant, parent: session) {
                guard let id = a["id"]?.stringValue else { continue }
                if a.status(ApplicantStatus.self) == .initiated {
                    a.setStatus(ApplicantStatus.notified)
                    a["updated_at"] = .string(c.timestamp)
                    try c.db.saveResource(.applicant, id, a)
                    c.emit("applicant.notified", workspace: nil, ["applicant": publicBody(a)])
                }
                guard case .object(var item) = listItem(a) else { continue }
                item["workflow_session_link_url"] = .string("https://emulator.yousign.invalid/workflow_sessions/\(session)/applicants/\(id)")
                item["workflow_session_link_expires_at"] = .string(Timestamp.string(c.now.addingTimeInterval(48 * 3600)))
                links.append(.object(item))
            }
            return Responses.json(200, .object(["applicants": .array(links)]))
        }
    }

    static func sessionID(_ c: RequestContext) throws -> String {
        let id = try c.id("workflowSessionId", "workflow session")
        guard try c.db.resource(.session, id) != nil else { throw APIError.notFound("workflow session") }
        return id
    }

    static func applicant(_ c: RequestContext) throws -> JSONObject {
        let session = try sessionID(c)
        let id = try c.id("applicantId", "applicant")
        guard let a = try c.db.resource(.applicant, id), a["workflow_session_id"]?.stringValue == session else {
            throw APIError.notFound("applicant")
        }
        return a
    }

    static func listItem(_ a: JSONObject) -> JSONValue {
        .object(a.filter { ["id", "workflow_session_id", "status", "label", "reference_id", "created_at", "updated_at", "type"].contains($0.key) })
    }

    /// The `natural_person` or `legal_person` object, validated, with every key present.
    static func readPerson(_ body: inout BodyReader, type: String?) -> JSONValue {
        guard let type else { return .null }
        var person = body.object(type)
        defer { body.merge(person) }
        func identity(_ r: inout BodyReader) -> JSONValue {
            .object(["first_name": r.string("first_name", required: true, max: 255).map(JSONValue.string) ?? .null,
                     "last_name": r.string("last_name", required: true, max: 255).map(JSONValue.string) ?? .null])
        }
        func bank(_ p: inout BodyReader?) -> JSONValue {
            guard var b = p?.object("bank_account") else { return .null }
            defer { p?.merge(b) }
            return .object(["iban": b.string("iban", required: true, max: 34, pattern: #"^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$"#).map(JSONValue.string) ?? .null,
                            "bic": b.string("bic", max: 11).map(JSONValue.string) ?? .null])
        }
        if type == "natural_person" {
            var id = person?.object("identity")
            var address = person?.object("address")
            let identityValue: JSONValue = id != nil ? identity(&id!) : .null
            var addressValue: JSONValue = .null
            if address != nil {
                addressValue = .object([
                    "line1": address!.string("line1", required: true, max: 500).map(JSONValue.string) ?? .null,
                    "line2": address!.string("line2", max: 500).map(JSONValue.string) ?? .null,
                    "postal_code": address!.string("postal_code", required: true, max: 10).map(JSONValue.string) ?? .null,
                    "city": address!.string("city", required: true, max: 200).map(JSONValue.string) ?? .null,
                ])
            }
            person?.merge(id)
            person?.merge(address)
            return .object(["identity": identityValue, "address": addressValue, "bank_account": bank(&person)])
        }
        let company = person?.string("company_name", max: 255)
        let country = person?.enumeration("country_code", ["FR"])
        var representatives: [JSONValue] = []
        for (i, rep) in (person?.array("legal_representatives") ?? []).enumerated() {
            var r = BodyReader(rep.objectValue ?? [:], prefix: "\(type)[legal_representatives][\(i)]")
            representatives.append(identity(&r))
            person?.merge(r)
        }
        return .object(["company_name": company.map(JSONValue.string) ?? .null, "country_code": country.map(JSONValue.string) ?? .null,
                        "bank_account": bank(&person), "legal_representatives": .array(representatives)])
    }
}
