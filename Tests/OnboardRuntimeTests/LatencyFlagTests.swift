import LuaKit
import OnboardRuntime
import Testing

@Suite("onboard serve --latency values")
struct LatencyFlagTests {
    @Test("a duration is a fixed latency; a..b a range; a bound may be 0", arguments: [
        ("20ms", Duration.milliseconds(20) ... .milliseconds(20)),
        ("10ms..50ms", .milliseconds(10) ... .milliseconds(50)),
        ("1.5s", .milliseconds(1500) ... .milliseconds(1500)),
        ("0..50ms", .zero ... .milliseconds(50)),
        ("0ms", .zero ... .zero),
        (" 20MS .. 1s ", .milliseconds(20) ... .seconds(1)),
        ("30ms..30ms", .milliseconds(30) ... .milliseconds(30)),
    ])
    func good(text: String, range: ClosedRange<Duration>) throws {
        #expect(try LatencyFlag.parse(text) == range)
    }

    @Test("anything else names the flag and the accepted forms", arguments: ["fast", "-5ms", "10", "10ms..", "..10ms", "none",
                                                                             "1ms..2ms..3ms", "-10ms..10ms", "5x"])
    func bad(text: String) {
        let error = #expect(throws: LuaLimits.ParseError.self) { try LatencyFlag.parse(text) }
        #expect(error?.description == "--latency: '\(text)' is not a latency: use a duration like 20ms, "
                + "or a range like 10ms..50ms (units ms, s, m or h)")
    }

    @Test("a range that runs backwards says to put the shorter duration first")
    func backwards() {
        let error = #expect(throws: LuaLimits.ParseError.self) { try LatencyFlag.parse("50ms..10ms") }
        #expect(error?.description == "--latency: the range '50ms..10ms' ends before it starts: put the shorter duration first, like 10ms..50ms")
    }
}
