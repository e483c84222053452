import Crypto
import Foundation
import JSONCodec

/// The customers of a batch, one row each, read from a file as a stream (a 100 MB file costs
/// its chunk buffer, not its size): CSV with a header row (RFC 4180 quoting, CRLF or LF, UTF-8
/// with or without a byte-order mark), or JSON lines (one object per line).
///
/// Why not a library: of the offline Swift CSV packages, SwiftCSV reads the whole text into
/// memory, and CSV.swift (yaslab) reports errors without a line or column (`unicodeDecoding`,
/// no position) and accepts an unterminated quote; errors here must name both.
public enum BatchInput {
    public enum Format: String, Sendable, CaseIterable {
        case csv, jsonLines = "jsonl"

        /// From the file's extension: `.jsonl`, `.ndjson` and `.json` are JSON lines, anything else CSV.
        public static func of(path: String) -> Format {
            switch (path as NSString).pathExtension.lowercased() {
            case "jsonl", "ndjson", "json": .jsonLines
            default: .csv
            }
        }
    }

    /// What a full pass over the input found: rows (after the header), the columns (CSV's
    /// header; for JSON lines the keys of the first row) and the SHA-256 of the file's bytes.
    public struct Summary: Sendable, Equatable {
        public var rows: Int
        public var columns: [String]
        public var sha256: String
    }

    /// Reads the whole input once, checking every row, without keeping any: an input with an
    /// error is refused before any row starts.
    public static func scan(path: String, format: Format? = nil) throws(BatchInputError) -> Summary {
        let reader = try BatchInputReader(path: path, format: format ?? .of(path: path))
        var rows = 0
        while try reader.next() != nil { rows += 1 }
        if rows == 0 {
            throw BatchInputError(path: path, line: reader.columns.isEmpty ? 1 : 2, column: 1, message: reader.columns.isEmpty
                ? "the input is empty; a CSV needs a header row and one row per customer, JSON lines one object per line"
                : "the input has a header (\(reader.columns.joined(separator: ","))) but no rows")
        }
        return Summary(rows: rows, columns: reader.columns, sha256: reader.digest())
    }
}

/// One customer: its number (1 for the first row after the header), the line it starts on,
/// and its values by column (CSV: strings; JSON lines: as in the line).
public struct BatchRow: Sendable, Equatable {
    public var index: Int
    public var line: Int
    public var keys: [String]
    public var values: [String: JSONValue]

    /// The row as a JSON object, keys sorted (how the run keeps it).
    public var json: [UInt8] { (try? JSONValue.object(values).encoded()) ?? Array("{}".utf8) }
}

public struct BatchInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(path: String, line: Int, column: Int, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.message = message
    }

    /// `people.csv:12:7: message`, or `people.csv: message` for the file as a whole (line 0).
    public var description: String { line == 0 ? "\(path): \(message)" : "\(path):\(line):\(column): \(message)" }
}

/// Reads rows one at a time (`next`), hashing the bytes as they go by.
public final class BatchInputReader {
    public let path: String
    public let format: BatchInput.Format
    /// The header's names (CSV), or the first row's keys (JSON lines).
    public internal(set) var columns: [String] = []
    private let handle: FileHandle
    var buffer: [UInt8] = []
    var position = 0
    var atEnd = false
    var hasher = SHA256()
    var line = 1
    var column = 1
    var rowsRead = 0
    var started = false
    /// The most bytes of the file held at once: a chunk and the row being read, whatever the
    /// file's size.
    public internal(set) var peakBuffered = 0
    /// The longest row accepted: a file of one endless line is an error, not a memory hog.
    public static let maxRowBytes = 1 << 20
    static let chunk = 1 << 16

    public init(path: String, format: BatchInput.Format) throws(BatchInputError) {
        self.path = path
        self.format = format
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw BatchInputError(path: path, line: 0, column: 0, message: "no such file")
        }
        guard !isDir.boolValue, let handle = FileHandle(forReadingAtPath: path) else {
            throw BatchInputError(path: path, line: 0, column: 0, message: isDir.boolValue ? "is a folder, not a file" : "cannot be read")
        }
        self.handle = handle
    }

    deinit { try? handle.close() }

    /// The SHA-256 of the bytes read so far (all of them, once `next` returned nil).
    public func digest() -> String { hasher.finalize().map { String(format: "%02x", $0) }.joined() }

    /// The next row, or nil at the end.
    public func next() throws(BatchInputError) -> BatchRow? {
        if !started {
            started = true
            fill()
            // a UTF-8 byte-order mark is not part of the first name
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
            if format == .csv {
                guard let header = try record() else { return nil }
                try checkHeader(header)
                columns = header.fields
            }
        }
        switch format {
        case .csv:
            guard let r = try record() else { return nil }
            guard r.fields.count == columns.count else {
                throw error(r.line, 1, "row \(rowsRead + 1) has \(r.fields.count) field\(r.fields.count == 1 ? "" : "s"), the header has \(columns.count) (\(columns.joined(separator: ","))); quote a field that holds a comma")
            }
            rowsRead += 1
            var values: [String: JSONValue] = [:]
            for (name, value) in zip(columns, r.fields) { values[name] = .string(value) }
            return BatchRow(index: rowsRead, line: r.line, keys: columns, values: values)
        case .jsonLines:
            return try jsonLine()
        }
    }

    func error(_ line: Int, _ column: Int, _ message: String) -> BatchInputError {
        BatchInputError(path: path, line: line, column: column, message: message)
    }

    private func checkHeader(_ header: (fields: [String], line: Int, columns: [Int])) throws(BatchInputError) {
        var seen: Set<String> = []
        for (name, col) in zip(header.fields, header.columns) {
            if name.trimmingCharacters(in: .whitespaces).isEmpty {
                throw error(header.line, col, "the header has an empty column name; every column needs one (the row's key in the flow)")
            }
            if !seen.insert(name).inserted { throw error(header.line, col, "the header names '\(name)' twice") }
        }
    }

    // MARK: bytes

    func fill() {
        guard !atEnd else { return }
        if position > 0 {
            buffer.removeFirst(position)
            position = 0
        }
        let data = handle.readData(ofLength: Self.chunk)
        if data.isEmpty {
            atEnd = true
            return
        }
        hasher.update(data: data)
        buffer.append(contentsOf: data)
        peakBuffered = max(peakBuffered, buffer.count)
    }

    /// The byte at the read position, reading more when needed; nil at the end.
    func peek() -> UInt8? {
        if position >= buffer.count { fill() }
        return position < buffer.count ? buffer[position] : nil
    }

    func advance(_ byte: UInt8) {
        position += 1
        if byte == 0x0A {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }
}

