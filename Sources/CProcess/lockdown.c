/* The worker's lock-down, once its state is built and before the script's first instruction:
   no new privileges, then Landlock (its own calls are refused once seccomp is on), then the
   seccomp allow-list. Each layer reports 0 or the errno that kept it off. */
#define _GNU_SOURCE
#include <errno.h>
#include <sys/prctl.h>
#include <time.h>
#include "CProcess.h"

void onb_lockdown_warm(void) {
    /* glibc reads /etc/localtime on the first localtime_r (os.date) and never again */
    tzset();
    time_t now = time(NULL);
    struct tm parts;
    localtime_r(&now, &parts);
}

onb_lockdown_status onb_lockdown(int layers) {
    onb_lockdown_status status = { .landlock = -1, .seccomp = -1, .landlock_abi = onb_landlock_abi() };
    onb_lockdown_warm();
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        status.landlock = status.seccomp = errno;
        return status;
    }
    if (layers & ONB_LAYER_LANDLOCK) status.landlock = onb_landlock_deny_all();
    if (layers & ONB_LAYER_SECCOMP) status.seccomp = onb_seccomp_allow_list();
    return status;
}
