import CLineEditor
import Foundation

/// The terminal's line editor (BSD libedit through CLineEditor): emacs keys and ~/.editrc,
/// history with Ctrl-R search kept in a file, Tab completion from a callback, Ctrl-C to drop
/// the line, Ctrl-D on an empty line to end.
public final class LineEditor: LineSource {
    private let editor: OpaquePointer
    private let historyPath: String?
    private let completer: CompleterBox
    /// Entries that must never reach the history file (they contain a key).
    private let secrets: [String]

    /// `complete` gets the text before the cursor. `historyPath` is loaded now and written after
    /// every entry, so a killed session keeps what was typed.
    public init?(historyPath: String?, secrets: [String] = [], complete: @escaping (String) -> (replacing: Int, candidates: [String])) {
        guard let editor = onb_editor_open("onboard", 0, 1, 2) else { return nil }
        self.editor = editor
        self.historyPath = historyPath
        self.secrets = secrets.filter { !$0.isEmpty }
        completer = CompleterBox(complete)
        onb_editor_set_completion(editor, completionTrampoline, Unmanaged.passUnretained(completer).toOpaque())
        if let historyPath { _ = onb_editor_history_load(editor, historyPath) }
    }

    deinit { onb_editor_close(editor) }

    public func read(prompt: String) -> LineEvent {
        onb_editor_set_prompt(editor, prompt)
        var status: Int32 = 0
        let line = onb_editor_read(editor, &status)
        defer { free(line) }
        switch status {
        case 0: return .line(line.map { String(cString: $0) } ?? "")
        case 1: return .interrupted
        default: return .end
        }
    }

    /// Adds the entry unless it starts with a space (the shells' way to keep a line out of the
    /// history) or holds a secret, and saves the history file.
    public func remember(_ entry: String) {
        guard !entry.isEmpty, !entry.hasPrefix(" "), !secrets.contains(where: { entry.contains($0) }) else { return }
        onb_editor_history_add(editor, entry)
        if let historyPath { _ = onb_editor_history_save(editor, historyPath) }
    }
}

private final class CompleterBox {
    let complete: (String) -> (replacing: Int, candidates: [String])
    init(_ complete: @escaping (String) -> (replacing: Int, candidates: [String])) { self.complete = complete }
}

/// The C callback: `N\ncandidate\n...` in a malloc'd string, or NULL for nothing.
private let completionTrampoline: onb_complete_fn = { context, before in
    guard let context, let before else { return nil }
    let box = Unmanaged<CompleterBox>.fromOpaque(context).takeUnretainedValue()
    let (replacing, candidates) = box.complete(String(cString: before))
    guard !candidates.isEmpty else { return nil }
    return strdup(([String(replacing)] + candidates.map { $0.replacingOccurrences(of: "\n", with: " ") }).joined(separator: "\n"))
}
