import ArgumentParser
import OnboardRuntime

/// `onboard worker`: the process a script runs in, started by `onboard run` itself (hidden).
struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run one script for a parent onboard process (internal).", shouldDisplay: false)

    func run() throws {
        WorkerProcess.main()
    }
}
