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

#endif
