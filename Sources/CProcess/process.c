/* Process-level isolation for the worker that runs scripts (OnboardRuntime's WorkerProcess). */
#define _GNU_SOURCE
#include <sched.h>
#include "CProcess.h"

int onb_leave_network(void) {
    /* a network namespace of its own: no interface but a down loopback. As root, or where
       unprivileged user namespaces are allowed; best effort otherwise. */
    if (unshare(CLONE_NEWNET) == 0) return 0;
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0) return 0;
    return -1;
}

/* The SIGINT self-pipe: the handler only writes a byte (async-signal-safe); a thread reads the
   pipe and does the real work (cancelling a Lua state takes a lock). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static int sigint_write_end = -1;

static void on_sigint(int signo) {
    (void)signo;
    int saved = errno;
    char which = (char)signo; /* the reader tells SIGINT from SIGTERM by the byte */
    if (sigint_write_end >= 0) { ssize_t ignored = write(sigint_write_end, &which, 1); (void)ignored; }
    errno = saved;
}

/* Routes `signo` to the pipe's handler and unblocks it in this thread: a blocked signal is
   inherited across exec (a parent's thread pool blocks it, say). */
static int route_to_pipe(int signo) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_sigint;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(signo, &action, NULL) != 0) return -1;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, signo);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    return 0;
}

int onb_sigint_pipe(void) {
    static int read_end = -1;
    if (read_end >= 0) return read_end;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    fcntl(fds[1], F_SETFL, O_NONBLOCK); /* a flood of ^C never blocks the handler */
    sigint_write_end = fds[1];
    read_end = fds[0];
    if (route_to_pipe(SIGINT) != 0) return -1;
    return read_end;
}

/* SIGTERM through the same pipe (`onboard run`: a stopped deploy interrupts the run as Ctrl-C
   does, so it can be resumed). Returns the pipe's read end, or -1. */
int onb_sigterm_pipe(void) {
    int fd = onb_sigint_pipe();
    if (fd < 0 || route_to_pipe(SIGTERM) != 0) return -1;
    return fd;
}
