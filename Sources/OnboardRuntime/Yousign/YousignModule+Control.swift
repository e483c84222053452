import LuaKit
import YousignAPI

extension YousignModule {
    /// host.control(action, arguments...) → true, result | false, error: the emulator's control
    /// surface (`emulator.sign(sr_id, signer_id)` and the rest, stdlib/yousign.lua).
    static func control(_ args: LuaArguments, _ host: FlowHost) throws -> Int {
        let action = try args.string(0)
        func text(_ i: Int, _ what: String) throws(LuaError) -> String {
            guard args.type(i) == "string" else { throw LuaError(status: .runtime, message: "emulator.\(action): \(what) expected, got \(args.type(i))") }
            return try args.string(i)
        }
        func optionalText(_ i: Int) throws(LuaError) -> String? { args.isNil(i) ? nil : try args.string(i) }
        let outcome: Result<APIResult, YousignError>
        switch action {
        case "sign":
            let (sr, signer) = (try text(1, "signature request id"), try text(2, "signer id"))
            outcome = host.emulator { c throws(YousignError) in try await c.sign(signatureRequest: sr, signer: signer) }
        case "decline":
            let (sr, signer, reason) = (try text(1, "signature request id"), try text(2, "signer id"), try optionalText(3))
            outcome = host.emulator { c throws(YousignError) in try await c.decline(signatureRequest: sr, signer: signer, reason: reason) }
        case "approve":
            let (sr, approver) = (try text(1, "signature request id"), try text(2, "approver id"))
            outcome = host.emulator { c throws(YousignError) in try await c.approve(signatureRequest: sr, approver: approver) }
        case "reject":
            let (sr, approver, reason) = (try text(1, "signature request id"), try text(2, "approver id"), try optionalText(3))
            outcome = host.emulator { c throws(YousignError) in try await c.reject(signatureRequest: sr, approver: approver, reason: reason) }
        case "complete":
            let (type, id, status) = (try text(1, "verification type"), try text(2, "verification id"), try text(3, "status"))
            var codes: [String]?
            if case .table(let t) = try args.value(4) {
                codes = t.array.compactMap { if case .string(let s) = $0 { s.lossyText } else { nil } }
            }
            let statusCodes = codes
            outcome = host.emulator { c throws(YousignError) in
                try await c.complete(verificationType: type, id: id, status: status, statusCodes: statusCodes)
            }
        case "advance":
            let seconds = try args.number(1)
            guard seconds.isFinite, seconds >= 0 else { throw args.bad(1, "number of seconds (0 or more)") }
            outcome = host.emulator { c throws(YousignError) in try await c.advance(seconds: seconds) }
        case "reset":
            outcome = host.emulator { c throws(YousignError) in try await c.reset() }
        case "deliveries":
            outcome = host.emulator { c throws(YousignError) in try await c.deliveries() }
        case "clock":
            outcome = host.emulator { c throws(YousignError) in try await c.send("GET", "/clock") }
        default:
            throw args.bad(0, "emulator action")
        }
        return push(outcome, nil, args, host)
    }
}
