import CProcess
import Foundation
import JSONCodec

#if canImport(Glibc)
import Glibc
#endif

/// The worker's kernel layers (`Sources/CProcess`): Landlock with no filesystem access, then a
/// seccomp allow-list, applied once the state is built and before the script's first
/// instruction. A kernel that lacks one leaves the worker with the other and its rlimits,
/// unless `ONBOARD_REQUIRE_KERNEL_SANDBOX=1` asks for both.
struct KernelSandbox: Equatable, Sendable {
    /// 0 when the layer is on, otherwise the errno that kept it off.
    var landlock: Int32
    var seccomp: Int32

    static let environmentVariable = "ONBOARD_REQUIRE_KERNEL_SANDBOX"

    /// Whether the parent's environment asks for both layers (read by the parent only: the
    /// worker's environment is empty).
    static var requiredByEnvironment: Bool { ProcessInfo.processInfo.environment[environmentVariable] == "1" }

    struct Layers: OptionSet, Sendable {
        let rawValue: Int32
        static let landlock = Layers(rawValue: ONB_LAYER_LANDLOCK)
        static let seccomp = Layers(rawValue: ONB_LAYER_SECCOMP)
        static let all: Layers = [.landlock, .seccomp]
    }

    /// Locks this process down for good (see `onb_lockdown`).
    static func lockDown(_ layers: Layers = .all) -> KernelSandbox {
        let status = onb_lockdown(layers.rawValue)
        return KernelSandbox(landlock: status.landlock, seccomp: status.seccomp)
    }

    var isComplete: Bool { landlock == 0 && seccomp == 0 }

    /// The layers that are off, in words: `Landlock (ENOSYS: ...)`.
    var missing: [String] {
        [("Landlock", landlock), ("seccomp", seccomp)].compactMap { name, error in
            switch error {
            case 0: nil
            case -1: "\(name) (not asked for)"
            default: "\(name) (\(Self.errnoName(error)): \(String(cString: strerror(error))))"
            }
        }
    }

    /// Why a run that requires both layers cannot go on, or nil.
    func refusal(required: Bool) -> String? {
        guard required, !isComplete else { return nil }
        return "the kernel sandbox is required (\(Self.environmentVariable)=1) but the worker could not turn on "
            + missing.joined(separator: " and ") + "; run on a kernel with seccomp and Landlock, or unset \(Self.environmentVariable) to run with rlimits as the backstop (docs/sandbox.md)"
    }

    /// The note the parent shows once when a layer is off and none is required.
    var note: String? {
        isComplete ? nil : "onboard: note: the worker runs without " + missing.joined(separator: " and ")
            + " on this kernel; its rlimits are the backstop (docs/sandbox.md; \(Self.environmentVariable)=1 refuses to run instead)"
    }

    /// As the `started` and `ready` messages carry it.
    var json: JSONValue { ["landlock": .integer(Int64(landlock)), "seccomp": .integer(Int64(seccomp))] }

    init(landlock: Int32, seccomp: Int32) {
        self.landlock = landlock
        self.seccomp = seccomp
    }

    init?(_ json: JSONValue?) {
        guard let l = json?["landlock"]?.intValue, let s = json?["seccomp"]?.intValue else { return nil }
        self.init(landlock: Int32(clamping: l), seccomp: Int32(clamping: s))
    }

    private static func errnoName(_ error: Int32) -> String {
        switch error {
        case ENOSYS: "ENOSYS"
        case EOPNOTSUPP: "EOPNOTSUPP"
        case EPERM: "EPERM"
        case EINVAL: "EINVAL"
        case EACCES: "EACCES"
        default: "errno \(error)"
        }
    }
}
