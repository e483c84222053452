import ArgumentParser
import Foundation
import OnboardRuns

/// Where runs and their journals are kept: `--runs FILE`, else $ONBOARD_RUNS, else
/// `.onboard/runs.sqlite`.
struct RunStoreOptions: ParsableArguments {
    static let defaultPath = ".onboard/runs.sqlite"

    @Option(name: .customLong("runs"),
            help: ArgumentHelp("The run store (default $ONBOARD_RUNS, else .onboard/runs.sqlite).", valueName: "file"))
    var runs: String?

    /// The store's file; nil for one in memory (`onboard run --ephemeral` without --runs).
    func path(ephemeral: Bool = false, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let runs { return runs }
        if ephemeral { return nil }
        if let path = environment["ONBOARD_RUNS"], !path.isEmpty { return path }
        return Self.defaultPath
    }

    /// Opens it, or says why not on standard error and exits with the usage status.
    func openOrExit(ephemeral: Bool = false) throws -> RunStore {
        do { return try RunStore.open(path: path(ephemeral: ephemeral)) } catch {
            Diagnostics.error(error.description)
            throw ExitCode(ExitStatus.usage)
        }
    }

    /// `--runs FILE` for the commands a message suggests, when the store is not the default.
    func suggestion(_ store: RunStore) -> String {
        store.location == Self.defaultPath || store.location == "in memory" ? "" : " --runs \(store.location)"
    }
}
