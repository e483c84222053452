import LuaKit

/// The modules the host gives every script through `require` (and as globals where a script
/// expects them). Each is a plain value or host function, so a later worker process can serve
/// them over a pipe.
public enum HostModules {
    public static func install(in state: LuaState) throws(LuaError) {
        try LuaJSON.install(in: state)
    }
}
