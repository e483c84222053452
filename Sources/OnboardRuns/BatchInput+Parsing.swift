import Foundation
import JSONCodec

/// RFC 4180 records and JSON lines, byte by byte over the reader's chunks.
extension BatchInputReader {
    typealias Record = (fields: [String], line: Int, columns: [Int])

    /// The next CSV record (blank lines are skipped), or nil at the end of the file.
    func record() throws(BatchInputError) -> Record? {
        // blank lines between rows and at the end
        while let b = peek(), b == 0x0A || b == 0x0D { advance(b) }
        guard peek() != nil else { return nil }
        let startLine = line
        var fields: [String] = []
        var starts: [Int] = []
        var field: [UInt8] = []
        var size = 0
        while true {
            let fieldLine = line, fieldColumn = column
            starts.append(fieldColumn)
            field.removeAll(keepingCapacity: true)
            var quoted = false
            if peek() == 0x22 {
                quoted = true
                advance(0x22)
                while true {
                    guard let b = peek() else {
                        throw error(fieldLine, fieldColumn, "a quoted field is never closed; close it with \" (a quote inside it is written \"\")")
                    }
                    advance(b)
                    if b == 0x22 {
                        if peek() == 0x22 {
                            advance(0x22)
                            field.append(0x22)
                            continue
                        }
                        break
                    }
                    field.append(b)
                    size += 1
                    if size > Self.maxRowBytes { throw tooLong(startLine) }
                }
            }
            // the unquoted rest of the field, up to a comma or the end of the line
            var ended = false, comma = false
            while let b = peek() {
                if b == 0x2C {
                    advance(b)
                    comma = true
                    break
                }
                if b == 0x0A || b == 0x0D {
                    advance(b)
                    if b == 0x0D, peek() == 0x0A { advance(0x0A) }
                    ended = true
                    break
                }
                if quoted {
                    throw error(line, column, "unexpected text after a closing quote; a field is either all quoted or not at all")
                }
                if b == 0x22 {
                    throw error(line, column, "a quote inside an unquoted field; quote the whole field and write the quote as \"\"")
                }
                advance(b)
                field.append(b)
                size += 1
                if size > Self.maxRowBytes { throw tooLong(startLine) }
            }
            // a comma at the very end is followed by one more, empty, field
            if peek() == nil && !comma { ended = true }
            guard let text = String(validating: field, as: UTF8.self) else {
                let offset = Self.firstInvalidScalar(field)
                throw error(fieldLine, fieldColumn + offset + (quoted ? 1 : 0), "invalid UTF-8; save the file as UTF-8")
            }
            fields.append(text)
            if ended { return (fields, startLine, starts) }
        }
    }

    /// The next JSON line's object, or nil at the end.
    func jsonLine() throws(BatchInputError) -> BatchRow? {
        while let b = peek(), b == 0x0A || b == 0x0D || b == 0x20 || b == 0x09 { advance(b) }
        guard peek() != nil else { return nil }
        let startLine = line
        var bytes: [UInt8] = []
        while let b = peek(), b != 0x0A {
            advance(b)
            bytes.append(b)
            if bytes.count > Self.maxRowBytes { throw tooLong(startLine) }
        }
        if let b = peek() { advance(b) }
        if bytes.last == 0x0D { bytes.removeLast() }
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw error(startLine, Self.firstInvalidScalar(bytes) + 1, "invalid UTF-8; save the file as UTF-8")
        }
        let value: JSONValue
        do { value = try JSONValue(parsing: bytes) } catch {
            let column = (error as? JSONError)?.offset.map { Self.scalars(in: bytes.prefix($0)) + 1 } ?? 1
            let message = (error as? JSONError)?.message ?? "\(error)"
            throw self.error(startLine, column, "not JSON: \(message)")
        }
        guard case .object(let object) = value else {
            throw error(startLine, 1, "each line must be a JSON object like {\"name\": \"Kelly Smith\"}")
        }
        rowsRead += 1
        let keys = object.keys.sorted()
        if columns.isEmpty { columns = keys }
        return BatchRow(index: rowsRead, line: startLine, keys: keys, values: object)
    }

    private func tooLong(_ line: Int) -> BatchInputError {
        error(line, 1, "a row longer than \(Self.maxRowBytes >> 20) MiB; is this the right file (a quote never closed makes the rest of a file one field)?")
    }

    /// Characters before the first byte that is not valid UTF-8.
    static func firstInvalidScalar(_ bytes: [UInt8]) -> Int {
        var iterator = bytes.makeIterator()
        var decoder = Unicode.UTF8()
        var count = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue: count += 1
            case .emptyInput, .error: return count
            }
        }
    }

    static func scalars(in bytes: ArraySlice<UInt8>) -> Int { bytes.filter { $0 & 0xC0 != 0x80 }.count }
}
