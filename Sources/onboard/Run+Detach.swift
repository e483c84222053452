import ArgumentParser
import Foundation
import OnboardRuns
import OnboardRuntime

extension Run {
    /// `onboard run --client NAME --detach FLOW ARGS...`: the run is made in the store, due at
    /// once, for `onboard worker` to run (with the client's backend and grants, its waits
    /// parked); the command prints the run's id and returns.
    func detach(runStore: RunStore) throws {
        func usage(_ message: String) -> ExitCode {
            Diagnostics.error(message)
            return ExitCode(ExitStatus.usage)
        }
        guard let client = backend.client else {
            throw usage("--detach hands the run to `onboard worker`, which runs clients' flows: name the client with --client NAME")
        }
        guard let file, file != "-", execute.isEmpty else {
            throw usage("--detach needs a flow file (the worker reads it again on every resume): not - or -e")
        }
        let choice: BackendChoice
        do { choice = try BackendChoice.resolve(backend.flags, environment: ProcessInfo.processInfo.environment) } catch {
            throw usage(error.description)
        }
        let flow: ScriptSource
        do { flow = try .file(file) } catch { throw usage(error.description) }
        let folder = FileManager.default.currentDirectoryPath
        let record: RunRecord
        do {
            record = try runStore.create(NewRun(
                flow: file, flowHash: JournaledEffects.hash(flow.bytes), arguments: arguments, command: [], folder: folder,
                backend: choice.client.map { "client \($0.name)" } ?? "", client: client, origin: "detach:\(UUID().uuidString.lowercased())"))
            _ = try runStore.park(record.id, wake: RunWake(at: Date().timeIntervalSince1970))
        } catch {
            throw usage(error.description)
        }
        print(record.id)
        Diagnostics.warning("\(record.id) is queued for `onboard worker` (client \(client)); follow it with: onboard runs show \(record.id)\(store.suggestion(runStore))")
    }
}
