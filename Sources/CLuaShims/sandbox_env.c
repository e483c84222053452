// Builds the script environment from an allow-list (SANDBOX.md §4.5): nothing is deleted,
// everything a script can reach is added on purpose.
#include <string.h>
#include "context.h"

void onb_register_base_wrappers(lua_State *L, int original_globals);
int onb_require(lua_State *L);

static const char *const base_kept[] = {
    "assert", "error", "getmetatable", "ipairs", "next", "pairs", "pcall", "rawequal",
    "rawget", "rawlen", "select", "tonumber", "tostring", "type", "_VERSION", NULL,
};
static const char *const string_kept[] = {
    "byte", "char", "find", "format", "gmatch", "gsub", "len", "lower", "match", "pack",
    "packsize", "rep", "reverse", "sub", "unpack", "upper", NULL,
};
static const char *const os_kept[] = { "clock", "date", "difftime", "time", NULL };

/* Copies the named fields (all when names is NULL) of the table at src into the table on top. */
static void copy_fields(lua_State *L, int src, const char *const *names) {
    if (names) {
        for (; *names; names++) {
            lua_getfield(L, src, *names);
            lua_setfield(L, -2, *names);
        }
        return;
    }
    lua_pushnil(L);
    while (lua_next(L, src)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
}

/* Pushes a new table holding a copy of library `lib` (from the original globals at g). */
static int new_library(lua_State *L, int g, const char *lib, const char *const *names) {
    lua_getfield(L, g, lib);
    int src = lua_gettop(L);
    lua_newtable(L);
    copy_fields(L, src, names);
    lua_remove(L, src);
    return lua_gettop(L);
}

static int build_sandbox(lua_State *L) {
    luaL_openlibs(L); /* the originals; only what is copied below stays reachable */
    lua_pushglobaltable(L);
    int g = lua_gettop(L);

    lua_newtable(L); /* the script's globals */
    int env = lua_gettop(L);
    copy_fields(L, g, base_kept);
    onb_register_base_wrappers(L, g);
    lua_pushcfunction(L, onb_require);
    lua_setfield(L, env, "require");
    lua_pushvalue(L, env);
    lua_setfield(L, env, "_G");

    new_library(L, g, "coroutine", NULL);
    onb_open_coroutine_wrappers(L);
    lua_setfield(L, env, "coroutine");
    new_library(L, g, "table", NULL);
    lua_setfield(L, env, "table");
    new_library(L, g, "math", NULL);
    lua_setfield(L, env, "math");
    new_library(L, g, "utf8", NULL);
    lua_setfield(L, env, "utf8");
    new_library(L, g, "os", os_kept);
    lua_setfield(L, env, "os");
    int str = new_library(L, g, "string", string_kept);

    /* The string metatable: methods come from the filtered table, and it is locked
       (getmetatable("") returns a string, so it cannot be changed). */
    lua_pushliteral(L, "");
    lua_getmetatable(L, -1);
    lua_pushvalue(L, str);
    lua_setfield(L, -2, "__index");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 2);
    lua_setfield(L, env, "string");

    /* The script's globals replace the originals; the original library tables become unreachable. */
    lua_pushvalue(L, env);
    lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    return 0;
}

static int build_common(lua_State *L) {
    lua_newtable(L); /* weak set of read-only proxies */
    lua_newtable(L);
    lua_pushliteral(L, "k");
    lua_setfield(L, -2, "__mode");
    lua_setmetatable(L, -2);
    lua_setfield(L, LUA_REGISTRYINDEX, ONB_REG_PROTECTED);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, ONB_REG_PRELOAD);
    lua_newtable(L);
    lua_setfield(L, LUA_REGISTRYINDEX, ONB_REG_LOADED);
    return 0;
}

static int open_sandbox(lua_State *L) {
    build_common(L);
    return build_sandbox(L);
}

static int open_standard(lua_State *L) {
    build_common(L);
    luaL_openlibs(L);
    return 0;
}

static int protected_call(lua_State *L, lua_CFunction f) {
    onb_context *c = onb_ctx(L);
    int saved = c->enforcing;
    c->enforcing = 0; /* building the state is host work: no cap */
    lua_pushcfunction(L, f);
    int status = lua_pcall(L, 0, 0, 0);
    c->enforcing = saved;
    return status;
}

int onb_open_sandbox(lua_State *L) { return protected_call(L, open_sandbox); }
int onb_open_standard(lua_State *L) { return protected_call(L, open_standard); }
