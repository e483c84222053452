// coroutine.resume/wrap/create/close replacements. They track which Lua thread runs (so a kill
// from another thread arms the right one), carry a kill across resume boundaries, charge each
// coroutine to the instruction budget, and bound coroutine.close nesting, which overflows the
// C stack in Debian's 5.4.4 (SANDBOX.md §3.3).
#include "context.h"

static lua_State *getco(lua_State *L) {
    lua_State *co = lua_tothread(L, 1);
    luaL_argexpected(L, co, 1, "coroutine");
    return co;
}

static void charge_coroutine(lua_State *L, onb_context *c) {
    if (!c->instruction_limit) return;
    c->instructions += ONB_COROUTINE_CHARGE;
    if (c->instructions > c->instruction_limit) {
        onb_kill(c, ONB_KILL_INSTRUCTIONS);
        onb_raise_kill(L, c);
    }
}

/* Resumes `co` with `narg` values from L. Returns the number of results moved to L, or -1
   with the error on L's top. Raises in L when a kill is pending after the resume. */
static int auxresume(lua_State *L, lua_State *co, int narg) {
    onb_context *c = onb_ctx(L);
    int status, nres;
    if (!lua_checkstack(co, narg)) {
        lua_pushliteral(L, "too many arguments to resume");
        return -1;
    }
    lua_xmove(L, co, narg);
    onb_set_current(c, co);
    status = lua_resume(co, L, narg, &nres);
    onb_set_current(c, L);
    if (atomic_load(&c->killed) && c->enforcing > 0) onb_raise_kill(L, c);
    if (status == LUA_OK || status == LUA_YIELD) {
        if (!lua_checkstack(L, nres + 1)) {
            lua_pop(co, nres);
            lua_pushliteral(L, "too many results to resume");
            return -1;
        }
        lua_xmove(co, L, nres);
        return nres;
    }
    lua_xmove(co, L, 1);
    return -1;
}

/* Same status rules as lcorolib's auxstatus. */
enum { CO_RUN, CO_DEAD, CO_YIELD, CO_NORM };
static int costatus(lua_State *L, lua_State *co) {
    if (L == co) return CO_RUN;
    switch (lua_status(co)) {
    case LUA_YIELD: return CO_YIELD;
    case LUA_OK: {
        lua_Debug ar;
        if (lua_getstack(co, 0, &ar)) return CO_NORM;
        else if (lua_gettop(co) == 0) return CO_DEAD;
        else return CO_YIELD; /* initial state */
    }
    default: return CO_DEAD;
    }
}

static int onb_resume(lua_State *L) {
    lua_State *co = getco(L);
    int r;
    int st = costatus(L, co);
    if (st == CO_DEAD || st == CO_RUN || st == CO_NORM) {
        lua_pushboolean(L, 0);
        lua_pushstring(L, st == CO_DEAD ? "cannot resume dead coroutine"
                                        : "cannot resume non-suspended coroutine");
        return 2;
    }
    r = auxresume(L, co, lua_gettop(L) - 1);
    if (r < 0) {
        lua_pushboolean(L, 0);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushboolean(L, 1);
    lua_insert(L, -(r + 1));
    return r + 1;
}

static int auxwrap(lua_State *L) {
    lua_State *co = lua_tothread(L, lua_upvalueindex(1));
    int st = costatus(L, co);
    if (st == CO_DEAD || st == CO_RUN || st == CO_NORM)
        return luaL_error(L, st == CO_DEAD ? "cannot resume dead coroutine"
                                           : "cannot resume non-suspended coroutine");
    int r = auxresume(L, co, lua_gettop(L));
    if (r < 0) {
        int stat = lua_status(co);
        if (stat != LUA_OK && stat != LUA_YIELD) {
            stat = lua_resetthread(co);
            lua_xmove(co, L, 1);
        }
        if (stat != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
            luaL_where(L, 1);
            lua_insert(L, -2);
            lua_concat(L, 2);
        }
        return lua_error(L);
    }
    return r;
}

static int onb_create(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    charge_coroutine(L, onb_ctx(L));
    lua_State *NL = lua_newthread(L);
    lua_pushvalue(L, 1);
    lua_xmove(L, NL, 1);
    return 1;
}

static int onb_wrap(lua_State *L) {
    onb_create(L);
    lua_pushcclosure(L, auxwrap, 1);
    return 1;
}

static int onb_close(lua_State *L) {
    onb_context *c = onb_ctx(L);
    lua_State *co = getco(L);
    int st = costatus(L, co);
    if (st != CO_DEAD && st != CO_YIELD)
        return luaL_error(L, "cannot close a %s coroutine", st == CO_RUN ? "running" : "normal");
    if (c->close_nesting >= ONB_MAX_CLOSE_NESTING)
        return luaL_error(L, "coroutine.close nested too deeply");
    c->close_nesting++;
    onb_set_current(c, co); /* __close handlers of co run on co */
    int status = lua_resetthread(co);
    onb_set_current(c, L);
    c->close_nesting--;
    if (atomic_load(&c->killed) && c->enforcing > 0) onb_raise_kill(L, c);
    if (status == LUA_OK) {
        lua_pushboolean(L, 1);
        return 1;
    }
    lua_pushboolean(L, 0);
    lua_xmove(co, L, 1);
    return 2;
}

/* Replaces resume/wrap/create/close in the coroutine table on top. Stack: unchanged. */
int onb_open_coroutine_wrappers(lua_State *L) {
    lua_pushcfunction(L, onb_resume); lua_setfield(L, -2, "resume");
    lua_pushcfunction(L, onb_wrap); lua_setfield(L, -2, "wrap");
    lua_pushcfunction(L, onb_create); lua_setfield(L, -2, "create");
    lua_pushcfunction(L, onb_close); lua_setfield(L, -2, "close");
    return 0;
}
