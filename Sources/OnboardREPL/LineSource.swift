import Foundation

/// What reading a line gave.
public enum LineEvent: Equatable, Sendable {
    case line(String)
    /// Ctrl-C while editing: the line is dropped.
    case interrupted
    /// Ctrl-D on an empty line, or the input ended.
    case end
}

/// Where the REPL's lines come from: the line editor on a terminal, or standard input read as
/// a whole when it is a pipe or a file.
public protocol LineSource: AnyObject {
    func read(prompt: String) -> LineEvent
    /// Adds one complete input (several lines for a multi-line statement) to the history.
    func remember(_ entry: String)
}

/// The lines of a text read to its end (`onboard repl < session.lua`): no prompt, no history.
public final class ScriptedLines: LineSource {
    private var lines: [String]
    private var next = 0

    public init(_ text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        self.lines = lines
    }

    /// Everything on the descriptor, up to its end.
    public static func reading(_ handle: FileHandle = .standardInput) -> ScriptedLines {
        ScriptedLines(String(decoding: handle.readDataToEndOfFile(), as: UTF8.self))
    }

    public func read(prompt: String) -> LineEvent {
        guard next < lines.count else { return .end }
        defer { next += 1 }
        return .line(lines[next])
    }

    public func remember(_ entry: String) {}
}
