import CLua

/// Facts about the linked Lua library.
public enum LuaInfo {
    /// "Lua 5.4.4", from the headers this was built against.
    public static let release = "Lua " + LUA_VERSION_MAJOR + "." + LUA_VERSION_MINOR + "." + LUA_VERSION_RELEASE
}
