import ArgumentParser
import Foundation
import Logging
import LuaKit
import OnboardRuns
import OnboardRuntime
import OnboardWorker
import YousignWire

/// `onboard worker`: the long-running side. Receives each client's webhooks, starts their
/// flows on events and schedules, parks waiting runs in the store and wakes them.
struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the clients' automations: receive webhooks, start flows on events and schedules, park and wake waiting runs.",
        discussion: """
            Reads the clients of --config ([clients.NAME] with [[clients.NAME.on]] triggers and \
            [[clients.NAME.every]] schedules) and serves, on --listen:
              POST /webhooks/yousign/NAME   the URL to give Yousign for client NAME
              GET  /healthz                 200 once the store is open, 503 while draining
              GET  /metrics                 Prometheus text
            A webhook is verified (X-Yousign-Signature-256 with the client's webhook_secret_env), \
            stored, then answered; it is processed from the store, once per event_id. Every run \
            the worker starts is a durable run of its client (`onboard runs list --client NAME`). \
            A run that waits (yousign.wait, yousign.wait_for_event) is parked: no process is held \
            while it waits, and it is resumed by replay when its event arrives or its next poll \
            or timeout is due.

            SIGTERM or SIGINT: no new work is taken, running runs stop at their next step, and the \
            worker exits 0 within --shutdown-timeout; what did not finish resumes at the next \
            start, as do runs a crash interrupted. One worker per SQLite store (docs/worker.md).

            Exit codes: 0 stopped by a signal, 1 could not start, 2 usage or configuration error.
            """
    )

    @Option(help: ArgumentHelp("The configuration file with the clients.", valueName: "file"))
    var config = "onboard.toml"

    @OptionGroup(title: "Runs") var store: RunStoreOptions

    @Option(help: ArgumentHelp("Address and port to serve webhooks, health and metrics on (port 0 picks a free one).", valueName: "host:port"))
    var listen = "127.0.0.1:8700"

    @Option(help: ArgumentHelp("Runs at once (default: the largest client concurrency, else 4).", valueName: "n"))
    var concurrency: Int?

    @Option(name: .customLong("log-format"), help: ArgumentHelp("Log lines on standard output: text or json.", valueName: "format"))
    var logFormat: WorkerLog.Format = .text

    @Option(name: .customLong("shutdown-timeout"),
            help: ArgumentHelp("How long running runs get to reach their next step on SIGTERM before they are stopped.", valueName: "duration"))
    var shutdownTimeout = "30s"

    @Flag(help: "Run flows in this process instead of sandbox worker processes (for debugging and measuring).")
    var noWorker = false

    @OptionGroup var limitOptions: LimitOptions

    func validate() throws {
        guard Self.address(listen) != nil else {
            throw ValidationError("--listen must be host:port, like 127.0.0.1:8700 or [::1]:8700, not '\(listen)'")
        }
        if let concurrency, !(1...256).contains(concurrency) { throw ValidationError("--concurrency must be between 1 and 256, not \(concurrency)") }
        guard let timeout = try? LuaLimits.parseDuration(shutdownTimeout), timeout >= .zero else {
            throw ValidationError("--shutdown-timeout: '\(shutdownTimeout)' is not a duration like 10s or 2m")
        }
        try limitOptions.validate()
    }

    static func address(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        func usage(_ message: String) -> ExitCode {
            Diagnostics.error(message)
            return ExitCode(ExitStatus.usage)
        }
        let loaded: OnboardConfig
        do { loaded = try OnboardConfig.load(path: config, required: true) } catch {
            throw usage("\(error.description) (the worker runs the clients of a configuration file: --config FILE)")
        }
        guard !loaded.clients.isEmpty else {
            throw usage("\(config) has no [clients.NAME] table; the worker runs clients' automations (docs/worker.md)")
        }
        let limits = try limitOptions.limits()
        let runStore = try store.openOrExit()
        var lock: WorkerLock?
        if runStore.location != "in memory" {
            do { lock = try WorkerLock.acquire(storePath: runStore.location) } catch {
                Diagnostics.error(error.description)
                throw ExitCode(ExitStatus.scriptError)
            }
        }
        defer { withExtendedLifetime(lock) {} }

        let folder = URL(fileURLWithPath: (config as NSString).deletingLastPathComponent.isEmpty ? "." : (config as NSString).deletingLastPathComponent)
            .standardizedFileURL.path
        var clients: [String: WorkerClient] = [:]
        var secrets: [String: [UInt8]] = [:]
        var prepared: [PreparedBackend] = []
        for name in loaded.clients.keys.sorted() {
            let client = loaded.clients[name]!
            if let variable = client.webhookSecretEnv {
                guard let secret = environment[variable], !secret.isEmpty else {
                    throw usage("\(client.location("webhook_secret_env")): client '\(name)': webhook_secret_env names \(variable), which is not set; export \(variable) with the secret_key of the client's Yousign webhook subscription")
                }
                secrets[name] = Array(secret.utf8)
            }
            let backend: BackendOptions
            do { backend = try BackendOptions.parse(["--config", config, "--client", name]) } catch {
                throw usage("client '\(name)': \(error)")
            }
            let ready: PreparedBackend
            let noGrants = try PermissionOptions.parse([])
            do { ready = try backend.prepare(permissions: noGrants, store: runStore, environment: environment) } catch {
                throw usage(error.description)
            }
            prepared.append(ready)
            clients[name] = WorkerClient(config: client, host: ready.host, folder: folder)
        }
        let concurrency = concurrency ?? loaded.clients.values.compactMap(\.concurrency).max() ?? 4
        let log = WorkerLog.make(logFormat)
        let pool = noWorker ? nil : WorkerPool(size: concurrency)
        defer { pool?.shutdown() }
        let engine = AutomationWorker(store: runStore, clients: clients,
                                      settings: .init(concurrency: concurrency, limits: limits), executor: pool ?? InProcessExecutor(),
                                      log: log)
        let (host, port) = Self.address(listen)!
        let served = clients, webhookClients = Set(secrets.keys)
        let server = WorkerServer(worker: engine, intake: WebhookIntake(store: runStore, secrets: secrets), host: host, port: port, log: log)
        let timeout = Double((try? LuaLimits.parseDuration(shutdownTimeout))?.components.seconds ?? 30)
        engine.start()
        let described = clients.values.sorted { $0.name < $1.name }.map { c in
            "\(c.name) (\(c.config.triggers.count) trigger\(c.config.triggers.count == 1 ? "" : "s"), \(c.config.schedules.count) schedule\(c.config.schedules.count == 1 ? "" : "s"))"
        }
        do {
            try waitFor {
                try await server.run(onListening: { bound in
                    let base = "http://\(host.contains(":") ? "[\(host)]" : host):\(bound)"
                    log.info("onboard worker listening on \(base) (store \(runStore.location), \(concurrency) at once)")
                    for c in served.values.sorted(by: { $0.name < $1.name }) {
                        let url = !webhookClients.contains(c.name) ? "no webhooks (no webhook_secret_env)" : "webhooks at \(base)/webhooks/yousign/\(c.name)"
                        log.info("client \(c.name): \(url); \(c.host.backendSummary)")
                    }
                    log.info("clients: \(described.joined(separator: ", "))")
                }, onStopping: {
                    log.info("stopping: no new work is taken; running runs stop at their next step (up to \(timeout) s)")
                })
            }
        } catch {
            Diagnostics.error("cannot serve on \(listen): \(error)")
            engine.shutdown(timeout: 0)
            throw ExitCode(ExitStatus.scriptError)
        }
        let clean = engine.shutdown(timeout: timeout)
        for p in prepared { _ = p }
        log.info(clean ? "stopped; every run reached a step, and what did not finish resumes at the next start" : "stopped after \(timeout) s; unfinished runs resume at the next start")
    }
}

extension WorkerLog.Format: ExpressibleByArgument {}
