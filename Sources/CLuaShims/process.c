/* Process-level isolation for the worker that runs scripts (OnboardRuntime's WorkerProcess). */
#define _GNU_SOURCE
#include <sched.h>
#include "CLuaShims.h"

int onb_leave_network(void) {
    /* a network namespace of its own: no interface but a down loopback. As root, or where
       unprivileged user namespaces are allowed; best effort otherwise. */
    if (unshare(CLONE_NEWNET) == 0) return 0;
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0) return 0;
    return -1;
}
