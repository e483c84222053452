import Foundation
import LuaKit
import Testing
import YousignEmulator

@Suite("The yousign module on the in-process emulator")
struct YousignModuleTests {
    /// Runs `source` and fails the test with the script's error, if any.
    func run(_ source: String, on fixture: FlowFixture? = nil, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let fixture = try fixture ?? FlowFixture()
        let outcome = await runFlow(source, host: fixture.host)
        #expect(outcome.error == nil, "\(outcome.error?.message ?? "")\n\(outcome.error?.traceback ?? "")", sourceLocation: sourceLocation)
        return outcome.output
    }

    @Test("the seed guide's calls: lists, creates, gets, nested ids, uploads, activate, sign")
    func seedCallShapes() async throws {
        let out = try await run("""
            local templates = yousign.workflow_templates.list()
            assert(#templates.data == 3 and templates.data[1].name == "Customer onboarding")
            local s = yousign.workflow_sessions.create{ workflow_template_id = templates.data[1].id, name = "Onboarding of Kelly Smith" }
            assert(s.status == "awaiting" and #s.action_groups == 2, s.status)
            assert(yousign.workflow_sessions.get(s.id).name == "Onboarding of Kelly Smith")
            local v = yousign.verifications.identity_documents.create{ file = "verified_id_document_verification.pdf",
              first_name = "Kelly", last_name = "Smith", workflow_session_id = s.id }
            assert(v.status == "verified", v.status)
            local sr = yousign.signature_requests.create{ name = "Contract", delivery_mode = "none", workflow_session_id = s.id }
            local doc = yousign.signature_requests.documents.create(sr.id, { file = "contract.pdf", nature = "signable_document" })
            assert(doc.filename == "contract.pdf" and math.type(doc.total_pages) == "integer", tostring(doc.total_pages))
            local signer = yousign.signature_requests.signers.create(sr.id, {
              info = { first_name = "Kelly", last_name = "Smith", email = "kelly@example.com", locale = "en" },
              signature_level = "electronic_signature", signature_authentication_mode = "no_otp" })
            local field = yousign.signature_requests.documents.fields.create(sr.id, doc.id,
              { signer_id = signer.id, type = "signature", page = 1, x = 77, y = 581 })
            assert(field.type == "signature")
            assert(yousign.signature_requests.activate(sr.id).status == "ongoing")
            emulator.sign(sr.id, signer.id)
            assert(yousign.signature_requests.get(sr.id).status == "done")
            print(yousign.workflow_sessions.get(s.id).status)
            """)
        #expect(out == "done\n")
    }

    @Test("null becomes nil, integers stay integers, 204 is true, queries, raw requests")
    func resultsAndQueries() async throws {
        let out = try await run("""
            local sr = yousign.signature_requests.create{ name = "A", delivery_mode = "none" }
            assert(sr.workflow_session_id == nil and sr.external_id == nil)
            assert(rawget(sr, "workflow_session_id") == nil)
            assert(type(sr.signers) == "table" and #sr.signers == 0)
            assert(json.encode(sr.signers) == "[]")
            yousign.signature_requests.create{ name = "B", delivery_mode = "none" }
            local page = yousign.signature_requests.list{ limit = 1 }
            assert(#page.data == 1 and type(page.meta.next_cursor) == "string")
            local drafts = yousign.signature_requests.list{ status = { eq = "draft" }, limit = 100 }
            assert(#drafts.data == 2)
            assert(#yousign.signature_requests.list{ ["status[eq]"] = "done" }.data == 0)
            assert(yousign.signature_requests.delete(sr.id) == true)
            local raw = yousign.request{ method = "GET", path = "/workflow_templates", query = { limit = 2 } }
            assert(#raw.data == 2)
            local created = yousign.request{ method = "POST", path = "/v3/signature_requests", body = { name = "C", delivery_mode = "none" } }
            assert(created.name == "C" and created.status == "draft")
            print("ok")
            """)
        #expect(out == "ok\n")
    }

    @Test("downloads return the bytes, or write them where `to` says")
    func downloads() async throws {
        let fixture = try FlowFixture()
        let out = try await run("""
            local sr = yousign.signature_requests.create{ name = "A", delivery_mode = "none" }
            local doc = yousign.signature_requests.documents.create(sr.id, { file = "contract.pdf", nature = "signable_document" })
            local bytes = yousign.signature_requests.documents.download(sr.id, doc.id)
            assert(bytes:sub(1, 5) == "%PDF-", bytes:sub(1, 20))
            print(yousign.signature_requests.documents.download(sr.id, doc.id, { to = "copy.pdf" }))
            print(#bytes)
            """, on: fixture)
        let lines = out.split(separator: "\n")
        #expect(lines.first == "copy.pdf")
        let copy = try Data(contentsOf: URL(fileURLWithPath: fixture.folder + "/copy.pdf"))
        #expect(copy.count == Int(lines[1]) && copy.starts(with: Array("%PDF-".utf8)))
    }

    @Test("uploads: the sandbox's magic names from a path, a path renamed, or bytes")
    func magicNames() async throws {
        let out = try await run("""
            local function check(file)
              return yousign.verifications.identity_documents.create{ file = file, first_name = "Kelly", last_name = "Smith" }.status
            end
            print(check("verified_id_document_verification.pdf"))
            print(check({ path = "id_card.pdf", name = "failed_id_document_verification.pdf" }))
            print(check({ path = "id_card.pdf", name = "inconclusive_id_document_verification.pdf" }))
            print(check("id_card.pdf"))
            """)
        #expect(out == "verified\nfailed\ninconclusive\nfailed\n")
    }

    @Test("bytes as a file: { name, content }")
    func contentUpload() async throws {
        let out = try await run("""
            local sr = yousign.signature_requests.create{ name = "A", delivery_mode = "none" }
            local doc = yousign.signature_requests.documents.create(sr.id, { file = "contract.pdf", nature = "signable_document" })
            local pdf = yousign.signature_requests.documents.download(sr.id, doc.id)
            local v = yousign.verifications.identity_documents.create{
              file = { name = "verified_id_document_verification.pdf", content = pdf, content_type = "application/pdf" },
              first_name = "Kelly", last_name = "Smith" }
            print(v.status)
            """)
        #expect(out == "verified\n")
    }

    @Test("pagination: `each` follows next_cursor over 250 items, 100 a page")
    func pagination() async throws {
        let out = try await run("""
            for i = 1, 250 do yousign.signature_requests.create{ name = "SR " .. i, delivery_mode = "none" } end
            local n, seen = 0, {}
            for sr in yousign.signature_requests.each{ limit = 100 } do
              n = n + 1
              assert(not seen[sr.id], "an item came twice")
              seen[sr.id] = true
            end
            local drafts = 0
            for _ in yousign.signature_requests.each{ ["status[eq]"] = "draft", limit = 7 } do drafts = drafts + 1 end
            local none = 0
            for _ in yousign.signature_requests.each{ ["status[eq]"] = "done" } do none = none + 1 end
            print(n, drafts, none)
            """)
        #expect(out == "250\t250\t0\n")
    }

    @Test("API errors raise a table with a readable __tostring; the uncaught message names the script line")
    func apiErrors() async throws {
        let out = try await run("""
            local ok, e = pcall(yousign.workflow_sessions.create, { name = "no template" })
            assert(not ok and yousign.is_error(e))
            print(e.status, e.type, e.method, e.path)
            print(e.invalid_params[1].name)
            print(tostring(e):match("^POST /v3/workflow_sessions: 400 validation.error") ~= nil)
            local ok2, e2 = pcall(yousign.signature_requests.get, "00000000-0000-4000-8000-00000000ffff")
            print(e2.status, e2.type)
            """)
        let lines = out.split(separator: "\n").map(String.init)
        #expect(lines[0] == "400\tvalidation.error\tPOST\t/v3/workflow_sessions")
        #expect(lines[1] == "workflow_template_id")
        #expect(lines[2] == "true")
        #expect(lines[3] == "404\tresource.not_found")

        let fixture = try FlowFixture()
        let outcome = await runFlow("local x = 1\nyousign.signature_requests.get('00000000-0000-4000-8000-00000000ffff')\n", host: fixture.host)
        #expect(outcome.error?.message == "flow.lua:2: GET /v3/signature_requests/00000000-0000-4000-8000-00000000ffff: 404 resource.not_found: The signature request was not found.")
    }

    @Test("argument mistakes are Lua errors at the caller's line, with the usage")
    func argumentErrors() async throws {
        let fixture = try FlowFixture()
        let cases: [(String, String)] = [
            ("yousign.workflow_sessions.get()", "flow.lua:1: bad argument #1 to 'yousign.workflow_sessions.get' (workflow_session_id expected, got no value) (usage: yousign.workflow_sessions.get(workflow_session_id))"),
            ("yousign.workflow_sessions.get('a', {}, 3)", "flow.lua:1: too many arguments to 'yousign.workflow_sessions.get': it takes 1 id (usage: yousign.workflow_sessions.get(workflow_session_id))"),
            ("yousign.signature_requests.list(1)", "flow.lua:1: bad argument #1 to 'yousign.signature_requests.list' (table expected, got number) (usage: yousign.signature_requests.list({...}))"),
            ("yousign.workflow_sessions.create('x')", "flow.lua:1: bad argument #1 to 'yousign.workflow_sessions.create' (table expected, got string) (usage: yousign.workflow_sessions.create({...}))"),
            ("yousign.signature_requests.get('a/b')", "flow.lua:1: signature_requests.get: signature_request_id must be an id, got 'a/b'"),
            ("yousign.signature_requests.create{ name = function() end }", "flow.lua:1: yousign.signature_requests.create: the body cannot be sent as JSON: cannot encode a function value at $.name"),
            ("yousign.verifications.identity_documents.create{ file = '../secret.pdf' }", "flow.lua:1: yousign.verifications.identity_documents.create: file: '../secret.pdf': paths may not contain '..'; name the file from the current folder"),
            ("yousign.verifications.identity_documents.create{ file = 'missing.pdf' }", "flow.lua:1: yousign.verifications.identity_documents.create: file: 'missing.pdf': no such file"),
        ]
        for (code, message) in cases {
            let outcome = await runFlow(code, host: fixture.host)
            #expect(outcome.error?.message == message, "\(code)")
        }
    }

    @Test("the emulator's clock is the flow's: os.time, emulator.advance, and waits that take no real time")
    func clockAndWait() async throws {
        let fixture = try FlowFixture(verificationDelay: 120)
        let started = Date()
        let out = try await run("""
            local t0 = os.time()
            -- the same clock: equal but for the time between the two reads (seconds when the
            -- test machine is loaded), never the hour the advance below adds
            assert(math.abs(t0 - emulator.now()) <= 10)
            emulator.advance(3600)
            assert(os.time() - t0 >= 3600, os.time() - t0)
            local v = yousign.verifications.identity_documents.create{ file = "verified_id_document_verification.pdf",
              first_name = "Kelly", last_name = "Smith" }
            assert(v.status == "pending", v.status)
            local t1 = os.time()
            local done = yousign.wait(function() return yousign.verifications.identity_documents.get(v.id) end,
                                      function(x) return x.status ~= "pending" end, { timeout = "10m", interval = "30s" })
            print(done.status, os.time() - t1 >= 120)
            local ok, err = pcall(yousign.wait, function() return { status = "pending" } end,
                                  function(x) return false end, { timeout = "2m", interval = "20s" })
            print(ok, err:match("timed out after 2m %(%d+ checks%); last seen: status pending") ~= nil)
            """, on: fixture)
        #expect(out == "verified\ttrue\nfalse\ttrue\n")
        #expect(Date().timeIntervalSince(started) < 60, "the waits moved the emulator's clock (they would take 120 s and more of real time)")
    }

    @Test("yousign.wait's errors name the script's line")
    func waitErrorLocation() async throws {
        let out = try await run("""
            local ok, err = pcall(function()
              yousign.wait(function() return { status = "pending" } end, function() return false end, { timeout = "1m" })
            end)
            print(err:match("^flow.lua:%d+: yousign.wait: timed out") or err)
            ok, err = pcall(function()
              yousign.wait(function() end, function() end, { timeout = "forever" })
            end)
            print(err:match("^flow.lua:%d+:") or err)
            """)
        #expect(out == "flow.lua:2: yousign.wait: timed out\nflow.lua:6:\n")
    }

    @Test("the embedded emulator's rate limit: the client waits (on the emulator's clock) and every call succeeds")
    func rateLimited() async throws {
        let fixture = try FlowFixture(rateLimit: .sandbox)
        let out = try await run("""
            local t0 = emulator.now()
            for i = 1, 45 do yousign.workflow_templates.list() end
            print(emulator.now() - t0 >= 1)
            """, on: fixture)
        #expect(out == "true\n")
    }

    @Test("os.date follows the flow clock; math.random is seeded by the host")
    func dateAndRandom() async throws {
        let out = try await run("""
            local before = os.date("!%Y", os.time())
            emulator.advance(400 * 86400)
            print(tonumber(os.date("!%Y")) > tonumber(before), math.random(1, 10) >= 1)
            """)
        #expect(out == "true\ttrue\n")
    }

    @Test("the control surface from Lua: complete a pending verification, the delivery log, reset")
    func controlSurface() async throws {
        let out = try await run("""
            local v = yousign.verifications.identity_documents.create{
              file = { path = "id_card.pdf", name = "pending_id_document_verification.pdf" }, first_name = "Kelly", last_name = "Smith" }
            assert(v.status == "pending", v.status)
            emulator.complete("identity_documents", v.id, "failed", { "IDDV_1706" })
            local done = yousign.verifications.identity_documents.get(v.id)
            print(done.status, done.status_codes[1])
            local hook = yousign.webhooks.create{ endpoint = "https://hooks.example.com/yousign", description = "CRM", sandbox = true,
              subscribed_events = { "signature_request.activated" }, scopes = { "public_api" }, auto_retry = true, enabled = true }
            local sr = yousign.signature_requests.create{ name = "A", delivery_mode = "none" }
            local doc = yousign.signature_requests.documents.create(sr.id, { file = "contract.pdf", nature = "signable_document" })
            local signer = yousign.signature_requests.signers.create(sr.id, {
              info = { first_name = "Kelly", last_name = "Smith", email = "kelly@example.com", locale = "en" },
              signature_level = "electronic_signature", signature_authentication_mode = "no_otp" })
            yousign.signature_requests.documents.fields.create(sr.id, doc.id, { signer_id = signer.id, type = "signature", page = 1, x = 77, y = 581 })
            yousign.signature_requests.activate(sr.id)
            local log = emulator.deliveries()
            local events = {}
            for _, d in ipairs(log.data or log) do events[#events + 1] = d.event_name end
            print(hook.id ~= nil, table.concat(events, ","))
            emulator.reset()
            print(#yousign.signature_requests.list().data)
            local ok, e = pcall(emulator.complete, "identity_documents", "00000000-0000-4000-8000-00000000ffff", "verified")
            print(ok, e.status)
            """)
        #expect(out == "failed\tIDDV_1706\ntrue\tsignature_request.activated\n0\nfalse\t404\n")
    }

    @Test("a field the API sent as null reads as nil and prints as null, in inspect and json.encode")
    func remembersNulls() async throws {
        let fixture = try FlowFixture()
        let outcome = await runFlow(#"""
            local inspect = require("inspect")
            local sr = yousign.signature_requests.create{ name = "Contract", delivery_mode = "none" }
            local shown = inspect(sr, { width = 4000 })
            print(sr.external_id == nil, sr.external_id and "truthy" or "falsy")
            print(shown:match("external_id = null") or shown)
            print(json.encode(sr):match('"external_id":null') or "missing")
            sr.external_id = "crm-1"
            print(inspect(sr, { width = 4000 }):match('external_id = "crm%-1"') or "not set")
            """#, host: fixture.host)
        #expect(outcome.error == nil, "\(String(describing: outcome.error))")
        #expect(outcome.output == "true\tfalsy\nexternal_id = null\n\"external_id\":null\nexternal_id = \"crm-1\"\n")
    }
}
