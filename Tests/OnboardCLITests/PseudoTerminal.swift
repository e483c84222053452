import Foundation

/// `onboard` on a pseudo-terminal, driven like a person at a keyboard: `/usr/bin/script`
/// (util-linux, in every Debian) gives the command a real terminal with job control, so the
/// line editor, Ctrl-C and colours behave as they do for a user.
final class PseudoTerminal: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let lock = NSLock()
    private var received: [UInt8] = []
    private var reader: Thread?

    /// Starts `onboard ARGS` in `directory` on an 100x40 terminal.
    init(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws {
        let quoted = ([CLI.binary.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qfec", "stty cols 100 rows 40; exec " + quoted.joined(separator: " "), "/dev/null"]
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("YOUSIGN_") && $0.key != "ONBOARD_PROFILE" }
        env["TERM"] = "xterm"
        env["HOME"] = directory.path  // no ~/.editrc of the machine
        env.removeValue(forKey: "NO_COLOR")
        env["ONBOARD_RUNS"] = CLI.testRunStore
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let handle = output.fileHandleForReading
        let thread = Thread { [weak self] in
            while true {
                let data = handle.availableData
                if data.isEmpty { return }
                guard let self else { return }
                self.lock.withLock { self.received += data }
            }
        }
        thread.start()
        reader = thread
    }

    deinit {
        if process.isRunning { process.terminate() }
    }

    /// Everything the terminal showed so far, escape sequences removed.
    var screen: String { Self.plain(lock.withLock { received }) }
    /// Everything as sent, escape sequences included.
    var raw: String { lock.withLock { String(decoding: received, as: UTF8.self) } }

    func type(_ text: String) {
        input.fileHandleForWriting.write(Data(text.utf8))
    }

    /// Types the keys one write at a time, as a person does (the editor reads key by key).
    /// The waits here suspend rather than block: no cooperative thread is held.
    func keys(_ text: String, pause: Double = 0.02) async {
        for c in text {
            type(String(c))
            await Self.pause(pause)
        }
    }

    static func pause(_ seconds: Double) async {
        try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
    }

    /// Waits until `text` has appeared `count` times on the screen; false after `timeout`.
    @discardableResult
    func waitFor(_ text: String, count: Int = 1, timeout: Double = 15) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if screen.components(separatedBy: text).count - 1 >= count { return true }
            await Self.pause(0.02)
        }
        return false
    }

    /// Waits for the process to end and returns its status (or nil after `timeout`).
    func waitForExit(timeout: Double = 15) async -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { await Self.pause(0.02) }
        if process.isRunning {
            process.terminate()
            return nil
        }
        return process.terminationStatus
    }

    /// The bytes without CSI/OSC escape sequences, carriage returns and bells.
    static func plain(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x1B, i + 1 < bytes.count {
                if bytes[i + 1] == UInt8(ascii: "[") {
                    var j = i + 2
                    while j < bytes.count, !(0x40...0x7E).contains(bytes[j]) { j += 1 }
                    i = j + 1
                    continue
                }
                if bytes[i + 1] == UInt8(ascii: "]") {
                    var j = i + 2
                    while j < bytes.count, bytes[j] != 0x07 { j += 1 }
                    i = j + 1
                    continue
                }
                i += 2
                continue
            }
            if b != 0x0D && b != 0x07 { out.append(b) }
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
