import LuaKit

/// The `env` module (`require("env")`, also a global): the environment variables the run was
/// granted with `--allow-env`, nothing else.
///
/// ```lua
/// local region = env.get("ACME_REGION")   -- nil when granted but not set
/// ```
public enum EnvModule {
    public static func install(in state: LuaState, env: EnvAccess) throws(LuaError) {
        let get = LuaHostFunction { args in
            guard args.type(0) == "string" else { throw args.bad(0, "variable name") }
            do {
                return [try env.get(try args.string(0)).map { .string(LuaString($0)) } ?? .nil]
            } catch let denied as EnvAccess.Denied {
                throw LuaError(status: .runtime, message: denied.description)
            }
        }
        try state.preload("env", ["get": .hostFunction(get)])
        try state.execute("env = require('env')", chunkName: "=env")
    }
}
