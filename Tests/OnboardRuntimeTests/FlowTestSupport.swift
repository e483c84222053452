import Foundation
import LuaKit
import OnboardRuntime
import YousignAPI
import YousignEmulator
import YousignWire

/// A Lua flow on an emulator in this process, with the example files in its folder.
struct FlowFixture {
    let emulator: YousignEmulator
    let host: FlowHost
    let folder: String

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    init(rateLimit: EmulatorConfiguration.RateLimit = .off, verificationDelay: TimeInterval = 0,
         deterministic: Bool = false) throws {
        emulator = try YousignEmulator(EmulatorConfiguration(
            storage: .memory, clock: deterministic ? FixedClock() : SystemClock(),
            ids: deterministic ? SequentialIDs() : RandomIDs(), rateLimit: rateLimit, verificationDelay: verificationDelay))
        folder = try Self.filesFolder()
        let emulator = self.emulator
        host = FlowHost.emulator(transport: InProcessTransport { await emulator.handle($0) }, key: Fixtures.defaultAPIKey,
                                 advancing: true, description: BackendDescription(kind: .embeddedEmulator, location: "in memory"),
                                 files: try FileAccess(root: folder, read: ["."], write: ["."]))
    }

    /// A fresh folder holding a copy of examples/files/.
    static func filesFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onboard-flow-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let source = repository.appendingPathComponent("examples/files")
        for name in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: folder.appendingPathComponent(name))
        }
        return folder.path
    }
}

/// What a script printed, and how it ended.
struct FlowOutcome: Sendable {
    var output: String
    var error: LuaError?
}

/// Runs Lua source on `host` on a Lua thread started from a plain thread, so the cooperative
/// pool stays free for the API calls the script waits on.
func runFlow(_ source: String, host: FlowHost, chunkName: String = "@flow.lua", arguments: [String] = []) async -> FlowOutcome {
    await withCheckedContinuation { continuation in
        Thread {
            let buffer = OutputBuffer()
            let run = ScriptRun(script: ScriptSource(bytes: Array(source.utf8), chunkName: chunkName, folder: "."),
                                arguments: arguments, scriptName: String(chunkName.dropFirst()),
                                output: { buffer.append($0) }, host: host)
            var failure: LuaError?
            do { try LuaThread.run { try run.execute() } } catch let error as LuaError { failure = error } catch {
                failure = LuaError(status: .runtime, message: "\(error)")
            }
            continuation.resume(returning: FlowOutcome(output: buffer.text, error: failure))
        }.start()
    }
}

final class OutputBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8] = []
    func append(_ chunk: UnsafeRawBufferPointer) { lock.withLock { bytes += chunk } }
    var text: String { lock.withLock { String(decoding: bytes, as: UTF8.self) } }
}
