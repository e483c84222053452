/// Receives parse events from `JSONParser`, in document order.
///
/// ```swift
/// struct Counter: JSONSink {
///     var strings = 0
///     mutating func string(_ utf8: UnsafeRawBufferPointer) throws { strings += 1 }
///     // ...the other nine requirements...
/// }
/// var counter = Counter()
/// try JSONParser.parse(Array(#"["a","b"]"#.utf8), into: &counter)   // counter.strings == 2
/// ```
///
/// Why events instead of a tree: a host (the Lua bridge, `JSONValue`) can build its own
/// structure directly, with no intermediate allocation per node. The parser has already
/// validated everything it reports; a sink never sees malformed input, only a prefix of
/// a document that may later turn out to be invalid (the parser then throws).
///
/// Object members arrive as `key(_:)` followed by exactly one value event (scalar or a
/// whole container). `endArray(count:)`/`endObject(count:)` report the number of
/// elements/members, so a sink that keeps a value stack can pop exactly that many.
/// Duplicate keys are reported as they appear; deciding what they mean is up to the sink.
///
/// Errors thrown by a sink stop the parse and propagate to the caller unchanged.
public protocol JSONSink {
    mutating func beginArray() throws
    mutating func endArray(count: Int) throws
    mutating func beginObject() throws
    /// An object key as unescaped, valid UTF-8. The buffer points into the input or into
    /// the parser's scratch space and is valid only during the call: copy what you keep.
    mutating func key(_ utf8: UnsafeRawBufferPointer) throws
    mutating func endObject(count: Int) throws
    /// A string value as unescaped, valid UTF-8 (may contain U+0000 from `\u0000`).
    /// Valid only during the call, like `key(_:)`.
    mutating func string(_ utf8: UnsafeRawBufferPointer) throws
    /// A number written without fraction or exponent that fits `Int64`, exactly.
    mutating func integer(_ value: Int64) throws
    /// Any other number, correctly rounded (an integer literal outside `Int64` lands here).
    mutating func double(_ value: Double) throws
    mutating func bool(_ value: Bool) throws
    mutating func null() throws
}
