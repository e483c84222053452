import Foundation
import Testing

/// The worker's kernel layers, proved by what they refuse: the worker's test hook (a `probe`
/// in the start message, which only a test writes) runs the real start-up and lock-down, then
/// tries a socket, /etc/passwd, a new file, a signal to its parent, fork and execve, and
/// reports each errno. Without the filter these calls work, and the expectations fail.
@Suite("onboard sandbox-worker: seccomp and Landlock")
struct WorkerKernelSandboxTests {
    static let EPERM = 1, EACCES = 13

    @Test("both layers: every attempt is refused with EPERM, in a run and in a REPL session", arguments: ["start", "repl"])
    func bothLayers(op: String) throws {
        let report = try WorkerProbe.run(op: op, layers: nil, dangerous: true)
        #expect(report["kernel_sandbox"] as? [String: Int] == ["landlock": 0, "seccomp": 0], "\(report)")
        for attempt in ["socket_inet", "socket_unix", "open_passwd", "create_file", "signal_parent", "fork", "execve_true"] {
            #expect(report[attempt] as? Int == Self.EPERM, "\(attempt): \(report)")
        }
    }

    @Test("seccomp alone refuses sockets, files, signals, fork and execve")
    func seccompAlone() throws {
        let report = try WorkerProbe.run(layers: ["seccomp"], dangerous: true)
        #expect(report["kernel_sandbox"] as? [String: Int] == ["landlock": -1, "seccomp": 0], "\(report)")
        for attempt in ["socket_inet", "socket_unix", "open_passwd", "create_file", "signal_parent", "fork", "execve_true"] {
            #expect(report[attempt] as? Int == Self.EPERM, "\(attempt): \(report)")
        }
    }

    @Test("Landlock alone refuses every file access (EACCES), including execve, and signals out of its domain")
    func landlockAlone() throws {
        let report = try WorkerProbe.run(layers: ["landlock"], dangerous: false)
        #expect(report["kernel_sandbox"] as? [String: Int] == ["landlock": 0, "seccomp": -1], "\(report)")
        #expect(report["open_passwd"] as? Int == Self.EACCES, "\(report)")
        #expect(report["create_file"] as? Int == Self.EACCES, "\(report)")
        #expect(report["signal_parent"] as? Int == Self.EPERM, "\(report)")
        // fork would work under Landlock alone; execve is tried in a run of its own below
        let exec = try WorkerProbe.run(layers: ["landlock"], dangerous: true)
        #expect(exec["execve_true"] as? Int == Self.EACCES, "\(exec)")
    }

    @Test("without a layer the same attempts work: the probe sees a missing filter")
    func control() throws {
        let report = try WorkerProbe.run(layers: [], dangerous: false)
        #expect(report["open_passwd"] as? Int == 0, "\(report)")
        #expect(report["socket_inet"] as? Int == 0, "\(report)")
        #expect(report["signal_parent"] as? Int == 0, "\(report)")
    }

    @Test("after the lock-down require reads modules through the parent: same chunk names and messages as in process")
    func requireThroughTheParent() async throws {
        let folder = try TempFolder(text: [
            "flow.lua": #"local m = require("lib.util") print(m.name, type(require("inspect"))) require("lib.broken")"#,
        ])
        let lib = folder.url.appendingPathComponent("lib")
        try FileManager.default.createDirectory(at: lib, withIntermediateDirectories: true)
        try Data(#"return { name = "util" }"#.utf8).write(to: lib.appendingPathComponent("util.lua"))
        try Data(#"error("broken on purpose")"#.utf8).write(to: lib.appendingPathComponent("broken.lua"))
        var results: [CommandResult] = []
        for extra in [[], ["--no-worker"]] {
            results.append(try await CLI.onboardAsync(["run"] + extra + ["flow.lua"], in: folder.url, environment: [
                "ONBOARD_STDLIB": CLI.root.appendingPathComponent("stdlib").path,
            ]))
        }
        #expect(results[0].withoutResumeLine == results[1].withoutResumeLine, "\(results[0])\n\(results[1])")
        #expect(results[0].stdout == "util\ttable\n", "\(results[0])")
        #expect(results[0].stderr.contains("lib/broken.lua:1: broken on purpose"), "\(results[0])")
        let missing = try await CLI.onboardAsync(["run", "-e", #"require("nowhere.mod")"#])
        #expect(missing.stderr.contains("module 'nowhere.mod' not found: looked for nowhere/mod.lua, nowhere/mod/init.lua and stdlib/nowhere/mod.lua"), "\(missing)")
    }

    @Test("os.date works after the lock-down (the time zone was loaded before it) and reads as in process")
    func localTime() async throws {
        let code = #"print(os.date("%H:%M %Z %z", 86400 * 180), os.date("*t", 0).hour)"#
        let a = try await CLI.onboardAsync(["run", "-e", code])
        let b = try await CLI.onboardAsync(["run", "--no-worker", "-e", code])
        #expect(a.status == 0 && a == b, "\(a)\n\(b)")
    }

    @Test("ONBOARD_REQUIRE_KERNEL_SANDBOX=1 runs where the kernel has both, with no note")
    func required() async throws {
        let r = try await CLI.onboardAsync(["run", "--ephemeral", "-e", "print(#yousign.workflow_templates.list().data)"],
                                           environment: ["ONBOARD_REQUIRE_KERNEL_SANDBOX": "1"])
        #expect(r == CommandResult(status: 0, stdout: "3\n", stderr: ""), "\(r)")
    }
}

/// Runs `onboard sandbox-worker` with a probing start message, answers its requests (modules from
/// stdlib/, `{"value":1}` for the seed and the clock) and returns its `probed` report.
enum WorkerProbe {
    static func run(op: String = "start", layers: [String]?, dangerous: Bool) throws -> [String: Any] {
        var probe: [String: Any] = ["dangerous": dangerous]
        if let layers { probe["layers"] = layers }
        let start: [String: Any] = [
            "op": op, "preludes": [Any](), "arguments": [Any](), "interpreter_arguments": ["onboard", "run"],
            "backend": "probe", "has_emulator": false, "limits": [String: Any](),
            "stdlib": CLI.root.appendingPathComponent("stdlib").path, "probe": probe,
        ]
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["sandbox-worker"]
        process.environment = [:]
        let toWorker = Pipe(), fromWorker = Pipe()
        process.standardInput = toWorker
        process.standardOutput = fromWorker
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try write(toWorker.fileHandleForWriting, try JSONSerialization.data(withJSONObject: start))
        while let header = try read(fromWorker.fileHandleForReading) {
            switch header["op"] as? String {
            case "probed": return header
            case "out": continue
            case "done": throw ProbeFailure(description: "the worker ended without probing: \(header)")
            case "module":
                // stdlib/repl.lua requires inspect while the session is built
                let name = (header["name"] as? String ?? "").replacingOccurrences(of: ".", with: "/") + ".lua"
                let source = try Data(contentsOf: CLI.root.appendingPathComponent("stdlib/" + name))
                let reply = try JSONSerialization.data(withJSONObject: ["found": true, "chunk": "@stdlib/" + name])
                try write(toWorker.fileHandleForWriting, reply, blob: source)
            default: try write(toWorker.fileHandleForWriting, Data(#"{"value":1}"#.utf8))
            }
        }
        throw ProbeFailure(description: "the worker stopped without a report (exit \(process.terminationStatus))")
    }

    struct ProbeFailure: Error, CustomStringConvertible { let description: String }

    static func write(_ handle: FileHandle, _ header: Data, blob: Data = Data()) throws {
        var frame = Data()
        for value in [UInt32(header.count), UInt32(blob.count)] { withUnsafeBytes(of: value.bigEndian) { frame.append(contentsOf: $0) } }
        frame.append(header)
        frame.append(blob)
        try handle.write(contentsOf: frame)
    }

    static func read(_ handle: FileHandle) throws -> [String: Any]? {
        guard let lengths = try handle.read(upToCount: 8), lengths.count == 8 else { return nil }
        let bytes = [UInt8](lengths)
        func length(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        let header = try handle.read(upToCount: length(0)) ?? Data()
        if length(4) > 0 { _ = try handle.read(upToCount: length(4)) }
        return try JSONSerialization.jsonObject(with: header) as? [String: Any]
    }
}
