/* The worker's system-call allow-list, as a classic BPF program (no libseccomp): what a run and
   a REPL session were measured to make once the state is built (docs/sandbox.md), for every
   thread (SECCOMP_FILTER_FLAG_TSYNC: Dispatch's and Foundation's threads too). Everything else
   fails with EPERM, so no socket can be made, no file written, no program run, no process
   forked; the calling thread adds a filter that refuses every open. clone3 fails with ENOSYS so that glibc falls back to clone, whose flags a filter can
   read. A call made through another ABI (32-bit int 0x80, x32) is hostile by construction: it
   kills the process. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "CProcess.h"

#if defined(__x86_64__)
#define ONB_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define ONB_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#define ONB_MAX_FILTER 256

/* Calls allowed whatever their arguments. `#ifdef` each: aarch64 has no open, stat, poll... */
static const int plain_calls[] = {
    /* memory: malloc, the Swift runtime, Lua's allocator */
    __NR_brk, __NR_mmap, __NR_munmap, __NR_mremap, __NR_mprotect, __NR_madvise,
    /* threads and their synchronisation */
    __NR_futex, __NR_set_robust_list, __NR_get_robust_list, __NR_sched_yield, __NR_sched_getaffinity,
#ifdef __NR_rseq
    __NR_rseq,
#endif
#ifdef __NR_futex_waitv
    __NR_futex_waitv,
#endif
#ifdef __NR_membarrier
    __NR_membarrier,
#endif
    __NR_gettid, __NR_getpid, __NR_getppid,
    /* time (vDSO first; CPU clocks and sleeps are real calls) */
    __NR_clock_gettime, __NR_clock_getres, __NR_gettimeofday, __NR_clock_nanosleep, __NR_nanosleep,
    /* the pipes to the parent and the SIGINT self-pipe, on descriptors already open */
    __NR_read, __NR_write, __NR_readv, __NR_writev, __NR_close, __NR_fstat, __NR_lseek, __NR_fcntl, __NR_pipe2,
    __NR_ppoll, __NR_epoll_pwait, __NR_epoll_ctl,
    /* Dispatch's event loop (the in-VM deadline is a Dispatch timer): a timer made after the
       lock-down may be the first, which creates the loop's descriptors */
    __NR_epoll_create1, __NR_eventfd2, __NR_timerfd_create, __NR_timerfd_settime, __NR_timerfd_gettime,
#ifdef __NR_poll
    __NR_poll,
#endif
#ifdef __NR_epoll_wait
    __NR_epoll_wait,
#endif
    /* signals: handlers, masks, the alternate stack of the Swift runtime's crash handler */
    __NR_rt_sigaction, __NR_rt_sigprocmask, __NR_rt_sigreturn, __NR_sigaltstack,
    __NR_getrandom, __NR_getrusage,
    __NR_exit, __NR_exit_group,
};

struct builder {
    struct sock_filter code[ONB_MAX_FILTER];
    unsigned short length;
};

static void emit(struct builder *b, struct sock_filter instruction) {
    if (b->length < ONB_MAX_FILTER) b->code[b->length] = instruction;
    b->length++;
}

static void load_number(struct builder *b) {
    emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)));
}

/* The low 32 bits of argument `index` (both ABIs here are little-endian). */
static void load_argument(struct builder *b, int index) {
    emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[index])));
}

static void ret(struct builder *b, unsigned int action) {
    emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, action));
}

static void allow_plain(struct builder *b, int nr) {
    emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1));
    ret(b, SECCOMP_RET_ALLOW);
}

/* `nr` is allowed when argument `index` is one of `values` (at most 8), refused with EPERM
   otherwise. The block ends in a return either way, so the number need not be reloaded. */
static void allow_if_one_of(struct builder *b, int nr, int index, const unsigned *values, unsigned char count) {
    emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, (unsigned char)(count + 3)));
    load_argument(b, index);
    for (unsigned char i = 0; i < count; i++) {
        /* a match jumps over the remaining tests and the refusal to the allow */
        emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, values[i], (unsigned char)(count - i), 0));
    }
    ret(b, SECCOMP_RET_ERRNO | EPERM);
    ret(b, SECCOMP_RET_ALLOW);
}

static void allow_if_equal(struct builder *b, int nr, int index, unsigned value) {
    allow_if_one_of(b, nr, index, &value, 1);
}

/* As above, when every bit of `bits` is set in argument `index`. */
static void allow_if_bits(struct builder *b, int nr, int index, unsigned bits) {
    emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 5));
    load_argument(b, index);
    emit(b, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, bits));
    emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, bits, 0, 1));
    ret(b, SECCOMP_RET_ALLOW);
    ret(b, SECCOMP_RET_ERRNO | EPERM);
}

static void refuse(struct builder *b, int nr, int error) {
    emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)nr, 0, 1));
    ret(b, SECCOMP_RET_ERRNO | (unsigned)error);
}

static void build(struct builder *b) {
    unsigned self = (unsigned)getpid();
    emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
    emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ONB_AUDIT_ARCH, 1, 0));
    ret(b, SECCOMP_RET_KILL_PROCESS);
    load_number(b);
#if defined(__x86_64__)
    /* x32 numbers are the x86-64 ones with bit 30 set: same arch, another ABI */
    emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000, 0, 1));
    ret(b, SECCOMP_RET_KILL_PROCESS);
#endif
    for (size_t i = 0; i < sizeof plain_calls / sizeof plain_calls[0]; i++) allow_plain(b, plain_calls[i]);
    /* threads, never a new process: clone must carry CLONE_THREAD */
    allow_if_bits(b, __NR_clone, 0, CLONE_THREAD | CLONE_VM);
#ifdef __NR_clone3
    refuse(b, __NR_clone3, ENOSYS);
#endif
    /* fstat is newfstatat(fd, "", AT_EMPTY_PATH) in glibc: a path lookup otherwise */
    allow_if_equal(b, __NR_newfstatat, 3, AT_EMPTY_PATH);
    /* raise() and abort() signal this process; nothing else (run mode shares the parent's
       process group: kill(0, ...) would reach it) */
    allow_if_equal(b, __NR_tgkill, 0, self);
    allow_if_equal(b, __NR_kill, 0, self);
    /* Dispatch's thread-pool monitor reads /proc/<tid>/stat with exactly these flags and
       crashes the process when it cannot; the Lua thread's own filter refuses it all the same */
    allow_if_equal(b, __NR_openat, 2, O_RDONLY | O_NONBLOCK);
    /* the Lua thread's own filter comes after this one: a filter can only restrict further,
       and without flags (no TSYNC, no listener) it binds the caller alone */
    allow_if_equal(b, __NR_seccomp, 1, 0);
    /* Foundation reads and sets its threads' names */
    static const unsigned names[] = { PR_SET_NAME, PR_GET_NAME };
    allow_if_one_of(b, __NR_prctl, 0, names, 2);
    ret(b, SECCOMP_RET_ERRNO | EPERM);
}

/* The calling thread's own filter, on top of the process's: no open at all. Filters stack and
   the strictest answer wins, so for this thread (the Lua thread) and the threads it starts
   this refuses the one open the process's filter lets through. */
static void build_for_this_thread(struct builder *b) {
    emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)));
    emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ONB_AUDIT_ARCH, 1, 0));
    ret(b, SECCOMP_RET_KILL_PROCESS);
    load_number(b);
    refuse(b, __NR_openat, EPERM);
    ret(b, SECCOMP_RET_ALLOW);
}

static int install(void (*make)(struct builder *), unsigned flags) {
    static struct builder b;
    b.length = 0;
    make(&b);
    if (b.length > ONB_MAX_FILTER) return E2BIG;
    struct sock_fprog program = { .len = b.length, .filter = b.code };
    long result = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, flags, &program);
    if (result == 0) return 0;
    return result > 0 ? EAGAIN : errno;  /* > 0: a thread (that id) could not take the filter */
}

int onb_seccomp_allow_list(void) {
#ifndef ONB_AUDIT_ARCH
    return ENOSYS;  /* no allow-list measured for this architecture */
#else
    int error = install(build, SECCOMP_FILTER_FLAG_TSYNC);
    return error ? error : install(build_for_this_thread, 0);
#endif
}
