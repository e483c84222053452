import Foundation

/// A minimal ZIP writer (stored entries, no compression) for downloads that bundle several
/// files: documents (`documents/download` with several documents or `archive=true`) and audit
/// trails (one per signer). Stored entries keep it short and every unzip tool reads them.
enum ZipArchive {
    static func make(_ entries: [(name: String, bytes: [UInt8])], date: Date) -> [UInt8] {
        let (time, day) = dosDateTime(date)
        var out: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let name = Array(entry.name.utf8)
            let crc = crc32(entry.bytes)
            let offset = UInt32(out.count)
            // local file header; flag bit 11: the name is UTF-8
            out += le32(0x0403_4B50) + le16(20) + le16(0x0800) + le16(0) + le16(time) + le16(day)
            out += le32(crc) + le32(UInt32(entry.bytes.count)) + le32(UInt32(entry.bytes.count)) + le16(UInt16(name.count)) + le16(0)
            out += name + entry.bytes
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0x0800) + le16(0) + le16(time) + le16(day)
            central += le32(crc) + le32(UInt32(entry.bytes.count)) + le32(UInt32(entry.bytes.count)) + le16(UInt16(name.count))
            central += le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + name
        }
        let centralOffset = UInt32(out.count)
        out += central
        out += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(entries.count)) + le16(UInt16(entries.count))
        out += le32(UInt32(central.count)) + le32(centralOffset) + le16(0)
        return out
    }

    /// Names made unique by a counter before the extension (`a.pdf`, `a (2).pdf`).
    static func uniqueNames(_ names: [String]) -> [String] {
        var seen: [String: Int] = [:]
        return names.map { name in
            let n = (seen[name] ?? 0) + 1
            seen[name] = n
            guard n > 1 else { return name }
            let ext = (name as NSString).pathExtension
            let stem = (name as NSString).deletingPathExtension
            return ext.isEmpty ? "\(stem) (\(n))" : "\(stem) (\(n)).\(ext)"
        }
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for b in bytes { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    private static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private static func dosDateTime(_ date: Date) -> (UInt16, UInt16) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let time = UInt16(c.hour! << 11 | c.minute! << 5 | c.second! / 2)
        let day = UInt16(max(0, c.year! - 1980) << 9 | c.month! << 5 | c.day!)
        return (time, day)
    }

    private static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
    private static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> ($0 * 8)) & 0xFF) } }
}
