// Allocator accounting, the kill flag, and the hook that makes a kill sticky (SANDBOX.md §4.3–§4.4).
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "context.h"

onb_context *onb_ctx(lua_State *L) { return *(onb_context **)lua_getextraspace(L); }

/* The allocator of SANDBOX.md §4.3: the cap applies only while script code runs (not while
   the host builds the state or converts values), and a refusal is a sticky kill. */
static void *onb_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    onb_context *c = ud;
    if (ptr == NULL) osize = 0; /* 5.4 passes a type tag here */
    if (nsize == 0) {
        free(ptr);
        c->used -= osize;
        return NULL;
    }
    if (nsize > osize && c->memory_limit && c->enforcing > 0 && c->host_depth == 0) {
        int killed = atomic_load(&c->killed);
        size_t limit = c->memory_limit + (killed ? ONB_KILL_GRACE : 0);
        if (c->used + (nsize - osize) > limit) {
            if (!killed) onb_kill(c, ONB_KILL_MEMORY);
            return NULL; /* Lua tries an emergency GC, then raises a memory error */
        }
    }
    void *p = realloc(ptr, nsize);
    if (p == NULL) return (ptr && nsize <= osize) ? ptr : NULL; /* a shrink never fails */
    c->used += nsize - osize; /* unsigned wrap-around is intended */
    return p;
}

static int onb_panic(lua_State *L) {
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(error object is not a string)";
    fprintf(stderr, "LuaKit: internal error: unprotected Lua error: %s\n", msg);
    fflush(stderr);
    abort();
    return 0;
}

onb_context *onb_context_new(void) {
    onb_context *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    pthread_mutex_init(&c->lock, NULL);
    c->kill_line = -1;
    c->error_line = -1;
    return c;
}

void onb_context_free(onb_context *c) {
    if (!c) return;
    onb_clear_hidden_prefixes(c);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

lua_State *onb_state_open(onb_context *c) {
    lua_State *L = lua_newstate(onb_alloc, c);
    if (!L) return NULL;
    *(onb_context **)lua_getextraspace(L) = c; /* copied into every thread created later */
    lua_atpanic(L, onb_panic);
    pthread_mutex_lock(&c->lock);
    c->main = L;
    c->current = L;
    c->closed = 0;
    pthread_mutex_unlock(&c->lock);
    if (c->instruction_limit) lua_sethook(L, onb_hook, LUA_MASKCOUNT, ONB_HOOK_PERIOD);
    return L;
}

void onb_state_close(onb_context *c) {
    lua_State *L;
    pthread_mutex_lock(&c->lock);
    L = c->main;
    c->closed = 1;
    c->current = NULL;
    c->main = NULL;
    pthread_mutex_unlock(&c->lock);
    if (L) {
        c->enforcing = 0;
        lua_close(L); /* no script __gc can exist (setmetatable refuses it), so this cannot hang */
    }
}

void onb_set_owner(onb_context *c, void *owner) { c->owner = owner; }
void *onb_context_owner(lua_State *L) { return onb_ctx(L)->owner; }

void onb_set_memory_limit(onb_context *c, size_t bytes) { c->memory_limit = bytes; }
void onb_set_output_limit(onb_context *c, uint64_t bytes) { c->output_limit = bytes; }
void onb_set_writer(onb_context *c, onb_write_fn fn, void *ud) { c->write = fn; c->write_ud = ud; }
size_t onb_memory_used(onb_context *c) { return c->used; }
uint64_t onb_output_used(onb_context *c) { return c->output_used; }
uint64_t onb_instructions_charged(onb_context *c) { return c->instructions; }

void onb_set_instruction_limit(onb_context *c, uint64_t count) {
    c->instruction_limit = count;
    if (c->main && !atomic_load(&c->killed))
        lua_sethook(c->main, count ? onb_hook : NULL, count ? LUA_MASKCOUNT : 0, count ? ONB_HOOK_PERIOD : 0);
}

const char *onb_kill_name(int reason) {
    switch (reason) {
    case ONB_KILL_MEMORY: return "memory limit exceeded";
    case ONB_KILL_INSTRUCTIONS: return "instruction limit exceeded";
    case ONB_KILL_TIME: return "time limit exceeded";
    case ONB_KILL_OUTPUT: return "output limit exceeded";
    case ONB_KILL_CANCEL: return "interrupted";
    default: return "stopped";
    }
}

void onb_arm(onb_context *c, lua_State *L) {
    if (atomic_load(&c->killed)) lua_sethook(L, onb_hook, LUA_MASKCOUNT, 1);
    else if (c->instruction_limit) lua_sethook(L, onb_hook, LUA_MASKCOUNT, ONB_HOOK_PERIOD);
    else lua_sethook(L, NULL, 0, 0);
}

void onb_kill(onb_context *c, onb_kill_reason reason) {
    int expected = 0;
    atomic_compare_exchange_strong(&c->killed, &expected, (int)reason);
    pthread_mutex_lock(&c->lock);
    /* lua_sethook is safe to call asynchronously: lua.c calls it from a signal handler. */
    if (!c->closed && c->current) lua_sethook(c->current, onb_hook, LUA_MASKCOUNT, 1);
    pthread_mutex_unlock(&c->lock);
}

onb_kill_reason onb_killed(onb_context *c) { return (onb_kill_reason)atomic_load(&c->killed); }

void onb_clear_kill(onb_context *c) {
    atomic_store(&c->killed, 0);
    c->kill_line = -1;
    c->kill_source[0] = 0;
    c->instructions = 0;
    c->output_used = 0;
    if (c->main) onb_arm(c, c->main);
}

const char *onb_kill_source(onb_context *c) { return c->kill_source; }
int onb_kill_line(onb_context *c) { return c->kill_line; }

void onb_set_current(onb_context *c, lua_State *L) {
    pthread_mutex_lock(&c->lock);
    c->current = L;
    if (atomic_load(&c->killed)) lua_sethook(L, onb_hook, LUA_MASKCOUNT, 1);
    pthread_mutex_unlock(&c->lock);
}

int onb_add_hidden_prefix(onb_context *c, const char *prefix) {
    char *copy = strdup(prefix);
    char **grown = copy ? realloc(c->hidden_prefixes, (size_t)(c->hidden_count + 1) * sizeof *grown) : NULL;
    if (!grown) {
        free(copy);
        return -1;
    }
    grown[c->hidden_count++] = copy;
    c->hidden_prefixes = grown;
    return 0;
}

void onb_clear_hidden_prefixes(onb_context *c) {
    for (int i = 0; i < c->hidden_count; i++) free(c->hidden_prefixes[i]);
    free(c->hidden_prefixes);
    c->hidden_prefixes = NULL;
    c->hidden_count = 0;
}

static int is_hidden(onb_context *c, const char *chunkname) {
    for (int i = 0; i < c->hidden_count; i++)
        if (strncmp(chunkname, c->hidden_prefixes[i], strlen(c->hidden_prefixes[i])) == 0) return 1;
    return 0;
}

int onb_script_position(lua_State *L, int level, char *source, size_t size) {
    onb_context *c = onb_ctx(L);
    lua_Debug ar;
    int line = -1;
    for (; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0) continue;
        int hidden = is_hidden(c, ar.source);
        if (line < 0 || !hidden) {
            snprintf(source, size, "%s", ar.short_src);
            line = ar.currentline;
        }
        if (!hidden) break;
    }
    return line;
}

/* Stack: unchanged. Only the first position of a kill counts: the unwinding that follows
   passes through other frames. */
static void record_kill_location(lua_State *L, onb_context *c) {
    if (c->kill_line != -1) return;
    int line = onb_script_position(L, 0, c->kill_source, sizeof c->kill_source);
    c->kill_line = line < 0 ? 0 : line;
}

int onb_raise_kill(lua_State *L, onb_context *c) {
    int reason = atomic_load(&c->killed);
    lua_sethook(L, onb_hook, LUA_MASKCOUNT, 1); /* sticky on this thread: pcall cannot swallow it */
    record_kill_location(L, c);
    lua_pushfstring(L, "script stopped: %s", onb_kill_name(reason));
    return lua_error(L);
}

void onb_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    onb_context *c = onb_ctx(L);
    if (!atomic_load(&c->killed) && c->instruction_limit) {
        c->instructions += (uint64_t)lua_gethookcount(L);
        if (c->instructions > c->instruction_limit) onb_kill(c, ONB_KILL_INSTRUCTIONS);
    }
    if (atomic_load(&c->killed) && c->enforcing > 0) {
        onb_raise_kill(L, c);
        return;
    }
    /* armed for a kill that has since been cleared: go back to the normal hook */
    if (lua_gethookcount(L) == 1) onb_arm(c, L);
}

int onb_write_output(lua_State *L, onb_context *c, const char *s, size_t len) {
    if (c->output_limit && c->output_used + len > c->output_limit) {
        size_t room = (size_t)(c->output_limit - c->output_used);
        if (room && c->write) c->write(c->write_ud, s, room);
        c->output_used = c->output_limit;
        onb_kill(c, ONB_KILL_OUTPUT);
        return onb_raise_kill(L, c);
    }
    c->output_used += len;
    if (c->write) c->write(c->write_ud, s, len);
    return 0;
}
