import LuaKit
import YousignAPI

extension YousignModule {
    /// host.control(action, arguments...) → true, result | false, error: the emulator's control
    /// surface (`emulator.sign(sr_id, signer_id)` and the rest, stdlib/yousign.lua).
    static func control(_ args: LuaArguments, _ host: any FlowEffects) throws -> Int {
        let name = try args.string(0)
        func text(_ i: Int, _ what: String) throws(LuaError) -> String {
            guard args.type(i) == "string" else { throw LuaError(status: .runtime, message: "emulator.\(name): \(what) expected, got \(args.type(i))") }
            return try args.string(i)
        }
        func optionalText(_ i: Int) throws(LuaError) -> String? { args.isNil(i) ? nil : try args.string(i) }
        let action: ControlAction
        switch name {
        case "sign": action = .sign(signatureRequest: try text(1, "signature request id"), signer: try text(2, "signer id"))
        case "decline":
            action = .decline(signatureRequest: try text(1, "signature request id"), signer: try text(2, "signer id"), reason: try optionalText(3))
        case "approve": action = .approve(signatureRequest: try text(1, "signature request id"), approver: try text(2, "approver id"))
        case "reject":
            action = .reject(signatureRequest: try text(1, "signature request id"), approver: try text(2, "approver id"), reason: try optionalText(3))
        case "complete":
            var codes: [String]?
            if case .table(let t) = try args.value(4) {
                codes = t.array.compactMap { if case .string(let s) = $0 { s.lossyText } else { nil } }
            }
            action = .complete(verificationType: try text(1, "verification type"), id: try text(2, "verification id"),
                               status: try text(3, "status"), statusCodes: codes)
        case "advance":
            let seconds = try args.number(1)
            guard seconds.isFinite, seconds >= 0 else { throw args.bad(1, "number of seconds (0 or more)") }
            action = .advance(seconds: seconds)
        case "reset": action = .reset
        case "reset_clock": action = .resetClock
        case "deliveries": action = .deliveries
        case "clock": action = .clock
        case "faults":
            guard case .table(let rule) = try args.value(1) else {
                return fail(args, "emulator.faults: a table (the fault rule) expected, got \(args.type(1))")
            }
            do { action = .faults(try CallBuilder.json(.table(rule), "emulator.faults", at: "rule")) } catch let error as CallBuilder.Failure {
                return fail(args, error.message)
            }
        case "list_faults": action = .listFaults
        case "clear_faults": action = .clearFaults
        case "add_template":
            guard case .table(let template) = try args.value(1) else {
                return fail(args, "emulator.seed: each template must be a table, got \(args.type(1))")
            }
            do { action = .addTemplate(try CallBuilder.json(.table(template), "emulator.seed", at: "template")) } catch let error as CallBuilder.Failure {
                return fail(args, error.message)
            }
        default: throw args.bad(0, "emulator action")
        }
        return push(host.control(action), args, name: "emulator." + name)
    }
}
