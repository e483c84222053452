import ArgumentParser
import OnboardRuntime

/// `onboard sandbox-worker`: the process a script runs in, started by `onboard run` itself
/// (hidden).
struct SandboxWorker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: WorkerSupervisor.command,
        abstract: "Run one script for a parent onboard process (internal).", shouldDisplay: false)

    func run() throws {
        WorkerProcess.main()
    }
}
