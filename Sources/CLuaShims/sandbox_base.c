// Replacements for base functions that a hostile script could abuse (SANDBOX.md §4.5).
#include <string.h>
#include "context.h"

/* print: capped by the output limit, written through the host's writer. Stack: unchanged. */
static int onb_print(lua_State *L) {
    onb_context *c = onb_ctx(L);
    int n = lua_gettop(L);
    for (int i = 1; i <= n; i++) {
        size_t len;
        const char *s = luaL_tolstring(L, i, &len);
        if (i > 1) onb_write_output(L, c, "\t", 1);
        onb_write_output(L, c, s, len);
        lua_pop(L, 1);
    }
    onb_write_output(L, c, "\n", 1);
    return 0;
}

/* Reader for load(function): calls the function until it returns nil or "". */
static const char *function_reader(lua_State *L, void *ud, size_t *size) {
    (void)ud;
    luaL_checkstack(L, 2, "too many nested functions");
    lua_pushvalue(L, 1);
    lua_call(L, 0, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        *size = 0;
        return NULL;
    }
    if (!lua_isstring(L, -1)) luaL_error(L, "reader function must return a string");
    lua_replace(L, 5); /* keep the piece alive in a reserved slot */
    return lua_tolstring(L, 5, size);
}

/* load(chunk [, chunkname [, mode [, env]]]): text only; env honoured; default env = globals. */
static int onb_load(lua_State *L) {
    int status;
    size_t len;
    const char *s = lua_tolstring(L, 1, &len);
    const char *mode = luaL_optstring(L, 3, "t");
    int has_env = !lua_isnone(L, 4);
    if (strchr(mode, 't') == NULL) {
        luaL_pushfail(L);
        lua_pushliteral(L, "binary chunks are not allowed in the sandbox");
        return 2;
    }
    if (s != NULL) {
        const char *name = luaL_optstring(L, 2, s);
        status = luaL_loadbufferx(L, s, len, name, "t");
    } else {
        const char *name = luaL_optstring(L, 2, "=(load)");
        luaL_checktype(L, 1, LUA_TFUNCTION);
        lua_settop(L, 5); /* slot 5: the reader's current piece */
        status = lua_load(L, function_reader, NULL, name, "t");
    }
    if (status != LUA_OK) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    if (has_env) {
        lua_pushvalue(L, 4);
        if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    }
    return 1;
}

/* collectgarbage: "count" only. */
static int onb_collectgarbage(lua_State *L) {
    const char *opt = luaL_optstring(L, 1, "collect");
    if (strcmp(opt, "count") != 0)
        return luaL_error(L, "collectgarbage: only \"count\" is allowed in the sandbox");
    int k = lua_gc(L, LUA_GCCOUNT, 0);
    int b = lua_gc(L, LUA_GCCOUNTB, 0);
    lua_pushnumber(L, (lua_Number)k + ((lua_Number)b / 1024));
    return 1;
}

/* setmetatable: refuses a raw __gc (finalizers run with hooks off, SANDBOX.md §3.1). */
static int onb_setmetatable(lua_State *L) {
    if (lua_type(L, 2) == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "setmetatable: __gc metamethods are not allowed in the sandbox");
        lua_pop(L, 1);
    }
    lua_settop(L, 2);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, 2, 1);
    return 1;
}

static int is_protected(lua_State *L, int idx) {
    int r;
    idx = lua_absindex(L, idx);
    lua_getfield(L, LUA_REGISTRYINDEX, ONB_REG_PROTECTED);
    lua_pushvalue(L, idx);
    r = lua_rawget(L, -2) != LUA_TNIL;
    lua_pop(L, 2);
    return r;
}

/* rawset: refuses the host's read-only proxies. */
static int onb_rawset(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    if (is_protected(L, 1)) return luaL_error(L, "attempt to modify a read-only host table");
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

/* xpcall's message handler runs with hooks off after a kill from the hook (SANDBOX.md §3.1):
   once killed, hand the error back unchanged instead of running the user's handler. */
static int xpcall_handler(lua_State *L) {
    if (atomic_load(&onb_ctx(L)->killed)) return 1;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int finishpcall(lua_State *L, int status, lua_KContext extra) {
    if (status != LUA_OK && status != LUA_YIELD) {
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    return lua_gettop(L) - (int)extra;
}

static int onb_xpcall(lua_State *L) {
    int n = lua_gettop(L);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, xpcall_handler, 1);
    lua_replace(L, 2);
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2);
    int status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finishpcall);
    return finishpcall(L, status, 2);
}

/* Registers the base replacements into the table on top. Stack: unchanged. */
void onb_register_base_wrappers(lua_State *L, int original_globals) {
    lua_pushcfunction(L, onb_print); lua_setfield(L, -2, "print");
    lua_pushcfunction(L, onb_load); lua_setfield(L, -2, "load");
    lua_pushcfunction(L, onb_collectgarbage); lua_setfield(L, -2, "collectgarbage");
    lua_pushcfunction(L, onb_rawset); lua_setfield(L, -2, "rawset");
    lua_pushcfunction(L, onb_xpcall); lua_setfield(L, -2, "xpcall");
    lua_getfield(L, original_globals, "setmetatable");
    lua_pushcclosure(L, onb_setmetatable, 1);
    lua_setfield(L, -2, "setmetatable");
}
