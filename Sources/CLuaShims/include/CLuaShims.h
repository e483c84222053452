// The C side of LuaKit: everything that may raise a Lua error or yield lives here, never in Swift
// (a longjmp across a Swift frame skips its defer and deinit; SANDBOX.md §3.5).
#ifndef CLUASHIMS_H
#define CLUASHIMS_H

#include <stddef.h>
#include <stdint.h>
#include <lua5.4/lua.h>

/// Why a run was stopped. The host reports limits from this, never from the error text.
typedef enum {
    ONB_KILL_NONE = 0,
    ONB_KILL_MEMORY = 1,
    ONB_KILL_INSTRUCTIONS = 2,
    ONB_KILL_TIME = 3,
    ONB_KILL_OUTPUT = 4,
    ONB_KILL_CANCEL = 5,
} onb_kill_reason;

typedef struct onb_context onb_context;

/// Called for every host function call with the state's owner and the argument count: returns
/// the number of results it pushed, or -1 after pushing one error value, which the C trampoline
/// raises.
typedef int (*onb_dispatch_fn)(lua_State *L, void *box, void *owner, int nargs);
/// Called from the `__gc` of a boxed host function, to release the Swift box.
typedef void (*onb_release_fn)(void *box);
/// Receives script output (print). Must not call Lua.
typedef void (*onb_write_fn)(void *ud, const char *bytes, size_t len);

/// Installs the Swift callbacks once per process.
void onb_set_host_callbacks(onb_dispatch_fn dispatch, onb_release_fn release);

/// A context owns the allocator accounting, limits and kill flag of one lua_State.
onb_context *onb_context_new(void);
void onb_context_free(onb_context *c);
/// Opens a state whose allocator is accounted by `c` (no warn function, a panic handler that aborts loudly).
lua_State *onb_state_open(onb_context *c);
/// Closes the state; afterwards onb_kill is a no-op.
void onb_state_close(onb_context *c);

/// Adds a chunk-name prefix of library code (`@lib/`) whose frames the position of an error or a
/// kill skips: an error raised inside a library belongs to the script line that called it.
/// Returns 0, or -1 when out of memory.
int onb_add_hidden_prefix(onb_context *c, const char *prefix);
void onb_clear_hidden_prefixes(onb_context *c);

/// The host object that owns the state (an unretained Swift pointer), for trampolines.
void onb_set_owner(onb_context *c, void *owner);
void *onb_context_owner(lua_State *L);

void onb_set_memory_limit(onb_context *c, size_t bytes);
void onb_set_instruction_limit(onb_context *c, uint64_t count);
void onb_set_output_limit(onb_context *c, uint64_t bytes);
void onb_set_writer(onb_context *c, onb_write_fn fn, void *ud);
size_t onb_memory_used(onb_context *c);
uint64_t onb_output_used(onb_context *c);
uint64_t onb_instructions_charged(onb_context *c);

/// Stops the running script from any thread (a deadline, a cancel): sets the sticky kill flag
/// and arms a hook on the running Lua thread.
void onb_kill(onb_context *c, onb_kill_reason reason);
onb_kill_reason onb_killed(onb_context *c);
/// Clears a kill so the same state can run again (the REPL after Ctrl-C).
void onb_clear_kill(onb_context *c);
/// Where the kill landed: chunk source (short form) and line, or line -1 when unknown.
const char *onb_kill_source(onb_context *c);
int onb_kill_line(onb_context *c);

/// Builds the sandbox environment (allow-list) in a protected call. Returns a Lua status; on
/// failure the message is on the stack.
int onb_open_sandbox(lua_State *L);
/// Opens every standard library (an unsandboxed state for trusted code and tests).
int onb_open_standard(lua_State *L);

/// Pushes a Lua function that calls the Swift box through the C trampoline. The box is released
/// by `__gc` when Lua collects the function. Raises only on a real out-of-memory.
void onb_push_host_function(lua_State *L, void *box);

/// Loads text-only source. Binary chunks are refused. Returns a Lua status; the chunk or the
/// message is on the stack.
int onb_load_text(lua_State *L, const char *source, size_t len, const char *chunkname);

/// Calls the function below `nargs` arguments in protected mode with limits enforced and a
/// message handler that records a traceback (read it with onb_last_traceback).
int onb_run(lua_State *L, int nargs, int nresults);
/// Calls with limits enforced, no traceback (for callbacks from the host).
int onb_pcall(lua_State *L, int nargs, int nresults);
/// Pushes the traceback recorded by the last failed onb_run (or nil).
void onb_push_last_traceback(lua_State *L);
/// The display message of the last failed onb_run (honours __tostring before a kill), or nil.
void onb_push_last_message(lua_State *L);
/// The error location found by the message handler: source and line (-1 when unknown).
const char *onb_error_source(onb_context *c);
int onb_error_line(onb_context *c);

/// Replaces the table on top of the stack by a read-only proxy (recursively for nested tables).
/// Runs in protected mode; returns a Lua status.
int onb_protect_top(lua_State *L);

/// Registers a module for `require`: pops the value (a table or an opener function) and stores it
/// as the preloaded module `name`.
int onb_preload(lua_State *L, const char *name);
/// Sets the searcher used by `require` for names that are not preloaded: pops a function that
/// takes the module name and returns (source, chunk name) or (nil, message); require loads the
/// source as text and runs it.
int onb_set_searcher(lua_State *L);

/// Buffered writes to the process's standard output (C stdio), and its flush.
void onb_stdout_write(const void *bytes, size_t len);
void onb_stdout_flush(void);

/// The stack size of the calling thread (0 when unknown).
size_t onb_thread_stack_size(void);

/// Counts of the sandbox's own state, for stack-balance tests.
int onb_gettop(lua_State *L);

#endif
