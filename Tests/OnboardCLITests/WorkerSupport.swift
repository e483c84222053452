import Crypto
import Foundation
import OnboardRuns
import Testing
import YousignWire

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An `onboard worker` process: started, its port read from its log, its log kept.
final class WorkerDaemon {
    let process = Process()
    let port: Int
    private let out = LogBox()
    private let reader: Thread

    final class LogBox: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func append(_ d: Data) { lock.withLock { data.append(d) } }
        var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }
    }

    init(_ arguments: [String], in directory: URL, environment: [String: String]) throws {
        process.executableURL = CLI.binary
        process.arguments = ["worker"] + arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("YOUSIGN_") }.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let box = out
        reader = Thread {
            while true {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { return }
                box.append(chunk)
            }
        }
        reader.start()
        let deadline = Date().addingTimeInterval(30)
        var found: Int?
        while found == nil && Date() < deadline && process.isRunning {
            if let m = out.text.firstMatch(of: #/listening on http://127\.0\.0\.1:(\d+) /#) { found = Int(m.1) }
            else { Thread.sleep(forTimeInterval: 0.02) }
        }
        guard let found else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            throw ServeStartError(banner: out.text)
        }
        port = found
    }

    var pid: Int32 { process.processIdentifier }
    var log: String { out.text }
    var url: String { "http://127.0.0.1:\(port)" }

    /// Sends `signal` and waits for the exit: status and seconds taken.
    func stop(_ signal: Int32) -> (status: Int32, seconds: Double) {
        let started = Date()
        kill(pid, signal)
        process.waitUntilExit()
        return (process.terminationStatus, Date().timeIntervalSince(started))
    }

    deinit {
        if process.isRunning {
            kill(pid, SIGKILL)
            process.waitUntilExit()
        }
    }
}

enum Webhook {
    static let secret = "abcdefghijklmnopqrstuvwxyz012345"

    static func sign(_ body: [UInt8], secret: String = Webhook.secret) -> String {
        "sha256=" + HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8))).map { String(format: "%02x", $0) }.joined()
    }

    static func event(_ name: String, id: String = UUID().uuidString.lowercased(), object: String = "sr-1") -> [UInt8] {
        Array(#"{"event_id":"\#(id)","event_name":"\#(name)","event_time":"1670855889","sandbox":true,"data":{"signature_request":{"id":"\#(object)","status":"done"}}}"#.utf8)
    }

    /// POSTs a delivery as Yousign does; the answer's status and body.
    static func post(port: Int, client: String, body: [UInt8], signature: String?) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/webhooks/yousign/\(client)")!, timeoutInterval: 20)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Yousign Webhook Bot", forHTTPHeaderField: "User-Agent")
        if let signature { request.setValue(signature, forHTTPHeaderField: WebhookSignature.header) }
        request.httpBody = Data(body)
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    static func get(port: Int, _ path: String) async throws -> (Int, String) {
        let session = URLSession(configuration: .ephemeral)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(from: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }
}

/// The `onboard sandbox-worker` processes whose parent is `pid`, from /proc.
func sandboxChildren(of pid: Int32) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap(Int32.init).filter { child in
        guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 2, Int32(fields[1]) == pid else { return false }
        let cmdline = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(child)/cmdline"))) ?? Data()
        return String(decoding: cmdline, as: UTF8.self).contains("sandbox-worker")
    }
}

/// Polls until `condition` holds or `seconds` pass (on a thread of its own: never blocks
/// Swift's pool); whether it held.
func eventually(_ seconds: Double, _ condition: @escaping @Sendable () throws -> Bool) async -> Bool {
    await withCheckedContinuation { (c: CheckedContinuation<Bool, Never>) in
        Thread {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if (try? condition()) == true { return c.resume(returning: true) }
                Thread.sleep(forTimeInterval: 0.05)
            }
            c.resume(returning: (try? condition()) == true)
        }.start()
    }
}

/// A folder with an onboard.toml of one client `acme` and flows, for worker tests.
func workerFolder(_ clientLines: String, flows: [String: String]) throws -> TempFolder {
    var files = flows
    files["onboard.toml"] = "[clients.acme]\nwebhook_secret_env = \"ACME_WEBHOOK_SECRET\"\n" + clientLines
    return try TempFolder(text: files)
}
