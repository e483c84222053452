// The baseline of the HTTP benchmark (scripts/bench/run): a bare Hummingbird route that answers
// GET /v3/workflow_sessions/{id} with a fixed workflow session of the size the emulator returns,
// on the same HTTP server setup as `onboard serve` (HTTP/1.1, one `Application`, the default
// event loop group). What `onboard serve` adds on top of this is the emulator: auth, routing,
// the SQLite transaction, the session roll-up and JSON.
//
//   emulator-bench [PORT]    prints `listening on PORT` once bound; SIGTERM or SIGINT stops it
import Foundation
import Hummingbird
import Logging

let body = ByteBuffer(string: """
    {"action_groups":[{"actions":[],"status":"awaiting","type":"identity_verification"},\
    {"actions":[],"status":"awaiting","type":"signature_request"}],"created_at":"2026-01-01T00:00:00+00:00",\
    "id":"00000000-0000-4000-8000-000000000001","name":"Onboarding of Kelly Smith","status":"awaiting",\
    "updated_at":"2026-01-01T00:00:00+00:00","workflow_template_id":"7e3b1f00-0000-4000-8000-00000000c0b0",\
    "workspace_id":"5a1d0c1e-0000-4000-8000-00000000d3f0"}
    """)

let router = Router()
router.get("/v3/workflow_sessions/{id}") { _, _ in
    Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: body))
}

var logger = Logger(label: "emulator-bench")
logger.logLevel = .warning
let port = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 0 : 0
let app = Application(
    router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
    onServerRunning: { channel in
        FileHandle.standardOutput.write(Data("listening on \(channel.localAddress?.port ?? port)\n".utf8))
    },
    logger: logger)
try await app.runService()
