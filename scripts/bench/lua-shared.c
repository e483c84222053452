/* A minimal `lua FILE ARGS...` linked against Debian's liblua5.4.so (the library onboard uses),
 * to tell the cost of the shared library apart from the cost of onboard itself.
 * scripts/bench/run builds it with: cc -O2 $(pkg-config --cflags lua5.4) lua-shared.c -llua5.4 */
#include <stdio.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: lua-shared FILE [ARGS...]\n"); return 2; }
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    lua_createtable(L, argc, 1);
    for (int i = 1; i < argc; i++) { lua_pushstring(L, argv[i]); lua_rawseti(L, -2, i - 1); }
    lua_setglobal(L, "arg");
    int status = luaL_loadfile(L, argv[1]);
    if (status == LUA_OK) {
        for (int i = 2; i < argc; i++) lua_pushstring(L, argv[i]);
        status = lua_pcall(L, argc - 2, 0, 0);
    }
    if (status != LUA_OK) { fprintf(stderr, "lua-shared: %s\n", lua_tostring(L, -1)); lua_close(L); return 1; }
    lua_close(L);
    return 0;
}
