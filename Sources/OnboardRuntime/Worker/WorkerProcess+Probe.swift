import CProcess
import Foundation
import JSONCodec

/// The lock-down's test hook (WorkerKernelSandboxTests): a start message with a `probe` field
/// runs the worker as usual up to the lock-down, then, instead of the script, tries what the
/// sandbox must refuse and reports each errno in a `probed` message. The parent never sends
/// it, and nothing in Lua reaches it: only a test that writes its own start message does.
///
///     "probe": {"layers": ["landlock", "seccomp"], "dangerous": true}
extension WorkerProcess {
    /// The layers a probe asks for (both when it names none), so each can be shown to refuse
    /// on its own.
    static func probeLayers(_ probe: JSONValue) -> KernelSandbox.Layers {
        guard let names = probe["layers"]?.arrayValue else { return .all }
        var layers: KernelSandbox.Layers = []
        for name in names.compactMap(\.stringValue) {
            if name == "landlock" { layers.insert(.landlock) }
            if name == "seccomp" { layers.insert(.seccomp) }
        }
        return layers
    }

    static func reportProbe(_ probe: JSONValue, sandbox: KernelSandbox, effects: RemoteEffects) -> Never {
        let r = onb_probe_refusals(probe["dangerous"]?.boolValue == true ? 1 : 0)
        let attempts: [String: Int32] = [
            "socket_inet": r.socket_inet, "socket_unix": r.socket_unix, "open_passwd": r.open_passwd,
            "create_file": r.create_file, "signal_parent": r.signal_parent, "fork": r.fork, "execve_true": r.execve_true,
        ]
        var fields = attempts.mapValues { JSONValue.integer(Int64($0)) }
        fields["kernel_sandbox"] = sandbox.json
        effects.finish(.message(.probed, fields))
        exit(0)
    }
}
