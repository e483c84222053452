import Foundation

/// The REPL's own commands. A line is one when it starts with `.` and a letter: no Lua
/// statement or expression does (`.5` is a number, and stays Lua).
enum ReplCommand: Equatable {
    case help
    case load(String)
    case backend
    case exit
    case unknown(String)

    init?(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("."), let first = trimmed.dropFirst().first, first.isLetter else { return nil }
        let words = trimmed.dropFirst().split(separator: " ", maxSplits: 1)
        let argument = words.count > 1 ? words[1].trimmingCharacters(in: .whitespaces) : ""
        switch words[0] {
        case "help": self = .help
        case "load": self = .load(argument)
        case "backend": self = .backend
        case "exit", "quit": self = .exit
        default: self = .unknown(String(words[0]))
        }
    }

    static let helpText = """
        Commands:
          .help          this text
          .load FILE     run a Lua file in this session (its globals and top-level locals stay)
          .backend       which backend `yousign` talks to, and where the session runs
          .exit          leave (or Ctrl-D on an empty line)

        Lua:
          A line is tried as an expression first, so `1 + 1` and `yousign.workflow_templates.list()`
          print their results; an unfinished statement continues on the >> prompt.
          `local x = 1` at the prompt stays visible to later lines (a session variable, not a
          global); `_` holds the last result, `_err` the last error.
          Results print with require("inspect"), which scripts can use too.

        Keys:
          Tab            complete globals, fields (yousign.signature_requests.<Tab>), methods
                         after `:`, string keys after `["`, recent ids inside quotes
          Ctrl-R         search the history (kept per folder in .onboard/repl_history)
          Ctrl-C         drop the line, or interrupt the running statement (the session stays)
          Ctrl-D         exit, on an empty line
        """
}
