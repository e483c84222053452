import Foundation

/// Run ids sort by creation time: `run_` and 26 characters of Crockford base32, the first ten
/// the creation time in milliseconds and the rest random (a ULID), so `ORDER BY id` is the
/// order runs were started in and two machines never make the same id.
public enum RunID {
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    public static func make(at date: Date = Date()) -> String {
        var value = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var time = [Character](repeating: "0", count: 10)
        for i in stride(from: 9, through: 0, by: -1) {
            time[i] = alphabet[Int(value & 31)]
            value >>= 5
        }
        var rng = SystemRandomNumberGenerator()
        let random = (0..<16).map { _ in alphabet[Int(rng.next() & 31)] }
        return "run_" + String(time) + String(random)
    }

    /// Whether `text` has the shape of a run id (`run_` and 26 base32 characters).
    public static func isValid(_ text: String) -> Bool {
        guard text.hasPrefix("run_") else { return false }
        let rest = text.dropFirst(4)
        return rest.count == 26 && rest.allSatisfy { alphabet.contains($0) }
    }
}
