import ArgumentParser
import Foundation
import LuaKit
import OnboardRuntime

/// `onboard trigger EVENT`: makes the emulator produce a webhook event, with whatever objects it
/// needs (stdlib/trigger.lua's recipes), as `stripe trigger` does.
struct Trigger: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make the emulator produce a webhook event, creating the objects it needs.",
        discussion: """
            Runs stdlib/trigger.lua's recipe for EVENT against the emulator (--client NAME for a \
            client's, --emulator URL for an `onboard serve`, else the embedded state): it makes \
            the objects (a signature request with a document and a signer, a workflow session, a \
            verification...) and does what a person would (sign, decline, approve) through the \
            control surface. The emulator then delivers the event to every subscription that \
            takes it, such as the one `onboard listen` makes. --list prints the events it can make.

              onboard trigger signature_request.done --client acme
            """
    )

    @OptionGroup(title: "Backend") var backend: BackendOptions

    @Flag(help: "List the events the emulator can be made to send.")
    var list = false

    @Argument(help: ArgumentHelp("The event, like signature_request.done.", valueName: "event"))
    var event: String?

    func validate() throws {
        if !list && event == nil { throw ValidationError("name the event to trigger, like signature_request.done (--list lists them)") }
        try backend.validateChoice()
    }

    func run() throws {
        let code: String
        if list {
            code = "for _, name in ipairs(require('trigger').events()) do print(name) end"
        } else {
            code = """
                local event = ...
                local function deliveries() local d = emulator.deliveries() return d.data or d end
                local before = #deliveries()
                local id = require("trigger").run(event)
                local sent = 0
                local list = deliveries()
                for i = before + 1, #list do
                  local d = list[i]
                  if d.event_name == event then
                    sent = sent + 1
                    print(("%s  %s  about %s  -> %s"):format(d.event_name, d.event_id, id, d.endpoint))
                  end
                end
                return sent, id
                """
        }
        let prepared = try backend.prepareOrExit(permissions: try PermissionOptions.parse([]))
        defer { backend.finish(prepared) }
        if !list && !prepared.host.hasEmulator {
            Diagnostics.error("onboard trigger makes an emulator produce events (its control surface stands in for signers), and this backend is \(prepared.host.backendSummary)")
            throw ExitCode(ExitStatus.usage)
        }
        let run = ScriptRun(script: .commandLine(code), arguments: event.map { [$0] } ?? [], interpreterArguments: ["onboard", "trigger"],
                            scriptName: "onboard trigger", limits: .defaults, output: { LuaState.standardOutput($0) },
                            host: prepared.host)
        let result = try? LuaThread.run { () -> Result<[LuaValue], LuaError> in
            do throws(LuaError) { return .success(try run.execute()) } catch { return .failure(error) }
        }
        LuaState.flushStandardOutput()
        switch result {
        case .success(let values)?:
            if !list, values.first == .integer(0) {
                let about = if case .string(let s)? = values.dropFirst().first { s.lossyText } else { "?" }
                Diagnostics.warning("\(event ?? "") happened (about \(about)), but no webhook subscription of this emulator takes it; `onboard listen --forward-to URL` makes one")
            }
        case .failure(let error)?:
            Diagnostics.error(error.message.replacingOccurrences(of: "(command line):", with: "onboard trigger:"))
            throw ExitCode(ExitStatus.scriptError)
        case nil:
            Diagnostics.error("onboard trigger: the Lua thread could not start")
            throw ExitCode(ExitStatus.scriptError)
        }
    }
}
