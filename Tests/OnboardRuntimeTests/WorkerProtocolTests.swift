import Foundation
import JSONCodec
import Testing
@testable import OnboardRuntime

#if canImport(Glibc)
import Glibc
#endif

/// The worker wire's shared parts: one `op` list for both ends, modules served by the parent,
/// and what the parent says about the kernel layers.
@Suite("The worker protocol")
struct WorkerProtocolTests {
    @Test("every op reads back from a header, and the wire spells it as before")
    func ops() {
        for op in WorkerOp.allCases {
            #expect(WorkerOp(of: .message(op)) == op)
        }
        #expect(WorkerOp(of: ["op": "no such op"]) == nil)
        #expect(WorkerOp(of: ["value": 1]) == nil)
        #expect(String(decoding: try! JSONValue.message(.out).encoded(), as: UTF8.self) == #"{"op":"out"}"#)
        let start = WorkerStart(preludes: [], script: nil, arguments: [], interpreterArguments: [], scriptName: nil,
                                limits: .defaults, stdlibFolder: nil, backendSummary: "b", hasEmulator: false)
        #expect(start.encode().0["op"] == "start")
        #expect(start.encode(op: .repl).0["op"] == "repl")
    }

    @Test("a module served by the parent reads as the searcher found it: source, chunk name, absence, error")
    func modules() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("onboard-modules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("lib"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("return 1".utf8).write(to: folder.appendingPathComponent("lib/util.lua"))
        try FileManager.default.createSymbolicLink(atPath: folder.appendingPathComponent("lib/link.lua").path, withDestinationPath: "/etc/hostname")
        let searcher = ModuleSearcher(scriptFolder: folder.path, stdlibFolder: nil)
        func served(_ name: String) throws -> (source: [UInt8], chunkName: String)? {
            let (reply, blob) = try WorkerSupervisor.serve(.module, .message(.module, ["name": .string(name)]), [], FlowFixture().host,
                                                           modules: searcher)
            return try WorkerMessages.decodeModule((reply, blob))
        }
        let found = try #require(try served("lib.util"))
        #expect(found.source == Array("return 1".utf8))
        #expect(found.chunkName == "@\(folder.path)/lib/util.lua")
        #expect(try served("lib.nowhere") == nil)
        var local = "", remote = ""
        do { _ = try searcher.find("lib.link") } catch { local = "\(error)" }
        do { _ = try served("lib.link") } catch { remote = "\(error)" }
        #expect(!local.isEmpty && local == remote, "\(local) / \(remote)")
    }

    @Test("a kernel without a layer: a clear refusal when both are required, a note otherwise")
    func kernelWithoutALayer() {
        let partial = KernelSandbox(landlock: ENOSYS, seccomp: 0)
        let refusal = partial.refusal(required: true) ?? ""
        #expect(refusal.contains("ONBOARD_REQUIRE_KERNEL_SANDBOX=1"), "\(refusal)")
        #expect(refusal.contains("Landlock (ENOSYS"), "\(refusal)")
        #expect(!refusal.contains("seccomp ("), "\(refusal)")
        #expect(partial.refusal(required: false) == nil)
        #expect(partial.note?.contains("without Landlock (ENOSYS") == true)
        let complete = KernelSandbox(landlock: 0, seccomp: 0)
        #expect(complete.refusal(required: true) == nil)
        #expect(complete.note == nil)
        #expect(KernelSandbox(complete.json) == complete)
    }
}
