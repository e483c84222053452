// Debian's liblua5.4-dev, plus what Swift cannot import from it: Lua's API macros.
#ifndef CLUA_SHIM_H
#define CLUA_SHIM_H

#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>

// lua_pop is a macro over lua_settop.
static inline void clua_pop(lua_State *L, int n) { lua_settop(L, -(n) - 1); }
// lua_newtable is a macro over lua_createtable.
static inline void clua_newtable(lua_State *L) { lua_createtable(L, 0, 0); }
// lua_tostring is a macro over lua_tolstring.
static inline const char *clua_tolstring(lua_State *L, int i, size_t *len) { return lua_tolstring(L, i, len); }
// lua_isnoneornil is a macro over lua_type.
static inline int clua_isnoneornil(lua_State *L, int i) { return lua_type(L, i) <= 0; }
// lua_upvalueindex is a macro over LUA_REGISTRYINDEX.
static inline int clua_upvalueindex(int i) { return LUA_REGISTRYINDEX - i; }
// LUA_REGISTRYINDEX is an expression macro Swift cannot import.
static inline int clua_registryindex(void) { return LUA_REGISTRYINDEX; }
// lua_tointeger / lua_tonumber are macros over the *x variants.
static inline lua_Integer clua_tointeger(lua_State *L, int i, int *isnum) { return lua_tointegerx(L, i, isnum); }
static inline lua_Number clua_tonumber(lua_State *L, int i, int *isnum) { return lua_tonumberx(L, i, isnum); }
// lua_insert / lua_remove are macros over lua_rotate.
static inline void clua_insert(lua_State *L, int i) { lua_rotate(L, i, 1); }
static inline void clua_remove(lua_State *L, int i) { lua_rotate(L, i, -1); lua_settop(L, -2); }

#endif
