// Private: the context shared by the C files of CLuaShims.
#ifndef ONB_CONTEXT_H
#define ONB_CONTEXT_H

#include <pthread.h>
#include <stdatomic.h>
#include "CLuaShims.h"
#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>

/// Memory a killed script may still use while its error unwinds (messages, tracebacks).
#define ONB_KILL_GRACE (1u << 20)
/// Instructions charged per coroutine created: a dying coroutine's partial count is lost (SANDBOX.md §3.1).
#define ONB_COROUTINE_CHARGE 1000
#define ONB_HOOK_PERIOD 1000
#define ONB_MAX_CLOSE_NESTING 100

struct onb_context {
    lua_State *main;
    void *owner;
    size_t used;
    size_t memory_limit;
    uint64_t instruction_limit;
    uint64_t instructions;
    uint64_t output_limit;
    uint64_t output_used;
    onb_write_fn write;
    void *write_ud;
    int enforcing;            /* > 0 while script code runs */
    int host_depth;           /* > 0 while Swift host code runs: the memory cap is lifted */
    int close_nesting;
    _Atomic int killed;
    pthread_mutex_t lock;     /* guards `current` and `closed` against onb_kill from other threads */
    lua_State *current;       /* the Lua thread that is running now */
    int closed;
    char kill_source[128];
    int kill_line;
    char error_source[128];
    int error_line;
    char **hidden_prefixes;   /* chunk names of library code the script's position skips */
    int hidden_count;
};

onb_context *onb_ctx(lua_State *L);
void onb_hook(lua_State *L, lua_Debug *ar);
/// Arms the sticky kill hook on `L` (count 1) and the instruction hook otherwise.
void onb_arm(onb_context *c, lua_State *L);
/// Switches the running thread (coroutine resume/return); arms it when a kill is pending.
void onb_set_current(onb_context *c, lua_State *L);
/// Raises the kill error on L after arming it. Never returns.
int onb_raise_kill(lua_State *L, onb_context *c);
const char *onb_kill_name(int reason);
int onb_write_output(lua_State *L, onb_context *c, const char *s, size_t len);
/// The script's own position from stack `level` up: the first frame with a line whose chunk is
/// not hidden library code, else the first frame with a line. Writes its short source into
/// `source` and returns its line, or -1 when no frame has one.
int onb_script_position(lua_State *L, int level, char *source, size_t size);

int onb_open_coroutine_wrappers(lua_State *L);

/* Registry keys: LuaKit's own, so any program embedding it can tell them from its own. */
#define ONB_REG_TRACEBACK "luakit.traceback"
#define ONB_REG_MESSAGE "luakit.message"
#define ONB_REG_PROTECTED "luakit.protected"
#define ONB_REG_PRELOAD "luakit.preload"
#define ONB_REG_LOADED "luakit.loaded"
#define ONB_REG_SEARCHER "luakit.searcher"
#define ONB_REG_HOSTFN_MT "luakit.hostfunction"

#endif
