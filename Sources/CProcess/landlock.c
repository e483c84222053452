/* Landlock with no filesystem access, no TCP and no way out of the domain by signal or abstract
   socket: the worker's second kernel layer (lockdown.c applies it before seccomp).
   Debian's <linux/landlock.h> stops at ABI 2, so the rights added since are defined here by
   value (Documentation/userspace-api/landlock.rst); the ruleset handles only what the running
   kernel knows, as the kernel refuses unknown bits. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/landlock.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "CProcess.h"

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

/* The ruleset attribute as of ABI 6; the kernel takes a shorter prefix from older ABIs. */
struct onb_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};

static uint64_t fs_rights(int abi) {
    uint64_t rights = (1ULL << 13) - 1;         /* ABI 1: EXECUTE ... MAKE_SYM */
    if (abi >= 2) rights |= 1ULL << 13;         /* REFER */
    if (abi >= 3) rights |= 1ULL << 14;         /* TRUNCATE */
    if (abi >= 5) rights |= 1ULL << 15;         /* IOCTL_DEV */
    return rights;
}

int onb_landlock_abi(void) {
    long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
    return abi < 0 ? -errno : (int)abi;
}

int onb_landlock_deny_all(void) {
    int abi = onb_landlock_abi();
    if (abi < 0) return -abi;  /* ENOSYS: not built in; EOPNOTSUPP: built in, turned off at boot */
    struct onb_ruleset_attr attr = { .handled_access_fs = fs_rights(abi) };
    size_t size = sizeof attr.handled_access_fs;
    if (abi >= 4) {
        attr.handled_access_net = 3;            /* BIND_TCP | CONNECT_TCP */
        size = 2 * sizeof(uint64_t);
    }
    if (abi >= 6) {
        attr.scoped = 3;                        /* ABSTRACT_UNIX_SOCKET | SIGNAL */
        size = sizeof attr;
    }
    /* no rule at all: every handled access is denied everywhere */
    long fd = syscall(__NR_landlock_create_ruleset, &attr, size, 0);
    if (fd < 0) return errno;
    long restricted = syscall(__NR_landlock_restrict_self, (int)fd, 0);
    int saved = errno;
    close((int)fd);
    return restricted == 0 ? 0 : saved;
}
