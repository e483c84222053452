import Foundation
import JSONCodec
import Testing
@testable import YousignEmulator

/// The list endpoint (§2.4, §2.5) and the envelopes that differ per endpoint (§10.6).
@Suite("Signature request lists and envelopes")
struct SignatureRequestListTests {
    @Test("250 requests in pages of 100: three pages, next_cursor null on the last, nothing repeated")
    func pagination() async throws {
        let api = try TestAPI()
        for i in 0..<250 {
            let r = try await api.post("/v3/signature_requests", .object(["name": .string("Request \(i)"), "delivery_mode": "email"]))
            #expect(r.status == 201)
        }
        var seen: [String] = []
        var target = "/v3/signature_requests?limit=100"
        var pages = 0
        while true {
            let page = try await api.get(target)
            #expect(page.status == 200, "\(page)")
            pages += 1
            seen += page["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            guard let cursor = page["meta"]?["next_cursor"]?.stringValue else {
                #expect(page["meta"]?["next_cursor"] == .null)
                #expect(page["data"]?.arrayValue?.count == 50)
                break
            }
            #expect(page["data"]?.arrayValue?.count == 100)
            target = "/v3/signature_requests?limit=100&after=\(cursor)"
        }
        #expect(pages == 3)
        #expect(seen.count == 250 && Set(seen).count == 250)
        let defaultLimit = try await api.get("/v3/signature_requests")
        #expect(defaultLimit["data"]?.arrayValue?.count == 100)
        for bad in ["limit=0", "limit=101", "after=!!"] {
            #expect(try await api.get("/v3/signature_requests?\(bad)").status == 400)
        }
    }

    @Test("filters: status, dates, external_id, workspace_id, q, source (default public_api), label.name")
    func filters() async throws {
        let api = try TestAPI()
        let a = try await api.post("/v3/signature_requests", .object(["name": "Loan agreement", "delivery_mode": "none", "external_id": "loan-1"]))
        let b = try await api.post("/v3/signature_requests", .object(["name": "Lease", "delivery_mode": "none",
                                                                      "workspace_id": .string(Fixtures.businessWorkspaceID)]))
        try await api.advance(seconds: 2 * 86_400)
        let (c, _) = try await api.readyRequest(name: "Loan annex")
        _ = try await api.post("/v3/signature_requests/\(c)/activate")
        func ids(_ query: String) async throws -> [String] {
            let r = try await api.get("/v3/signature_requests?\(query)")
            #expect(r.status == 200, "\(query): \(r)")
            return r["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        }
        #expect(try await ids("") == [a.id, b.id, c])
        #expect(try await ids("status[eq]=ongoing") == [c])
        #expect(try await ids("status[in]=draft,ongoing") == [a.id, b.id, c])
        #expect(try await ids("created_at[eq]=2026-01-01") == [a.id, b.id])
        #expect(try await ids("created_at[after]=2026-01-02") == [c])
        #expect(try await ids("created_at[before]=2026-01-01").isEmpty)
        #expect(try await ids("created_at[between]=2026-01-02,2026-01-03") == [c])
        #expect(try await ids("activated_at[eq]=2026-01-03") == [c])
        #expect(try await ids("completed_at[before]=2030-01-01").isEmpty)
        #expect(try await ids("external_id[eq]=loan-1") == [a.id])
        #expect(try await ids("workspace_id[eq]=\(Fixtures.businessWorkspaceID)") == [b.id])
        #expect(try await ids("q=loan") == [a.id, c])
        #expect(try await ids("source[eq]=public_api&q=lease") == [b.id])
        #expect(try await ids("source[in]=app,connector_zapier_api").isEmpty)
        #expect(try await ids("label.name[eq]=vip").isEmpty)
        for bad in ["status[gt]=draft", "colour[eq]=blue", "created_at[eq]=yesterday", "created_at[between]=2026-01-01"] {
            let r = try await api.get("/v3/signature_requests?\(bad)")
            #expect(r.status == 400, "\(bad)")
            #expect(r["type"] == "validation.error")
        }
    }

    @Test("list items are SignatureRequestInList: no e-mail settings and no decline/rejection details")
    func listItemShape() async throws {
        let api = try TestAPI()
        let created = try await api.post("/v3/signature_requests", .object(["name": "Shape", "delivery_mode": "none"]))
        #expect(created["email_notification"] == .object(["sender": .object(["type": "organization", "custom_name": .null]), "custom_note": .null]))
        #expect(created["decline_information"] == .null)
        let item = try await api.get("/v3/signature_requests")["data"]?[0]?.objectValue ?? [:]
        #expect(item["email_notification"] == nil && item["decline_information"] == nil && item["rejection_information"] == nil)
        #expect(item["id"] == .string(created.id) && item["status"] == "draft" && item["expiration_date"] != nil)
        #expect(item.keys.filter { $0.hasPrefix("_") }.isEmpty)
    }

    @Test("envelopes: bare arrays for signers and documents, {data} for followers, {meta,data} for fields")
    func envelopes() async throws {
        let api = try TestAPI()
        let (sr, signer) = try await api.readyRequest()
        let base = "/v3/signature_requests/\(sr)"
        let signers = try await api.get("\(base)/signers")
        #expect(signers.json.arrayValue?.compactMap { $0["id"]?.stringValue } == [signer])
        let documents = try await api.get("\(base)/documents")
        #expect(documents.json.arrayValue?.count == 1)
        let followers = try await api.post("\(base)/followers", .array([
            .object(["email": "boss@example.com", "locale": "fr"]), .object(["email": "legal@example.com", "locale": "en"])]))
        #expect(followers.status == 201, "\(followers)")
        #expect(followers.json == .array([
            .object(["email": "boss@example.com", "locale": "fr", "follower_link": .null]),
            .object(["email": "legal@example.com", "locale": "en", "follower_link": .null])]))
        let listed = try await api.get("\(base)/followers")
        #expect(listed.json.objectValue?.keys.sorted() == ["data"])
        #expect(listed["data"]?.arrayValue?.count == 2)
        let badFollowers = try await api.post("\(base)/followers", .object(["email": "x@example.com", "locale": "en"]))
        #expect(badFollowers.status == 400)
        let invalid = try await api.post("\(base)/followers", .array([.object(["email": "nope", "locale": "fr"])]))
        #expect(invalid["invalid_params"]?[0]?["name"] == "[0][email]")
        let doc = documents.json[0]?["id"]?.stringValue ?? ""
        let fields = try await api.get("\(base)/documents/\(doc)/fields")
        #expect(fields["meta"]?["next_cursor"] == .null)
        #expect(fields["data"]?.arrayValue?.count == 1)
        _ = try await api.post("\(base)/activate")
        let linked = try await api.get("\(base)/followers")
        #expect(linked["data"]?[0]?["follower_link"]?.stringValue?.hasPrefix("https://") == true)
    }
}
