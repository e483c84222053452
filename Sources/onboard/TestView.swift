import Foundation
import JSONCodec
import OnboardRuntime

/// What `onboard test` prints: a line per file once its tests have finished (a mark per test:
/// `.` passed, `F` failed, `-` pending), then each failure with where it failed, the
/// expectation, the diff and the test's output, then the totals. `--json`: one object per test
/// as it finishes, then a summary object.
final class TestView: @unchecked Sendable {
    let json: Bool
    private let lock = NSLock()
    private var pendingByFile: [String: [FlowTestResult]] = [:]
    private var expected: [String: Int] = [:]

    init(json: Bool) { self.json = json }

    /// How many results a file will have, so its line prints when the last one comes.
    func expect(_ counts: [String: Int]) { lock.withLock { expected = counts } }

    func finished(_ r: FlowTestResult) {
        lock.withLock {
            if json {
                var o: [String: JSONValue] = ["file": .string(r.test.file), "name": .string(r.test.name), "status": .string(r.status.rawValue),
                                              "location": .string(r.test.location), "seconds": .double((r.seconds * 1000).rounded() / 1000)]
                if let m = r.message { o["message"] = .string(m) }
                if let d = r.diff { o["diff"] = .string(d) }
                if let a = r.failedAt { o["failed_at"] = .string(a) }
                if !r.output.isEmpty { o["output"] = .string(r.output) }
                write(((try? JSONValue.object(o).encoded()).map { String(decoding: $0, as: UTF8.self) } ?? "{}") + "\n")
                return
            }
            pendingByFile[r.test.file, default: []].append(r)
            if let n = expected[r.test.file], pendingByFile[r.test.file]!.count >= n { flush(r.test.file) }
        }
    }

    private func flush(_ file: String) {
        guard let results = pendingByFile.removeValue(forKey: file) else { return }
        let sorted = results.sorted { $0.test.index < $1.test.index }
        let marks = String(sorted.map { $0.status == .passed ? "." : $0.status == .failed ? "F" : "-" })
        let failed = sorted.filter { $0.status == .failed }.count
        let seconds = sorted.map(\.seconds).max() ?? 0
        write("\(failed == 0 ? "ok  " : "FAIL") \(file)  \(marks)  (\(sorted.count) test\(sorted.count == 1 ? "" : "s")\(failed > 0 ? ", \(failed) failed" : ""), \(String(format: "%.2f", seconds)) s)\n")
    }

    func end(_ all: [FlowTestResult], seconds: Double, files: Int) {
        lock.withLock {
            for file in pendingByFile.keys.sorted() { flush(file) }
            let passed = all.filter { $0.status == .passed }.count
            let failed = all.filter { $0.status == .failed }
            let pending = all.filter { $0.status == .pending }.count
            if json {
                let summary: JSONValue = ["summary": true, "passed": .integer(Int64(passed)), "failed": .integer(Int64(failed.count)),
                                          "pending": .integer(Int64(pending)), "files": .integer(Int64(files)),
                                          "seconds": .double((seconds * 1000).rounded() / 1000)]
                write(((try? summary.encoded()).map { String(decoding: $0, as: UTF8.self) } ?? "{}") + "\n")
                return
            }
            for r in failed {
                var text = "\n--- FAIL: \(r.test.name)  (\(r.test.location))\n"
                if let at = r.failedAt, !at.isEmpty { text += "  at \(at)\n" }
                text += (r.message ?? "failed").split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n") + "\n"
                if let diff = r.diff { text += "  diff (- expected, + actual):\n" + diff.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n" }
                if let tb = r.traceback { text += tb.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n") + "\n" }
                if !r.output.isEmpty { text += "  output:\n" + r.output.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") + "\n" }
                write(text)
            }
            write("\n\(passed) passed, \(failed.count) failed\(pending > 0 ? ", \(pending) pending" : "") in \(files) file\(files == 1 ? "" : "s"), \(String(format: "%.2f", seconds)) s\n")
        }
    }

    private func write(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
}

/// JUnit XML as GitLab and Jenkins read it: a `testsuite` per file, a `testcase` per test
/// (classname the file, name the test's full name, time in seconds), `failure` with the message
/// and the details, `skipped` for pending tests, `system-out` for what a test printed.
enum JUnitReport {
    static func xml(_ results: [FlowTestResult], seconds: Double) -> String {
        func esc(_ s: String) -> String {
            var out = ""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "\n", "\t", "\r": out.unicodeScalars.append(scalar)
                default:
                    // XML 1.0 has no other control characters, even escaped
                    if scalar.value < 0x20 || (0xD800...0xDFFF).contains(scalar.value) || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                        out += "?"
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out
        }
        let byFile = Dictionary(grouping: results, by: \.test.file)
        let failures = results.filter { $0.status == .failed }.count
        let skipped = results.filter { $0.status == .pending }.count
        var x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        x += "<testsuites name=\"onboard test\" tests=\"\(results.count)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\" time=\"\(String(format: "%.3f", seconds))\">\n"
        for file in byFile.keys.sorted() {
            let rs = byFile[file]!.sorted { $0.test.index < $1.test.index }
            let time = rs.map(\.seconds).reduce(0, +)
            x += "  <testsuite name=\"\(esc(file))\" tests=\"\(rs.count)\" failures=\"\(rs.filter { $0.status == .failed }.count)\" errors=\"0\" skipped=\"\(rs.filter { $0.status == .pending }.count)\" time=\"\(String(format: "%.3f", time))\">\n"
            for r in rs {
                x += "    <testcase classname=\"\(esc(file))\" name=\"\(esc(r.test.name))\" file=\"\(esc(file))\" time=\"\(String(format: "%.3f", r.seconds))\">\n"
                switch r.status {
                case .failed:
                    var details = [r.failedAt.map { "at \($0)" }, r.message, r.diff, r.traceback].compactMap { $0 }.joined(separator: "\n")
                    if details.isEmpty { details = "failed" }
                    x += "      <failure message=\"\(esc(r.message ?? "failed"))\" type=\"expectation\">\(esc(details))</failure>\n"
                case .pending: x += "      <skipped message=\"pending\"/>\n"
                case .passed: break
                }
                if !r.output.isEmpty { x += "      <system-out>\(esc(r.output))</system-out>\n" }
                x += "    </testcase>\n"
            }
            x += "  </testsuite>\n"
        }
        return x + "</testsuites>\n"
    }
}
