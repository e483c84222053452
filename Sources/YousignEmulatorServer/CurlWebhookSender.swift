import Foundation
import YousignEmulator

/// Delivers webhooks over real HTTP(S) for `onboard serve` (API.md §7.3) by running curl: one
/// POST, the whole exchange bounded by the dispatcher's timeout (1 s first, 10 s on retries),
/// at most two redirects, each re-sending the same signed POST [I].
///
/// Why not URLSession: FoundationNetworking links libcurl and its ~30 libraries into `onboard`,
/// which costs every `onboard run` about 5 ms of start-up (docs/benchmarks.md, e.); a curl
/// process per delivery costs a few ms only when a webhook is sent.
///
/// The endpoint and headers go to curl in a private config file, not on its command line (where
/// `ps` would show a receiver's token), and errors never quote the endpoint.
public struct CurlWebhookSender: WebhookSender {
    /// More than this many redirects fails the delivery (§7.3).
    static let maxRedirects = 2

    public let curl: String

    /// `curl` from PATH (Debian's curl package; scripts/bootstrap installs it).
    public init(curl: String? = nil) {
        self.curl = curl ?? Self.find() ?? "/usr/bin/curl"
    }

    /// Whether deliveries can run at all, for a warning at start-up.
    public var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: curl) }

    public func send(url: String, headers: [(String, String)], body: [UInt8], timeout: TimeInterval) async throws -> Int {
        guard let scheme = URL(string: url)?.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            throw WebhookDeliveryError.invalidEndpoint
        }
        guard isAvailable else { throw WebhookDeliveryError.network("curl is not installed") }
        let config = try PrivateFile(Self.config(url: url, headers: headers, timeout: timeout))
        defer { config.remove() }
        let (status, output) = try await run(["--config", config.path, "--data-binary", "@-"], stdin: body,
                                             killAfter: timeout + 5)
        switch status {
        case 0:
            guard let code = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)), code > 0 else {
                throw WebhookDeliveryError.network("no HTTP response")
            }
            return code
        case 28: throw WebhookDeliveryError.timeout
        case 47: throw WebhookDeliveryError.tooManyRedirects
        default: throw WebhookDeliveryError.network(Self.reason(curlExit: status))
        }
    }

    /// curl's options as a config file (`--config`): quoted values, `\` and `"` escaped.
    static func config(url: String, headers: [(String, String)], timeout: TimeInterval) -> String {
        var lines = [
            "url = \(quoted(url))",
            "silent", "show-error",
            "output = \"/dev/null\"",
            "write-out = \"%{http_code}\"",
            "max-time = \(String(format: "%.3f", max(0.001, timeout)))",
            "proto = \"=http,https\"", "proto-redir = \"=http,https\"",
            "location", "max-redirs = \(maxRedirects)", "post301", "post302", "post303",
            // loopback receivers are never reached through a proxy from the environment
            "noproxy = \"localhost,127.0.0.1,::1\"",
            // no `Expect: 100-continue` round trip on large bodies
            "header = \"Expect:\"",
        ]
        for (name, value) in headers { lines.append("header = \(quoted("\(name): \(value)"))") }
        return lines.joined(separator: "\n") + "\n"
    }

    static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    /// What a curl exit status means, in words (`man curl`, EXIT CODES).
    static func reason(curlExit status: Int32) -> String {
        switch status {
        case 5, 6: "host not found"
        case 7: "connection refused"
        case 35, 51, 53, 54, 58, 59, 60, 77, 80, 83, 90, 91: "TLS handshake failed"
        case 52: "empty reply"
        case 55, 56: "connection lost"
        default: "network error (curl exit \(status))"
        }
    }

    /// Runs curl, feeding `stdin`, and returns its exit status and standard output. A curl that
    /// outlives `killAfter` seconds (its own --max-time failed) is killed.
    private func run(_ arguments: [String], stdin: [UInt8], killAfter: TimeInterval) async throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: curl)
        process.arguments = arguments
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        return try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { p in
                let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                continuation.resume(returning: (p.terminationStatus, text))
            }
            do { try process.run() } catch {
                continuation.resume(throwing: WebhookDeliveryError.network("cannot run curl"))
                return
            }
            let pid = process.processIdentifier
            DispatchQueue.global().asyncAfter(deadline: .now() + killAfter) {
                if process.isRunning { kill(pid, SIGKILL) }
            }
            // a receiver that hangs up early makes this write fail; curl's status says why
            try? input.fileHandleForWriting.write(contentsOf: Data(stdin))
            try? input.fileHandleForWriting.close()
        }
    }

    static func find() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/curl" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// Why a delivery failed. The dispatcher treats a description containing "timeout" as a
/// timeout, which earns one retry even without `auto_retry`; no other description says "time".
public enum WebhookDeliveryError: Error, CustomStringConvertible, Equatable {
    case invalidEndpoint
    case timeout
    case tooManyRedirects
    case network(String)

    public var description: String {
        switch self {
        case .invalidEndpoint: "the endpoint is not an http(s) URL"
        case .timeout: "timeout"
        case .tooManyRedirects: "more than \(CurlWebhookSender.maxRedirects) redirects"
        case .network(let what): what
        }
    }
}

/// A temporary file only its owner can read, for what must not appear on a command line.
struct PrivateFile {
    let path: String

    init(_ text: String) throws {
        path = NSTemporaryDirectory() + "onboard-webhook-\(UUID().uuidString).curlrc"
        // created 0600 from the start: no moment where another user could read it
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw WebhookDeliveryError.network("cannot write a temporary file") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard write(fd, bytes, bytes.count) == bytes.count else {
            remove()
            throw WebhookDeliveryError.network("cannot write a temporary file")
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
