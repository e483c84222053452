struct _TmpCountingSink: JSONSink {
    var events = 0
    var bytes = 0
    mutating func beginArray() throws { events += 1 }
    mutating func endArray(count: Int) throws { events += 1 }
    mutating func beginObject() throws { events += 1 }
    mutating func key(_ utf8: UnsafeRawBufferPointer) throws { events += 1; bytes += utf8.count }
    mutating func endObject(count: Int) throws { events += 1 }
    mutating func string(_ utf8: UnsafeRawBufferPointer) throws { events += 1; bytes += utf8.count }
    mutating func integer(_ value: Int64) throws { events += 1 }
    mutating func double(_ value: Double) throws { events += 1 }
    mutating func bool(_ value: Bool) throws { events += 1 }
    mutating func null() throws { events += 1 }
}
public func _tmpCount(_ doc: [UInt8]) throws -> Int {
    var s = _TmpCountingSink()
    try JSONParser.parse(doc, into: &s)
    return s.events
}
