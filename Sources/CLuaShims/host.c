#define _GNU_SOURCE
#include <pthread.h>
// Host functions (the trampoline), protected runs with a traceback, text-only loading,
// read-only proxies and `require`.
#include <stdio.h>
#include "context.h"

static onb_dispatch_fn g_dispatch;
static onb_release_fn g_release;

void onb_set_host_callbacks(onb_dispatch_fn dispatch, onb_release_fn release) {
    g_dispatch = dispatch;
    g_release = release;
}

int onb_gettop(lua_State *L) { return lua_gettop(L); }

size_t onb_thread_stack_size(void) {
    pthread_attr_t attr;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return 0;
    pthread_attr_getstacksize(&attr, &size);
    pthread_attr_destroy(&attr);
    return size;
}

void onb_stdout_write(const void *bytes, size_t len) { fwrite(bytes, 1, len, stdout); }
void onb_stdout_flush(void) { fflush(stdout); }

/* The only way Lua enters Swift. Swift never raises: it returns -1 after pushing an error
   value, and this C frame raises it. The memory cap is lifted while Swift runs (host work must
   not fail half-way) and checked again when it returns. */
static int trampoline(lua_State *L) {
    onb_context *c = onb_ctx(L);
    void **box = lua_touserdata(L, lua_upvalueindex(1));
    c->host_depth++;
    int n = g_dispatch(L, *box, c->owner, lua_gettop(L));
    c->host_depth--;
    if (c->enforcing > 0 && c->host_depth == 0 && c->memory_limit && c->used > c->memory_limit
        && !atomic_load(&c->killed))
        onb_kill(c, ONB_KILL_MEMORY);
    if (atomic_load(&c->killed) && c->enforcing > 0) return onb_raise_kill(L, c);
    if (n < 0) return lua_error(L);
    return n;
}

static int release_box(lua_State *L) {
    void **box = lua_touserdata(L, 1);
    if (box && *box) {
        g_release(*box);
        *box = NULL;
    }
    return 0;
}

void onb_push_host_function(lua_State *L, void *box) {
    void **ud = lua_newuserdatauv(L, sizeof(void *), 0);
    *ud = box;
    if (luaL_newmetatable(L, ONB_REG_HOSTFN_MT)) {
        lua_pushcfunction(L, release_box);
        lua_setfield(L, -2, "__gc");
        lua_pushliteral(L, "locked");
        lua_setfield(L, -2, "__metatable");
    }
    lua_setmetatable(L, -2);
    lua_pushcclosure(L, trampoline, 1);
}

/* Message handler: records the display message, the first Lua location and a traceback in
   the registry, and returns the error value unchanged. */
static int msghandler(lua_State *L) {
    onb_context *c = onb_ctx(L);
    /* level 1 is the function that raised; an error raised inside hidden library code belongs
       to the script line that called the library */
    c->error_source[0] = 0;
    c->error_line = onb_script_position(L, 1, c->error_source, sizeof c->error_source);
    if (lua_type(L, 1) == LUA_TSTRING) {
        lua_pushvalue(L, 1);
    } else if (!atomic_load(&c->killed) && luaL_callmeta(L, 1, "__tostring")
               && lua_type(L, -1) == LUA_TSTRING) {
        /* the script's own __tostring, run while limits still hold; an error object carries no
           position, so the message gets the script's */
        if (c->error_line > 0) {
            lua_pushfstring(L, "%s:%d: %s", c->error_source, c->error_line, lua_tostring(L, -1));
            lua_remove(L, -2);
        }
    } else {
        lua_settop(L, 1);
        lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, ONB_REG_MESSAGE);
    luaL_traceback(L, L, NULL, 1);
    lua_setfield(L, LUA_REGISTRYINDEX, ONB_REG_TRACEBACK);
    lua_settop(L, 1);
    return 1;
}

static int call_enforced(lua_State *L, int nargs, int nresults, int with_handler) {
    onb_context *c = onb_ctx(L);
    int base = lua_gettop(L) - nargs;
    if (with_handler) {
        lua_pushnil(L);
        lua_setfield(L, LUA_REGISTRYINDEX, ONB_REG_TRACEBACK);
        lua_pushnil(L);
        lua_setfield(L, LUA_REGISTRYINDEX, ONB_REG_MESSAGE);
        lua_pushcfunction(L, msghandler);
        lua_insert(L, base);
    }
    int saved_depth = c->host_depth;
    c->host_depth = 0; /* a host callback into Lua runs under the cap again */
    c->enforcing++;
    onb_set_current(c, L);
    int status = lua_pcall(L, nargs, nresults, with_handler ? base : 0);
    c->enforcing--;
    c->host_depth = saved_depth;
    if (with_handler) lua_remove(L, base);
    return status;
}

int onb_run(lua_State *L, int nargs, int nresults) { return call_enforced(L, nargs, nresults, 1); }
int onb_pcall(lua_State *L, int nargs, int nresults) { return call_enforced(L, nargs, nresults, 0); }

void onb_push_last_traceback(lua_State *L) { lua_getfield(L, LUA_REGISTRYINDEX, ONB_REG_TRACEBACK); }
void onb_push_last_message(lua_State *L) { lua_getfield(L, LUA_REGISTRYINDEX, ONB_REG_MESSAGE); }
const char *onb_error_source(onb_context *c) { return c->error_source; }
int onb_error_line(onb_context *c) { return c->error_line; }

int onb_load_text(lua_State *L, const char *source, size_t len, const char *chunkname) {
    if (len > 0 && source[0] == LUA_SIGNATURE[0]) {
        lua_pushliteral(L, "precompiled (binary) chunks are not accepted; run the .lua source instead");
        return LUA_ERRSYNTAX;
    }
    return luaL_loadbufferx(L, source, len, chunkname, "t");
}

/* ---- read-only proxies (SANDBOX.md §4.6) ---- */

static int readonly_newindex(lua_State *L) {
    return luaL_error(L, "attempt to modify a read-only host table");
}

static int proxy_next(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    return lua_next(L, 1) ? 2 : (lua_pushnil(L), 1);
}

static int proxy_pairs(lua_State *L) {
    lua_pushcfunction(L, proxy_next);
    lua_getmetatable(L, 1);
    lua_getfield(L, -1, "__index");
    lua_remove(L, -2);
    lua_pushnil(L);
    return 3;
}

static int proxy_len(lua_State *L) {
    lua_getmetatable(L, 1);
    lua_getfield(L, -1, "__index");
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
    return 1;
}

/* Replaces the table on top with its proxy; nested tables become proxies too. `seen` (at
   index seen) maps real tables to their proxies so shared and cyclic tables stay one proxy. */
static void make_proxy(lua_State *L, int seen) {
    int real = lua_gettop(L);
    lua_pushvalue(L, real);
    if (lua_rawget(L, seen) != LUA_TNIL) {
        lua_replace(L, real);
        return;
    }
    lua_pop(L, 1);
    luaL_checkstack(L, 8, "host table too deep");
    lua_newtable(L); /* proxy */
    int proxy = lua_gettop(L);
    lua_pushvalue(L, real);
    lua_pushvalue(L, proxy);
    lua_rawset(L, seen);
    /* protect nested tables first */
    lua_pushnil(L);
    while (lua_next(L, real)) {
        if (lua_type(L, -1) == LUA_TTABLE && !lua_getmetatable(L, -1)) {
            make_proxy(L, seen);
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, real);
        } else {
            lua_pop(L, lua_type(L, -1) == LUA_TTABLE ? 2 : 1);
        }
    }
    lua_createtable(L, 0, 5);
    lua_pushvalue(L, real);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, readonly_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushcfunction(L, proxy_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_pushcfunction(L, proxy_len);
    lua_setfield(L, -2, "__len");
    lua_pushliteral(L, "locked");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, proxy);
    lua_getfield(L, LUA_REGISTRYINDEX, ONB_REG_PROTECTED);
    lua_pushvalue(L, proxy);
    lua_pushboolean(L, 1);
    lua_rawset(L, -3);
    lua_pop(L, 1);
    lua_replace(L, real);
    lua_settop(L, real);
}

static int protect_top(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_newtable(L);
    lua_insert(L, 1);
    make_proxy(L, 1);
    return 1;
}

int onb_protect_top(lua_State *L) {
    lua_pushcfunction(L, protect_top);
    lua_insert(L, -2);
    return lua_pcall(L, 1, 1, 0);
}

/* ---- require: preloaded modules, then the host's searcher ---- */

static int set_registry_field(lua_State *L) {
    /* stack: table-name, key, value */
    lua_getfield(L, LUA_REGISTRYINDEX, lua_tostring(L, 1));
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_rawset(L, -3);
    return 0;
}

int onb_preload(lua_State *L, const char *name) {
    lua_pushcfunction(L, set_registry_field);
    lua_pushliteral(L, ONB_REG_PRELOAD);
    lua_pushstring(L, name);
    lua_rotate(L, -4, -1); /* value last */
    return lua_pcall(L, 3, 0, 0);
}

int onb_set_searcher(lua_State *L) {
    lua_setfield(L, LUA_REGISTRYINDEX, ONB_REG_SEARCHER);
    return LUA_OK;
}

static int valid_module_name(const char *s, size_t len) {
    int start = 1;
    if (len == 0 || len > 200) return 0;
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (ch == '.') {
            if (start) return 0;
            start = 1;
        } else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_'
                   || (ch >= '0' && ch <= '9' && !start)) {
            start = 0;
        } else {
            return 0;
        }
    }
    return !start;
}

int onb_require(lua_State *L) {
    size_t len;
    const char *name = luaL_checklstring(L, 1, &len);
    lua_settop(L, 1);
    if (!valid_module_name(name, len))
        return luaL_error(L, "module name '%s' is not valid: use dotted names like 'lib.helpers' "
                             "(no paths, no '..')", name);
    lua_getfield(L, LUA_REGISTRYINDEX, ONB_REG_LOADED); /* 2 */
    lua_pushvalue(L, 1);
    int t = lua_rawget(L, 2);
    if (t == LUA_TBOOLEAN && !lua_toboolean(L, -1))
        return luaL_error(L, "loop or previous error loading module '%s'", name);
    if (t != LUA_TNIL) return 1;
    lua_pop(L, 1);
    lua_getfield(L, LUA_REGISTRYINDEX, ONB_REG_PRELOAD);
    lua_pushvalue(L, 1);
    t = lua_rawget(L, -2);
    lua_remove(L, -2);
    if (t == LUA_TNIL) {
        lua_pop(L, 1);
        if (lua_getfield(L, LUA_REGISTRYINDEX, ONB_REG_SEARCHER) != LUA_TFUNCTION)
            return luaL_error(L, "module '%s' not found", name);
        lua_pushvalue(L, 1);
        lua_call(L, 1, 2); /* source, chunk name | nil, message */
        if (lua_type(L, -2) != LUA_TSTRING) return luaL_error(L, "%s", luaL_optstring(L, -1, "module not found"));
        size_t srclen;
        const char *src = lua_tolstring(L, -2, &srclen);
        if (onb_load_text(L, src, srclen, luaL_checkstring(L, -1)) != LUA_OK) return lua_error(L);
        lua_replace(L, -3);
        lua_pop(L, 1); /* the loader is the chunk */
    } else if (t != LUA_TFUNCTION) {
        /* a preloaded value (a table) is the module itself */
        lua_pushvalue(L, 1);
        lua_pushvalue(L, -2);
        lua_rawset(L, 2);
        return 1;
    }
    /* mark as loading, run the loader, store its result */
    lua_pushvalue(L, 1);
    lua_pushboolean(L, 0);
    lua_rawset(L, 2);
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, 1);
    lua_pushvalue(L, -2);
    lua_rawset(L, 2);
    return 1;
}
