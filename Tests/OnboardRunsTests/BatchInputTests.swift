import Foundation
#if canImport(Glibc)
import Glibc
#endif
import JSONCodec
import Testing
import YousignWire
@testable import OnboardRuns

/// The batch input reader: RFC 4180 CSV and JSON lines, streamed, every error with its line
/// and column.
@Suite struct BatchInputTests {
    func file(_ bytes: [UInt8], _ name: String = "in.csv") throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("batch-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func rows(_ path: String) throws -> [BatchRow] {
        let reader = try BatchInputReader(path: path, format: .of(path: path))
        var rows: [BatchRow] = []
        while let row = try reader.next() { rows.append(row) }
        return rows
    }

    @Test("RFC 4180: quotes, doubled quotes, commas and newlines in fields, CRLF, a BOM, a last line without newline")
    func csv() throws {
        let text = "\u{FEFF}name,note\r\n\"Smith, Kelly\",\"said \"\"hi\"\"\"\r\nAda,\"two\nlines\"\r\nAlan,"
        let rows = try rows(try file(Array(text.utf8)))
        #expect(rows.count == 3)
        #expect(rows[0].values == ["name": "Smith, Kelly", "note": "said \"hi\""])
        #expect(rows[1].values == ["name": "Ada", "note": "two\nlines"] && rows[1].line == 3)
        #expect(rows[2].values == ["name": "Alan", "note": ""] && rows[2].line == 5 && rows[2].index == 3)
        #expect(rows[0].keys == ["name", "note"], "the BOM is not part of the first name")
    }

    @Test("JSON lines: one object a line, values as they are, blank lines skipped")
    func jsonLines() throws {
        let rows = try rows(try file(Array("{\"name\":\"Kelly\",\"age\":41,\"vip\":true}\n\n{\"name\":\"Ada\",\"tags\":[\"a\"]}\n".utf8), "in.jsonl"))
        #expect(rows.count == 2)
        #expect(rows[0].values["age"] == .integer(41) && rows[0].values["vip"] == .bool(true))
        #expect(rows[1].line == 3 && rows[1].index == 2)
    }

    @Test("errors name the file, the line and the column", arguments: [
        ("a,b\n1,2\n3\n", "in.csv", "in.csv:3:1: row 2 has 1 field, the header has 2 (a,b)"),
        ("a,b\n1,\"2\n", "in.csv", "in.csv:2:3: "),
        ("a,b\n1,2\"x\n", "in.csv", "in.csv:2:"),
        ("a,a\n1,2\n", "in.csv", "in.csv:1:"),
        ("a,\n1,2\n", "in.csv", "in.csv:1:"),
        ("{\"a\":1}\n{\"a\":\n", "in.jsonl", "in.jsonl:2:"),
        ("{\"a\":1}\n\"text\"\n", "in.jsonl", "in.jsonl:2:1: "),
    ])
    func errors(text: String, name: String, message: String) throws {
        let path = try file(Array(text.utf8), name)
        do {
            _ = try rows(path)
            Issue.record("accepted \(text)")
        } catch let error as BatchInputError {
            #expect(error.description.hasPrefix(path.replacingOccurrences(of: name, with: "") + message), "\(error.description)")
        }
    }

    @Test("invalid UTF-8 is named with its line and column; empty and header-only files are refused by the scan")
    func utf8AndEmpty() throws {
        let latin = try file(Array("name\nKelly\nJos".utf8) + [0xE9] + Array("\n".utf8))
        do { _ = try BatchInput.scan(path: latin); Issue.record("accepted") } catch {
            #expect(error.description.hasSuffix(":3:4: invalid UTF-8 (the file must be UTF-8 text)") || error.description.contains(":3:4: "), "\(error.description)")
        }
        for (text, message) in [("", "the input is empty"), ("name,email\r\n", "the input has a header (name,email) but no rows")] {
            let path = try file(Array(text.utf8))
            do { _ = try BatchInput.scan(path: path); Issue.record("accepted '\(text)'") } catch {
                #expect(error.description.contains(message), "\(error.description)")
            }
        }
    }

    /// The process's resident memory, in bytes.
    static func residentBytes() -> Int {
        let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0) * 1024
    }

    @Test("a 100 MB file is streamed: scanned and read with memory that does not grow with it")
    func hundredMegabytes() async throws {
        // a minute of blocking work: on a thread of its own, never on Swift's cooperative ones
        // (as many as cores), which the suite's async tests need meanwhile
        try await withMachineToMyself {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let t = Thread { c.resume(with: Result { try self.hundredMegabytesAlone() }) }
                t.stackSize = 1 << 20
                t.start()
            }
        }
    }

    func hundredMegabytesAlone() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("batch-big-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("big.csv").path
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        let line = Array("Customer,Number,customer.number@example.com,\"a note, with a comma and some padding to make it long\"\n".utf8)
        var block: [UInt8] = Array("first_name,last_name,email,note\n".utf8)
        let perBlock = (1 << 20) / line.count
        var rows = 0
        while rows * line.count < 100 << 20 {
            for _ in 0..<perBlock { block += line }
            rows += perBlock
            handle.write(Data(block))
            block.removeAll(keepingCapacity: true)
        }
        try handle.close()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(size >= 100 << 20)
        let before = Self.residentBytes()
        let summary = try BatchInput.scan(path: path)
        let grown = Self.residentBytes() - before
        #expect(summary.rows == rows)
        #expect(summary.columns == ["first_name", "last_name", "email", "note"])
        // the reader's own buffer, exactly; and the process's memory, which the suite's other
        // tests (running at the same time, in this process) also move, loosely
        let reader = try BatchInputReader(path: path, format: .csv)
        var read = 0
        while try reader.next() != nil { read += 1 }
        #expect(read == rows)
        #expect(reader.peakBuffered <= 2 * BatchInputReader.chunk, "held \(reader.peakBuffered) bytes at most")
        #expect(grown < 80 << 20, "resident memory grew by \(grown >> 20) MB over a \(size >> 20) MB file")
    }
}

@Suite struct RateSlotsTests {
    @Test("slots sit on a grid inside each window of the binding quota, with slack before the next window")
    func grid() {
        var slots = RateSlots()
        let limits = RateLimits([.init(count: 20, seconds: 1)])
        let start = 1_000_000.0
        let times = (0..<60).map { _ in slots.next(now: start, limits: limits) }
        for second in 0..<3 {
            let inWindow = times.filter { $0 >= start + Double(second) && $0 < start + Double(second + 1) }
            #expect(inWindow.count == 20, "20 slots in second \(second)")
            #expect((inWindow.max() ?? 0) <= start + Double(second + 1) - RateSlots.slack, "the last leaves the slack")
        }
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 < $1 }, "in order, never twice the same")
    }

    @Test("the widest-spaced quota sets the grid, run ahead of by the narrowest one's count: 10/s under 30/min")
    func windows() {
        var slots = RateSlots()
        let limits = RateLimits([.init(count: 10, seconds: 1), .init(count: 30, seconds: 60)])
        let start = 6_000_000.0  // a minute boundary
        let times = (0..<31).map { _ in slots.next(now: start, limits: limits) }
        #expect(times.prefix(10).allSatisfy { $0 < start + 1 - RateSlots.slack }, "ten at once: \(times)")
        #expect(zip(times.dropFirst(10), times.dropFirst(11)).prefix(19).allSatisfy { $1 - $0 > 1.9 }, "then the grid, about 2 s apart: \(times)")
        #expect(times.prefix(30).allSatisfy { $0 < start + 60 - RateSlots.slack })
        #expect(times[30] >= start + 60, "the 31st waits for the next minute")
        // and a burst limit binds when it is the narrower: 5/s under 600/min
        var burst = RateSlots()
        let tight = RateLimits([.init(count: 5, seconds: 1), .init(count: 600, seconds: 60)])
        let firsts = (0..<6).map { _ in burst.next(now: start, limits: tight) }
        #expect(firsts.prefix(5).allSatisfy { $0 < start + 1 } && firsts[5] >= start + 1, "\(firsts)")
    }

    @Test("Yousign production (60/min, 1200/h): a flow alone goes at once; a long batch keeps to 60 a minute and 1200 an hour")
    func production() {
        var slots = RateSlots()
        let hour = 3_600_000.0
        let times = (0..<1300).map { _ in slots.next(now: hour, limits: .production) }
        #expect(times.prefix(16).allSatisfy { $0 < hour + 0.001 }, "a 16-request flow waits for nothing")
        for minute in 0..<60 {
            let n = times.filter { $0 >= hour + Double(minute * 60) && $0 < hour + Double(minute * 60 + 60) }.count
            #expect(n <= 60, "minute \(minute): \(n)")
        }
        #expect(times.filter { $0 < hour + 3600 }.count == 1200, "the whole hour's quota is used")
        #expect(times[1200] >= hour + 3600)
    }

    @Test("the store hands the same key's slots to every process in turn")
    func sharedThroughTheStore() throws {
        let (a, path) = try temporaryStore()
        let b = try RunStore.open(path: path)
        let limits = RateLimits([.init(count: 5, seconds: 1)])
        let now = 2_000_000.0
        var times: [Double] = []
        for i in 0..<10 { times.append(try (i % 2 == 0 ? a : b).reserveSlot(key: "k", limits: limits, now: now)) }
        #expect(Set(times).count == 10)
        #expect(times.filter { $0 < now + 1 }.count == 5, "five in the first second, whichever store asked")
        #expect(try a.reserveSlot(key: "other", limits: limits, now: now) == now, "another key has its own quota")
    }
}

/// Tests that load the machine (a 100 MB file, a batch measured against the wall clock) hold this
/// lock, shared by every test target of the suite through a file, so that none of them measures
/// the others' load.
func withMachineToMyself<T>(_ body: () async throws -> T) async rethrows -> T {
    let fd = open(FileManager.default.temporaryDirectory.appendingPathComponent("onboard-tests-heavy.lock").path, O_CREAT | O_RDWR, 0o644)
    await onLockThread { _ = flock(fd, LOCK_EX) }
    defer { flock(fd, LOCK_UN); close(fd) }
    return try await body()
}

/// flock blocks: never on one of Swift's cooperative threads.
private func onLockThread(_ body: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
        let t = Thread { body(); c.resume() }
        t.start()
    }
}
