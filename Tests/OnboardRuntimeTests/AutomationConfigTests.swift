import Foundation
import Testing
@testable import OnboardRuntime

/// `[[clients.NAME.on]]` and `[[clients.NAME.every]]` in onboard.toml, and cron expressions.
@Suite struct AutomationConfigTests {
    func folder(_ files: [String]) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("onboard-auto-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/flows", withIntermediateDirectories: true)
        for f in files { FileManager.default.createFile(atPath: dir + "/" + f, contents: Data("print(1)\n".utf8)) }
        return dir
    }

    @Test("triggers and schedules of a client, flows relative to the file")
    func triggersAndSchedules() throws {
        let dir = try folder(["flows/archive.lua", "flows/remind.lua", "flows/report.lua"])
        let config = try OnboardConfig.parse("""
            [clients.acme]
            ephemeral = true

            [[clients.acme.on]]
            event = "signature_request.done"
            flow = "flows/archive.lua"

            [[clients.acme.on]]
            event = "signature_request.declined"   # another
            flow = "flows/archive.lua"

            [[clients.acme.every]]
            interval = "1h"
            flow = "flows/remind.lua"

            [[clients.acme.every]]
            cron = "0 9 * * 1-5"
            flow = "flows/report.lua"
            """, path: dir + "/onboard.toml")
        let acme = try #require(config.clients["acme"])
        #expect(acme.profile.ephemeral)
        #expect(acme.triggers.map(\.event) == ["signature_request.done", "signature_request.declined"])
        #expect(acme.triggers[0].flow == dir + "/flows/archive.lua" && acme.triggers[0].flowAsGiven == "flows/archive.lua")
        #expect(acme.triggers.map(\.line) == [4, 8])
        #expect(acme.schedules.map(\.spec) == ["every 1h", "cron 0 9 * * 1-5"])
        #expect(acme.schedules[0].kind == .interval(3600))
        // an interval is due on its grid; a missed stretch fires once, for its latest time
        #expect(acme.schedules[0].latestDue(after: 3600, now: 10805) == 10800.0)
        #expect(acme.schedules[0].latestDue(after: 10800, now: 10805) == nil)
        #expect(acme.schedules[0].nextDue(after: 10805) == 14400.0)
    }

    @Test("mistakes in triggers and schedules name the file and line", arguments: [
        ("[[clients.acme.on]]\nflow = \"flows/a.lua\"\n", "onboard.toml:3: [[clients.acme.on]] needs event"),
        ("[[clients.acme.on]]\nevent = \"Signed!\"\nflow = \"flows/a.lua\"\n", "onboard.toml:4: 'Signed!' is not a Yousign event name"),
        ("[[clients.acme.on]]\nevent = \"signer.done\"\nflow = \"flows/missing.lua\"\n", "onboard.toml:5: flow 'flows/missing.lua' does not exist"),
        ("[[clients.acme.on]]\nevent = \"signer.done\"\nflow = \"flows/a.lua\"\nretries = 3\n", "onboard.toml:6: [[clients.acme.on]]: unknown key 'retries'"),
        ("[[clients.acme.every]]\nflow = \"flows/a.lua\"\n", "onboard.toml:3: [[clients.acme.every]] needs one of interval"),
        ("[[clients.acme.every]]\ninterval = \"soon\"\nflow = \"flows/a.lua\"\n", "onboard.toml:4: interval 'soon' is not a duration"),
        ("[[clients.acme.every]]\ncron = \"61 * * * *\"\nflow = \"flows/a.lua\"\n", "onboard.toml:4: cron '61 * * * *': the minute field '61' is outside 0-59"),
        ("[[clients.acme.every]]\ncron = \"* * *\"\nflow = \"flows/a.lua\"\n", "onboard.toml:4: cron '* * *': a cron expression has five fields"),
        ("on = \"signer.done\"\n", "onboard.toml:3: clients.acme.on must be written as [[clients.acme.on]] tables"),
    ])
    func mistakes(_ body: String, _ message: String) throws {
        let dir = try folder(["flows/a.lua"])
        #expect {
            _ = try OnboardConfig.parse("[clients.acme]\nephemeral = true\n" + body, path: dir + "/onboard.toml")
        } throws: { error in
            "\(error)".contains(message.replacingOccurrences(of: "onboard.toml", with: dir + "/onboard.toml"))
        }
    }

    @Test("arrays of tables follow TOML: sub-tables go to the last element, a table cannot become one")
    func arraysOfTables() throws {
        let root = try TOMLSubset.parse("""
            [[a]]
            x = 1
            [a.b]
            y = 2
            [[a]]
            x = 3
            """)
        #expect(root["a"] == .array([.table(["x": .integer(1), "b": .table(["y": .integer(2)])]), .table(["x": .integer(3)])]))
        #expect(throws: TOMLSubset.ParseError.self) { try TOMLSubset.parse("[a]\n[[a]]\n") }
        #expect(throws: TOMLSubset.ParseError.self) { try TOMLSubset.parse("a = [1]\n[[a]]\n") }
        #expect(throws: TOMLSubset.ParseError.self) { try TOMLSubset.parse("[[a]]\n[a]\n") }
    }

    @Test("cron: fields, ranges, steps, lists, and either day field when both are given")
    func cron() throws {
        let utc = { (text: String) in ISO8601DateFormatter().date(from: text)!.timeIntervalSince1970 }
        let weekdays = try CronSchedule("0 9 * * 1-5")
        // Friday 2026-12-04 10:00 UTC: the next is Monday 09:00
        #expect(weekdays.next(after: utc("2026-12-04T10:00:00Z")) == utc("2026-12-07T09:00:00Z"))
        #expect(weekdays.latest(atOrBefore: utc("2026-12-06T12:00:00Z"), after: 0) == utc("2026-12-04T09:00:00Z"))
        #expect(weekdays.latest(atOrBefore: utc("2026-12-06T12:00:00Z"), after: utc("2026-12-04T09:00:00Z")) == nil)
        let quarter = try CronSchedule("*/15 * * * *")
        #expect(quarter.next(after: utc("2026-12-04T10:07:00Z")) == utc("2026-12-04T10:15:00Z"))
        let either = try CronSchedule("30 8 1 * 0")   // the 1st of the month, or a Sunday
        #expect(either.next(after: utc("2026-12-04T10:00:00Z")) == utc("2026-12-06T08:30:00Z"))
        #expect(try CronSchedule("0 0 1,15 * *").next(after: utc("2026-12-02T00:00:00Z")) == utc("2026-12-15T00:00:00Z"))
        #expect(throws: CronSchedule.Failure.self) { try CronSchedule("0 24 * * *") }
        #expect(throws: CronSchedule.Failure.self) { try CronSchedule("*/0 * * * *") }
    }
}
