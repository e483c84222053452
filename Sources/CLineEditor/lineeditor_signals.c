/*
 * CLineEditor: the signal handling installed for the duration of
 * onb_editor_read (see the design notes in lineeditor.c): SIGWINCH is noted
 * for the read function, terminating signals and SIGTSTP with the default
 * action put the terminal back in cooked mode first.
 */
#include "lineeditor_internal.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <termios.h>

/* ------------------------------------------------------------------------ */
/* Signals (only while onb_editor_read runs)                                */

struct onb_le_sig_state onb_le_sig_state;

static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
#define N_FATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))
_Static_assert(N_FATAL == ONB_LE_N_FATAL, "ONB_LE_N_FATAL must count fatal_signals");

static void on_winch(int signo, siginfo_t *info, void *uctx) {
    int saved_errno = errno;
    onb_le_sig_state.winch = 1;
    /* Chain to a handler the application had installed. */
    const struct sigaction *p = &onb_le_sig_state.prev_winch;
    if (p->sa_flags & SA_SIGINFO) {
        if (p->sa_sigaction != NULL) p->sa_sigaction(signo, info, uctx);
    } else if (p->sa_handler != SIG_DFL && p->sa_handler != SIG_IGN && p->sa_handler != NULL) {
        p->sa_handler(signo);
    }
    errno = saved_errno;
}

/* A terminating signal with the default action: restore the cooked terminal, then die of it. */
static void on_fatal(int signo) {
    if (onb_le_sig_state.have_cooked)
        tcsetattr(onb_le_sig_state.fd, TCSANOW, &onb_le_sig_state.cooked);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(signo, &dfl, NULL);
    raise(signo); /* blocked until this handler returns, then fatal */
}

/* SIGTSTP with the default action: cooked terminal, stop, then raw again and redraw. */
void onb_le_on_tstp(int signo) {
    int saved_errno = errno;
    struct termios raw;
    int have_raw = tcgetattr(onb_le_sig_state.fd, &raw) == 0;
    if (onb_le_sig_state.have_cooked)
        tcsetattr(onb_le_sig_state.fd, TCSANOW, &onb_le_sig_state.cooked);

    struct sigaction dfl, mine;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(signo, &dfl, &mine);
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, signo);
    raise(signo);                            /* pending: blocked inside its handler */
    pthread_sigmask(SIG_UNBLOCK, &set, &old); /* stops here until SIGCONT */
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    sigaction(signo, &mine, NULL);

    if (have_raw) tcsetattr(onb_le_sig_state.fd, TCSANOW, &raw);
    onb_le_sig_state.resumed = 1;
    errno = saved_errno;
}

static int is_default(const struct sigaction *sa) {
    return !(sa->sa_flags & SA_SIGINFO) && sa->sa_handler == SIG_DFL;
}

void onb_le_install_handlers(onb_editor *ed, struct onb_le_saved_handlers *saved) {
    memset(saved, 0, sizeof *saved);
    onb_le_sig_state.fd = ed->in_fd;
    onb_le_sig_state.winch = 0;
    onb_le_sig_state.resumed = 0;
    onb_le_sig_state.have_cooked = tcgetattr(ed->in_fd, &onb_le_sig_state.cooked) == 0;

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO; /* no SA_RESTART: a blocked read returns EINTR */
    sa.sa_sigaction = on_winch;
    struct sigaction cur;
    sigaction(SIGWINCH, NULL, &cur);
    onb_le_sig_state.prev_winch = cur;
    sigaction(SIGWINCH, &sa, &saved->winch);

    for (size_t i = 0; i < N_FATAL; i++) {
        if (sigaction(fatal_signals[i], NULL, &cur) != 0 || !is_default(&cur)) continue;
        memset(&sa, 0, sizeof sa);
        sigemptyset(&sa.sa_mask);
        sa.sa_handler = on_fatal;
        if (sigaction(fatal_signals[i], &sa, &saved->fatal[i]) == 0) saved->fatal_installed[i] = 1;
    }
    if (sigaction(SIGTSTP, NULL, &cur) == 0 && is_default(&cur)) {
        memset(&sa, 0, sizeof sa);
        sigemptyset(&sa.sa_mask);
        sa.sa_handler = onb_le_on_tstp;
        if (sigaction(SIGTSTP, &sa, &saved->tstp) == 0) saved->tstp_installed = 1;
    }
}

void onb_le_restore_handlers(const struct onb_le_saved_handlers *saved) {
    sigaction(SIGWINCH, &saved->winch, NULL);
    for (size_t i = 0; i < N_FATAL; i++)
        if (saved->fatal_installed[i]) sigaction(fatal_signals[i], &saved->fatal[i], NULL);
    if (saved->tstp_installed) sigaction(SIGTSTP, &saved->tstp, NULL);
}
