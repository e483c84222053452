import ArgumentParser
import Foundation
import JSONCodec
import OnboardRuntime
import OnboardWorker
import YousignAPI

/// `onboard listen --forward-to URL`: the emulator's webhooks, forwarded to a local receiver
/// (an `onboard worker`), one line per event; as `stripe listen --forward-to` does.
struct Listen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Forward the emulator's webhooks to a local URL (an onboard worker), printing one line per event.",
        discussion: """
            Subscribes to every event of the emulator (`onboard serve` with --emulator URL, or \
            the embedded state), receives each delivery on a local port and forwards it, body \
            and X-Yousign-* headers unchanged, to --forward-to; the emulator gets the target's \
            answer (and retries as Yousign would). The subscription's secret_key is the client's \
            webhook secret (its webhook_secret_env, with --client) or the variable --secret-env \
            names, so the receiver verifies the signature; it is never printed. Ctrl-C removes \
            the subscription.

              onboard listen --client acme --forward-to http://127.0.0.1:8700/webhooks/yousign/acme
            """
    )

    @OptionGroup(title: "Backend") var backend: BackendOptions

    @Option(name: .customLong("forward-to"), help: ArgumentHelp("Where to forward each delivery.", valueName: "url"))
    var forwardTo: String

    @Option(help: ArgumentHelp("The local port deliveries come to (0 picks a free one).", valueName: "port"))
    var port = 0

    @Option(help: ArgumentHelp("Only these events (comma-separated; default every event).", valueName: "names"))
    var events: String?

    @Flag(help: "One JSON object a line instead of text.")
    var json = false

    @Option(name: .customLong("secret-env"),
            help: ArgumentHelp("The variable holding the subscription's secret_key (default: the client's webhook_secret_env).", valueName: "name"))
    var secretEnv: String?

    func validate() throws {
        guard let url = URL(string: forwardTo), let scheme = url.scheme, scheme == "http" || scheme == "https", url.host != nil else {
            throw ValidationError("--forward-to must be an http(s) URL, like http://127.0.0.1:8700/webhooks/yousign/acme")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        try backend.validateChoice()
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let prepared = try backend.prepareOrExit(permissions: try PermissionOptions.parse([]))
        guard prepared.host.hasEmulator else {
            Diagnostics.error("onboard listen subscribes to an emulator's webhooks, and this backend is \(prepared.host.backendSummary); on Yousign, give the worker's public URL as the subscription's endpoint (docs/worker.md)")
            throw ExitCode(ExitStatus.usage)
        }
        let choice = try? BackendChoice.resolve(backend.flags, environment: environment)
        guard let variable = secretEnv ?? choice?.client?.webhookSecretEnv else {
            Diagnostics.error("onboard listen signs what it forwards with the receiver's secret: give --client NAME (a client with webhook_secret_env) or --secret-env VARIABLE")
            throw ExitCode(ExitStatus.usage)
        }
        guard let secret = environment[variable], secret.count == 32 else {
            Diagnostics.error("\(variable) must hold the subscription's secret_key, exactly 32 characters (Yousign's rule, which the emulator keeps)\(environment[variable] == nil ? "; it is not set" : "")")
            throw ExitCode(ExitStatus.usage)
        }
        let names = events.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? ["*"]
        let json = self.json
        let forwarder = WebhookForwarder(target: URL(string: forwardTo)!, port: port) { d in
            let line: String
            if json {
                var o: [String: JSONValue] = ["event_name": .string(d.eventName), "event_id": .string(d.eventID), "ms": .double((d.milliseconds * 10).rounded() / 10)]
                o["status"] = d.status.map { .integer(Int64($0)) } ?? .null
                if let e = d.error { o["error"] = .string(e) }
                if let r = d.retry { o["retry"] = .string(r) }
                line = (try? JSONValue.object(o).encoded()).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            } else {
                let when = Date().formatted(.iso8601.time(includingFractionalSeconds: false))
                let outcome = d.status.map { "\($0)" } ?? "unreachable"
                line = "\(when)  \(d.eventName)  \(d.eventID)  -> \(outcome)" + (d.retry.map { $0 == "0" ? "" : "  (retry \($0))" } ?? "")
                    + (d.error.map { "  \($0)" } ?? "")
            }
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
        let host = prepared.host, target = forwardTo
        let subscription = LockedSlot<String?>(nil)
        let ticker = prepared.embedded.map { embedded in EmbeddedTicker(embedded) }
        do {
            try waitFor {
                try await forwarder.run { bound in
                    let body: JSONValue = [
                        "endpoint": .string("http://127.0.0.1:\(bound)/"), "description": "onboard listen", "sandbox": true,
                        "subscribed_events": .array(names.map { .string($0) }), "scopes": ["*"], "auto_retry": true, "enabled": true,
                        "secret_key": .string(secret),
                    ]
                    let call = APICall(method: "POST", path: "/v3/webhooks", body: .json(Array((try? body.encoded()) ?? [])))
                    switch host.perform(FlowCall(call: call)) {
                    case .success(.json(let bytes)):
                        let id = (try? JSONValue(parsing: bytes))?["id"]?.stringValue
                        subscription.withLock { $0 = id }
                        let text = "Forwarding the webhooks of \(host.backendSummary) to \(target) (subscription \(id ?? "?"), signed with $\(variable)); Ctrl-C to stop\n"
                        FileHandle.standardError.write(Data(text.utf8))
                        ticker?.start()
                    case .failure(let failure):
                        Diagnostics.error("cannot subscribe to the emulator's webhooks: \(JournaledEffectsText.text(failure))")
                        kill(getpid(), SIGTERM)
                    default: break
                    }
                }
            }
        } catch {
            Diagnostics.error("cannot listen on 127.0.0.1:\(port): \(error)")
            throw ExitCode(ExitStatus.scriptError)
        }
        ticker?.stop()
        if let id = subscription.withLock({ $0 }) {
            _ = host.perform(FlowCall(call: APICall(method: "DELETE", path: "/v3/webhooks/\(id)")))
        }
    }
}

/// Delivers the embedded emulator's webhooks while `onboard listen` runs (as `onboard serve`
/// does every second): runs and REPLs that use the same state queue them.
final class EmbeddedTicker: @unchecked Sendable {
    private let embedded: LazyEmbeddedEmulator
    private let done = DispatchSemaphore(value: 0)

    init(_ embedded: LazyEmbeddedEmulator) { self.embedded = embedded }

    func start() {
        let thread = Thread { [embedded, done] in
            while done.wait(timeout: .now() + 0.5) == .timedOut {
                guard let emulator = try? embedded.get() else { continue }
                try? waitFor { await emulator.tick() }
            }
        }
        thread.start()
    }

    func stop() { done.signal() }
}

/// A value behind a lock, for closures that outlive the scope.
final class LockedSlot<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: T
    init(_ value: T) { self.value = value }
    func withLock<R>(_ body: (inout T) -> R) -> R { lock.withLock { body(&value) } }
}

/// A failure's words, for messages.
enum JournaledEffectsText {
    static func text(_ failure: FlowFailure) -> String {
        switch failure {
        case .message(let m): m
        case .api(let e): e.description
        }
    }
}
