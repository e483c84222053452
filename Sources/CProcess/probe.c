/* A test hook (WorkerKernelSandboxTests), reached only through a `probe` start message a test
   writes itself, never from Lua: after the lock-down, try what the sandbox must refuse and
   report each errno (0 would mean it worked). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>
#include "CProcess.h"

static int outcome(long result) { return result < 0 ? errno : 0; }

onb_probe_result onb_probe_refusals(int dangerous) {
    onb_probe_result r = {0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    r.socket_inet = outcome(fd);
    if (fd >= 0) close(fd);
    fd = socket(AF_UNIX, SOCK_STREAM, 0);
    r.socket_unix = outcome(fd);
    if (fd >= 0) close(fd);
    fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
    r.open_passwd = outcome(fd);
    if (fd >= 0) close(fd);
    fd = open("/tmp/onboard-probe-must-not-exist", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    r.create_file = outcome(fd);
    if (fd >= 0) { close(fd); unlink("/tmp/onboard-probe-must-not-exist"); }
    pid_t parent = getppid();
    r.signal_parent = parent > 1 ? outcome(kill(parent, 0)) : -1;
    if (dangerous) {
        pid_t child = fork();
        if (child == 0) _exit(0);
        r.fork = outcome(child);
        /* on success the worker becomes /bin/true and the test sees no report: a failure too */
        char *argv[] = { "true", NULL }, *envp[] = { NULL };
        r.execve_true = outcome(execve("/bin/true", argv, envp));
    }
    return r;
}
