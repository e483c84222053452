import Foundation
import JSONCodec
import OnboardRuns

/// How `onboard runs list` and `show` print runs: tables for people, JSON for programs.
enum RunsFormat {
    static func table(_ runs: [RunRecord], now: Double) -> String {
        let rows = runs.map { run in
            [run.id, run.flow, run.effectiveStatus(now: now).rawValue, "\(run.steps)", time(run.startedAt), ago(now - run.updatedAt)]
        }
        let header = ["ID", "FLOW", "STATUS", "STEPS", "STARTED", "LAST ACTIVITY"]
        let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ") + "\n"
        }.joined()
    }

    static func object(_ run: RunRecord, now: Double) -> [String: JSONValue] {
        var o: [String: JSONValue] = [
            "id": .string(run.id), "flow": .string(run.flow), "status": .string(run.effectiveStatus(now: now).rawValue),
            "steps": .integer(Int64(run.steps)), "started_at": .string(time(run.startedAt)), "updated_at": .string(time(run.updatedAt)),
            "attempts": .integer(Int64(run.attempts)), "backend": .string(run.backend), "arguments": .array(run.arguments.map { .string($0) }),
            "exit_code": run.exitCode.map { .integer(Int64($0)) } ?? .null, "error": run.error.map { .string($0) } ?? .null,
        ]
        if let ended = run.endedAt { o["ended_at"] = .string(time(ended)) }
        if let client = run.client { o["client"] = .string(client) }
        if let batch = run.batch { o["batch"] = .string(batch) }
        if let row = run.row { o["row"] = .integer(Int64(row)) }
        return o
    }

    static func jsonLine(_ run: RunRecord, now: Double) -> String { text(.object(object(run, now: now))) }

    static func json(_ run: RunRecord, _ entries: [JournalEntry]) -> String {
        var o = object(run, now: Date().timeIntervalSince1970)
        o["command"] = .array(run.command.map { .string($0) })
        o["folder"] = .string(run.folder)
        o["output"] = .string(String(decoding: run.output, as: UTF8.self))
        o["output_bytes"] = .integer(Int64(run.outputBytes))
        o["journal"] = .array(entries.map { e in
            var s: [String: JSONValue] = ["step": .integer(Int64(e.step)), "kind": .string(e.kind.rawValue), "key": .string(e.key),
                                          "state": .string(e.state.rawValue), "at": .string(time(e.at))]
            if let detail = e.detail { s["request"] = (try? JSONValue(parsing: Array(detail.utf8))) ?? .string(detail) }
            if let kind = e.resultKind { s["result_kind"] = (try? JSONValue(parsing: Array(kind.utf8))) ?? .string(kind) }
            if let result = e.result, !result.isEmpty {
                s["result"] = (try? JSONValue(parsing: result)) ?? .string("\(result.count) bytes")
            }
            return .object(s)
        })
        return text(.object(o))
    }

    static func show(_ run: RunRecord, _ entries: [JournalEntry]) -> String {
        let now = Date().timeIntervalSince1970
        var out = """
            run      \(run.id)
            flow     \(run.flow) \(run.arguments.joined(separator: " "))
            status   \(run.effectiveStatus(now: now).rawValue)\(run.exitCode.map { " (exit \($0))" } ?? "")
            backend  \(run.backend)
            started  \(time(run.startedAt)), last activity \(ago(now - run.updatedAt)), \(run.attempts) attempt\(run.attempts == 1 ? "" : "s")

            """
        if let wake = run.wake, run.status == .waiting {
            let on = wake.event.map { "\($0) on \(wake.object ?? "?"), or " } ?? ""
            out += "parked   until \(on)\(time(wake.at)) (onboard worker resumes it)\n"
        }
        if let client = run.client { out += "client   \(client)\(run.origin.map { " (\(Self.origin($0)))" } ?? "")\n" }
        out += "\njournal (\(entries.count) steps)\n"
        for e in entries {
            out += String(format: "%4d  ", e.step) + e.kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0) + " "
                + e.key.padding(toLength: max(44, e.key.count), withPad: " ", startingAt: 0) + "  " + outcome(e) + "\n"
        }
        out += "\noutput (\(run.outputBytes) bytes\(run.outputBytes > run.output.count ? ", the first \(run.output.count) kept" : ""))\n"
        out += String(decoding: run.output, as: UTF8.self)
        if !run.output.isEmpty && run.output.last != UInt8(ascii: "\n") { out += "\n" }
        if let error = run.error { out += "\nerror\n\(error)\n" }
        return out
    }

    /// What started a worker's run, in words.
    static func origin(_ origin: String) -> String {
        let parts = origin.split(separator: ":", maxSplits: 3).map(String.init)
        switch parts.first {
        case "event": return "started by event \(parts.count > 2 ? parts[2] : "?")"
        case "every": return "started by its schedule"
        case "detach": return "handed to onboard worker with --detach"
        default: return origin
        }
    }

    /// One step's outcome in words: `201 json 1.4 KB`, `no answer yet`, a value.
    static func outcome(_ e: JournalEntry) -> String {
        if e.state == .intent { return "sent, no answer recorded" }
        switch e.kind {
        case .now, .wait, .seed:
            return e.result.map { String(decoding: $0, as: UTF8.self) } ?? ""
        case .sleep: return (e.detail ?? "") + " s"
        case .env: return e.digest == "unset" ? "unset" : "read (value not kept)"
        case .round, .waitEnd: return ""
        case .event:
            guard e.resultKind == "json", let body = e.result.flatMap({ try? JSONValue(parsing: $0) }) else { return "not received" }
            return "received " + (body["event_id"]?.stringValue ?? "")
        case .call, .control:
            guard let kind = e.resultKind, let header = try? JSONValue(parsing: Array(kind.utf8)) else { return "" }
            if header["ok"]?.boolValue == true {
                let size = e.result?.count ?? 0
                var text = header["kind"]?.stringValue ?? "ok"
                if let id = e.result.flatMap({ try? JSONValue(parsing: $0) })?["id"]?.stringValue { text += " " + id }
                return text + (size > 0 ? " (\(bytes(size)))" : "")
            }
            if let api = header["api"] {
                return "error " + (api["status"]?.intValue.map { "\($0) " } ?? "") + (api["type"]?.stringValue ?? "")
            }
            return "refused: " + (header["message"]?.stringValue ?? "")
        }
    }

    static func bytes(_ n: Int) -> String { n < 1024 ? "\(n) B" : String(format: "%.1f KB", Double(n) / 1024) }

    /// One formatter for every row: making one costs more than formatting.
    nonisolated(unsafe) static let iso = ISO8601DateFormatter()

    static func time(_ t: Double) -> String { iso.string(from: Date(timeIntervalSince1970: t.rounded(.down))) }

    static func ago(_ seconds: Double) -> String {
        let s = Int(max(0, seconds))
        if s < 60 { return "\(s)s ago" }
        if s < 3600 { return "\(s / 60)m ago" }
        if s < 86400 { return "\(s / 3600)h ago" }
        return "\(s / 86400)d ago"
    }

    /// `30d`, `12h`, `90m`, `45s`, `2w` in seconds.
    static func seconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400]
        guard let unit = t.last.flatMap({ units[$0] }), let n = Double(t.dropLast()), n >= 0, n.isFinite else { return nil }
        return n * unit
    }

    static func text(_ value: JSONValue) -> String {
        (try? value.encoded()).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
