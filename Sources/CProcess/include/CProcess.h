#ifndef CPROCESS_H
#define CPROCESS_H
/* Process-level isolation and signals for the worker that runs scripts and for `onboard repl`.
   Nothing here knows Lua. */

/* Moves the calling process into a new network namespace (no network). 0 on success, -1 when
   the kernel refuses (no privilege, user namespaces off). */
int onb_leave_network(void);

/* Installs a SIGINT handler that writes one byte to a pipe per signal and returns the pipe's
   read end (the same one on later calls), or -1. A thread reading it turns Ctrl-C into a cancel
   without doing anything unsafe in the handler (`onboard repl`). */
int onb_sigint_pipe(void);
/* SIGTERM into the same pipe (its byte is SIGTERM's number, SIGINT's is SIGINT's). */
int onb_sigterm_pipe(void);

/* The kernel layers of the worker's lock-down (docs/sandbox.md). */
#define ONB_LAYER_LANDLOCK 1
#define ONB_LAYER_SECCOMP 2

/* Per layer, 0 when it is on, otherwise the errno that kept it off (ENOSYS or EOPNOTSUPP: the
   kernel lacks it; -1: not asked for). `landlock_abi` is the kernel's Landlock ABI, or
   minus the errno of asking. */
typedef struct {
    int landlock;
    int seccomp;
    int landlock_abi;
} onb_lockdown_status;

/* Loads what libc reads lazily from disk (the local time zone), so that it works after. */
void onb_lockdown_warm(void);

/* Locks the calling process down for good: PR_SET_NO_NEW_PRIVS, then the asked layers. From
   then on it opens no file, makes no socket, runs no program and starts no process. Landlock
   binds the calling thread and the threads it starts later; seccomp binds every thread. */
onb_lockdown_status onb_lockdown(int layers);

/* Landlock: a ruleset that handles every access the kernel knows and allows none. 0 or errno. */
int onb_landlock_deny_all(void);
int onb_landlock_abi(void);

/* seccomp: the measured allow-list for every thread, EPERM for the rest. 0 or errno. */
int onb_seccomp_allow_list(void);

/* Test hook only (a `probe` start message): errno of each refused attempt, 0 if it worked. */
typedef struct {
    int socket_inet;
    int socket_unix;
    int open_passwd;
    int create_file;
    int signal_parent;
    int fork;
    int execve_true;
} onb_probe_result;

/* Tries each attempt; fork and execve only when `dangerous` (they succeed without a sandbox). */
onb_probe_result onb_probe_refusals(int dangerous);

#endif
