import Foundation
import JSONCodec
import YousignWire

/// Followers (§6.3): POST takes and returns a bare array; GET answers `{"data": […]}` (no
/// `meta`). Adding needs a draft [I, §6.2]; a follower's link appears once the request is
/// activated [I].
extension SignatureRequestRoutes {
    static let maxFollowers = 100

    static func registerFollowers(_ r: inout Router) {
        r.post("\(base)/followers", addFollowers)
        r.get("\(base)/followers") { c in
            let (id, sr) = try SignatureRequestStore.load(c)
            let followers = try SignatureRequestStore.followers(c.db, id).map { followerView($0, sr) }
            return Responses.json(200, .object(["data": .array(followers)]))
        }
    }

    static func addFollowers(_ c: inout RequestContext) throws -> WireResponse {
        let (id, sr) = try SignatureRequestStore.load(c)
        try SignatureRequestStore.requireDraft(sr, "Adding followers")
        guard c.isJSON else { throw APIError.unsupportedMediaType("application/json") }
        let parsed: JSONValue
        do { parsed = try JSONValue(parsing: c.request.body) } catch {
            throw APIError.badRequest("parameters_not_valid", "The request body is not valid JSON.")
        }
        guard case .array(let items) = parsed else {
            throw APIError.badRequest("parameters_not_valid", "The request body must be a JSON array of followers.")
        }
        var problems: [APIError.InvalidParam] = []
        var added: [JSONObject] = []
        for (i, item) in items.enumerated() {
            guard case .object(let o) = item else { problems.append(.init(name: "[\(i)]", reason: "This value should be of type object.")); continue }
            var reader = BodyReader(o, prefix: "[\(i)]")
            let email = reader.string("email", required: true, max: 100, format: .email)
            let locale = reader.enumeration("locale", SignatureRequestRecipients.locales, required: true)
            reader.rejectUnknown(["email", "locale"])
            problems += reader.problems
            if let email, let locale { added.append(["email": .string(email), "locale": .string(locale), "follower_link": .null]) }
        }
        if items.isEmpty { problems.append(.init(name: "[]", reason: "At least one follower is required.")) }
        if !problems.isEmpty { throw APIError.validation(problems) }
        let existing = try SignatureRequestStore.followers(c.db, id)
        guard existing.count + added.count <= maxFollowers else {
            throw APIError.badRequest("follower.limit_reached", "A signature request holds at most \(maxFollowers) followers.") // [I] type
        }
        for var f in added {
            f["id"] = .string(c.newID())
            try c.db.insertResource(.follower, id: f.recordID, parent: id, body: f)
        }
        return Responses.json(201, .array(added.map { followerView($0, sr) }))
    }

    static func followerView(_ follower: JSONObject, _ sr: JSONObject) -> JSONValue {
        var f = follower
        if SignatureRequestStore.status(sr) != .draft, f["follower_link"] == .null || f["follower_link"] == nil, let id = f["id"]?.stringValue {
            f["follower_link"] = .string("https://yousign.app/followers/\(sr.recordID)?f=\(id)")
        }
        return SignatureRequestRender.follower(f)
    }
}
