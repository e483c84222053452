import LuaKit

/// The `env` module (`require("env")`, also a global): the environment variables the run was
/// granted with `--allow-env`, nothing else.
///
/// ```lua
/// local region = env.get("ACME_REGION")   -- nil when granted but not set
/// ```
public enum EnvModule {
    public static func install(in state: LuaState, host: any FlowEffects) throws(LuaError) {
        let get = LuaHostFunction { args in
            guard args.type(0) == "string" else { throw args.bad(0, "variable name") }
            switch host.env(try args.string(0)) {
            case .success(let value): return [value.map { .string(LuaString($0)) } ?? .nil]
            case .failure(.message(let message)): throw LuaError(status: .runtime, message: message)
            case .failure(.api(let error)): throw LuaError(status: .runtime, message: error.description)
            }
        }
        try state.preload("env", ["get": .hostFunction(get)])
        try state.execute("env = require('env')", chunkName: "=env")
    }
}
