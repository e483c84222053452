import Foundation
import OnboardRuns

/// Parking, for `onboard worker`: a run that waits does not keep a process. When a wait
/// (`yousign.wait`, `yousign.wait_for_event`) would pause for `Parking.minimum` seconds or more,
/// the run is parked instead: its status becomes `waiting`, with the time of its next poll (or
/// its timeout) and the event it waits for, and the run stops; the worker resumes it by replay
/// when that time comes or the event arrives. The round the wait was in is forgotten (a resumed
/// wait polls again), unless it had to be journaled (then the pause is journaled too, so the
/// replay goes on after it).
public enum Parking {
    /// Pauses shorter than this are slept in place: parking and resuming costs more.
    public static let minimum = 1.0
}

extension JournaledEffects {
    /// Parks the run instead of a pause of `seconds`, if this run parks; true when it did (the
    /// run is stopped: `JournalStop.Kind.parked`). Called under `lock`.
    func park(_ seconds: Double) -> Bool {
        guard parking, seconds >= Parking.minimum, let last = spans.indices.last else { return false }
        if spans[last].committed {
            guard record(JournalEntry(step: 0, kind: .sleep, key: "sleep", detail: "\(seconds)", outputAt: output.total,
                                      at: Date().timeIntervalSince1970), safe: true) != nil else { return true }
        } else {
            spans[last].buffer = []
        }
        let expect = spans[last].expect
        let wake = RunWake(at: Date().timeIntervalSince1970 + seconds, event: expect?.event, object: expect?.object)
        do {
            guard try store.park(runID, wake: wake, output: output.take(), outputBytes: output.total) else {
                halt(JournalStop(.cancelled, "run \(runID) was cancelled (onboard runs cancel)"))
                return true
            }
        } catch {
            halt(JournalStop(.store, "the run could not be parked: \(error.description)"))
            return true
        }
        let until = Date(timeIntervalSince1970: wake.at).formatted(.iso8601)
        let why = expect.map { "waits for \($0.event) on \($0.object), or until \(until)" } ?? "waits until \(until)"
        halt(JournalStop(.parked, "run \(runID) is parked: it \(why)"))
        return true
    }

    public func receivedEvent(_ name: String, object: String) -> [UInt8]? {
        lock.withLock { () -> [UInt8]? in
            if stopped != nil { return nil }
            let key = "event \(name) \(object)"
            if let entry = next() {
                guard entry.kind == .event, entry.key == key else {
                    diverge(entry, asks: "the event \(name) of \(object) (yousign.wait_for_event)")
                    return nil
                }
                consume()
                return entry.resultKind == "json" ? entry.result : nil
            }
            if stopIfAsked() != nil { return nil }
            let body = events?(name, object)
            record(JournalEntry(step: 0, kind: .event, key: key, resultKind: body == nil ? "none" : "json", result: body,
                                outputAt: output.total, at: Date().timeIntervalSince1970), safe: true)
            return body
        }
    }
}
