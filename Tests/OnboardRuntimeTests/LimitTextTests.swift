import LuaKit
import OnboardRuntime
import Testing

/// The command line's forms of the limits: what `--memory-limit 64MB` and the rest accept, and
/// how messages write a limit back (`(--time-limit 500ms)`).
@Suite("Limits as the command line writes them")
struct LimitTextTests {
    @Test("sizes parse from the CLI forms", arguments: [
        ("64KB", 65536), ("64MB", 64 << 20), ("1GB", 1 << 30), ("512", 512), ("1.5MB", 1_572_864), ("2MiB", 2 << 20),
    ])
    func sizes(_ text: String, _ bytes: Int) throws {
        #expect(try LuaLimits.parseSize(text) == bytes)
    }

    @Test("durations parse from the CLI forms", arguments: [
        ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("2m", .seconds(120)), ("1h", .seconds(3600)), ("1.5s", .milliseconds(1500)),
    ])
    func durations(_ text: String, _ duration: Duration) throws {
        #expect(try LuaLimits.parseDuration(text) == duration)
    }

    @Test("bad limit values are refused with the accepted forms")
    func badValues() throws {
        #expect(throws: LuaLimits.ParseError.self) { try LuaLimits.parseSize("lots") }
        #expect(throws: LuaLimits.ParseError.self) { try LuaLimits.parseDuration("5x") }
        #expect(throws: LuaLimits.ParseError.self) { try LuaLimits.parseCount("-3") }
        #expect(try LuaLimits.parseSize("none") == nil)
        #expect(try LuaLimits.parseDuration("unlimited") == nil)
        #expect(try LuaLimits.parseCount("1e9") == 1_000_000_000)
        #expect(try LuaLimits.parseCount("1_000") == 1000)
    }

    @Test("a limit is shown as it would be typed, and named by its flag")
    func display() {
        let limits = LuaLimits(memory: 64 << 20, instructions: 1000, time: .milliseconds(1500), output: 1000)
        #expect(limits.display(.memory) == "64MB")
        #expect(limits.display(.instructions) == "1000")
        #expect(limits.display(.time) == "1500ms")
        #expect(limits.display(.output) == "1000B")
        #expect(LuaLimits.none.display(.time) == "none")
        #expect(LuaLimits(time: .seconds(120)).display(.time) == "2m")
        #expect(LuaLimitKind.allCases.map(\.flag) == ["--memory-limit", "--instruction-limit", "--time-limit", "--output-limit", ""])
    }

    @Test("the report of a limit names the flag and its value")
    func report() {
        let error = LuaError(status: .limit(.memory), message: "memory limit exceeded", location: .init(source: "flow.lua", line: 3))
        #expect(ErrorReport(error, limits: LuaLimits(memory: 64 << 20)).text == "flow.lua:3: memory limit exceeded (--memory-limit 64MB)")
        let cancelled = LuaError(status: .limit(.cancelled), message: "interrupted")
        #expect(ErrorReport(cancelled, limits: .defaults).text == "interrupted")
    }
}
