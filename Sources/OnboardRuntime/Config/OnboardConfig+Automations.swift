import Foundation

/// A client's automations for `onboard worker`: flows started on webhook events and on
/// schedules.
///
/// ```toml
/// [[clients.acme.on]]
/// event = "signature_request.done"      # the event is the flow's first argument
/// flow = "flows/archive.lua"            # relative to this file
///
/// [[clients.acme.every]]
/// interval = "1h"                       # or cron = "0 9 * * 1-5" (UTC)
/// flow = "flows/remind.lua"
/// ```
extension OnboardConfig {
    /// `[[clients.NAME.on]]`: a flow started for each event of that name.
    public struct Trigger: Sendable, Equatable {
        public var event: String
        /// Absolute, from the config file's folder.
        public var flow: String
        /// As written in the file (for messages and `runs list`).
        public var flowAsGiven: String
        public var line: Int
    }

    /// `[[clients.NAME.every]]`: a flow started on a schedule.
    public struct Schedule: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case interval(Double)
            case cron(CronSchedule)
        }
        public var kind: Kind
        /// `every 1h` or `cron 0 9 * * 1-5`: also its name in the store.
        public var spec: String
        public var flow: String
        public var flowAsGiven: String
        public var line: Int

        /// The name the store keeps its last firing under: the spec and the flow.
        public var name: String { "\(spec) \(flowAsGiven)" }

        /// The latest time at or before `now` it was due, after `after` (nil if none).
        public func latestDue(after: Double, now: Double) -> Double? {
            switch kind {
            case .interval(let seconds):
                let due = (now / seconds).rounded(.down) * seconds
                return due > after ? due : nil
            case .cron(let cron):
                return cron.latest(atOrBefore: now, after: after)
            }
        }

        /// The next time it is due after `now`.
        public func nextDue(after now: Double) -> Double {
            switch kind {
            case .interval(let seconds): return ((now / seconds).rounded(.down) + 1) * seconds
            case .cron(let cron): return cron.next(after: now) ?? now + 86400 * 366
            }
        }
    }

    static func triggers(_ items: [TOMLSubset.Value], client: String, lines: [String: Int], path: String) throws(Failure) -> [Trigger] {
        var out: [Trigger] = []
        for (index, item) in items.enumerated() {
            let prefix = "clients.\(client).on.#\(index)"
            let fields = try automationFields(item, prefix: prefix, kind: "on", client: client, lines: lines, path: path,
                                              known: ["event", "flow", "description"])
            let at = "\(path):\(lines[prefix] ?? 0)"
            guard case .string(let event)? = fields["event"], !event.isEmpty else {
                throw Failure(description: "\(at): [[clients.\(client).on]] needs event = \"signature_request.done\" (a Yousign event name)")
            }
            guard event.wholeMatch(of: /[a-z_]+(\.[a-z_]+)+/) != nil else {
                throw Failure(description: "\(path):\(lines[prefix + ".event"] ?? 0): '\(event)' is not a Yousign event name (like signature_request.done)")
            }
            let (flow, given) = try automationFlow(fields, prefix: prefix, kind: "on", client: client, lines: lines, path: path)
            out.append(Trigger(event: event, flow: flow, flowAsGiven: given, line: lines[prefix] ?? 0))
        }
        return out
    }

    static func schedules(_ items: [TOMLSubset.Value], client: String, lines: [String: Int], path: String) throws(Failure) -> [Schedule] {
        var out: [Schedule] = []
        for (index, item) in items.enumerated() {
            let prefix = "clients.\(client).every.#\(index)"
            let fields = try automationFields(item, prefix: prefix, kind: "every", client: client, lines: lines, path: path,
                                              known: ["interval", "cron", "flow", "description"])
            let at = "\(path):\(lines[prefix] ?? 0)"
            let kind: Schedule.Kind
            let spec: String
            switch (fields["interval"], fields["cron"]) {
            case (.string(let text)?, nil):
                guard let seconds = Self.seconds(text), seconds >= 1, seconds <= 366 * 86400 else {
                    throw Failure(description: "\(path):\(lines[prefix + ".interval"] ?? 0): interval '\(text)' is not a duration between 1s and 366d (like \"30s\", \"15m\", \"1h\", \"1d\")")
                }
                (kind, spec) = (.interval(seconds), "every \(text)")
            case (nil, .string(let text)?):
                do { kind = .cron(try CronSchedule(text)) } catch {
                    throw Failure(description: "\(path):\(lines[prefix + ".cron"] ?? 0): cron '\(text)': \(error.description)")
                }
                spec = "cron \(text)"
            case (nil, nil), (.some, .some):
                throw Failure(description: "\(at): [[clients.\(client).every]] needs one of interval = \"1h\" or cron = \"0 9 * * 1-5\"")
            default:
                throw Failure(description: "\(at): [[clients.\(client).every]]: interval and cron must be strings")
            }
            let (flow, given) = try automationFlow(fields, prefix: prefix, kind: "every", client: client, lines: lines, path: path)
            out.append(Schedule(kind: kind, spec: spec, flow: flow, flowAsGiven: given, line: lines[prefix] ?? 0))
        }
        return out
    }

    private static func automationFields(_ item: TOMLSubset.Value, prefix: String, kind: String, client: String, lines: [String: Int],
                                         path: String, known: Set<String>) throws(Failure) -> [String: TOMLSubset.Value] {
        guard case .table(let fields) = item else {
            throw Failure(description: "\(path):\(lines["clients.\(client).\(kind)"] ?? 0): clients.\(client).\(kind) must be tables: [[clients.\(client).\(kind)]]")
        }
        for key in fields.keys.sorted() where !known.contains(key) {
            throw Failure(description: "\(path):\(lines[prefix + "." + key] ?? 0): [[clients.\(client).\(kind)]]: unknown key '\(key)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        return fields
    }

    private static func automationFlow(_ fields: [String: TOMLSubset.Value], prefix: String, kind: String, client: String,
                                       lines: [String: Int], path: String) throws(Failure) -> (String, String) {
        guard case .string(let given)? = fields["flow"], !given.isEmpty else {
            throw Failure(description: "\(path):\(lines[prefix] ?? 0): [[clients.\(client).\(kind)]] needs flow = \"flows/NAME.lua\" (relative to \(path))")
        }
        let folder = (path as NSString).deletingLastPathComponent
        let full = given.hasPrefix("/") || folder.isEmpty ? given : folder + "/" + given
        guard FileManager.default.fileExists(atPath: full) else {
            throw Failure(description: "\(path):\(lines[prefix + ".flow"] ?? 0): flow '\(given)' does not exist (paths are relative to \(path))")
        }
        return (full, given)
    }

    /// "30s", "15m", "1h", "1d", "250ms".
    static func seconds(_ text: String) -> Double? {
        guard let match = text.wholeMatch(of: /\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*/), let n = Double(match.1) else { return nil }
        let scale: Double = switch match.2 { case "ms": 0.001; case "m": 60; case "h": 3600; case "d": 86400; default: 1 }
        return n * scale
    }
}
