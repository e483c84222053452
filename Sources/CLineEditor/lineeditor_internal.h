/*
 * CLineEditor's private header, shared by lineeditor.c, lineeditor_signals.c
 * and lineeditor_complete.c: the editor's structure, the signal state that
 * the read loop and the signal handlers share, and the functions the files
 * call in each other. It lives outside include/, so Swift never sees it.
 * Include it first: it selects the feature macros for the system headers.
 */
#ifndef ONB_LINEEDITOR_INTERNAL_H
#define ONB_LINEEDITOR_INTERNAL_H

#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif

#include "CLineEditor.h"

#include <histedit.h>
#include <signal.h>
#include <stdio.h>
#include <termios.h>

/* Marks the start and end of non-printing sequences in the prompt (EL_PROMPT_ESC). */
#define ONB_PROMPT_IGNORE '\1'

struct onb_editor {
    EditLine *el;
    History *hist;
    FILE *fin, *fout, *ferr;
    int in_fd, out_fd, err_fd; /* our duplicates */
    char *prompt;
    onb_complete_fn complete_fn;
    void *complete_ctx;
    /* Ctrl-C: 0 none; 1 "^C" shown, the pushed key will end the line; 2 ended. */
    int interrupt_state;
    char *interrupted_text;
};

/* The editor that owns `el` (its EL_CLIENTDATA). */
onb_editor *onb_le_editor_of(EditLine *el);

/* ------------------------------------------------------------------------ */
/* Signals (only while onb_editor_read runs): lineeditor_signals.c          */

/* Set by the handlers, consumed by the read function (lineeditor.c). */
struct onb_le_sig_state {
    volatile sig_atomic_t winch;   /* the window size changed */
    volatile sig_atomic_t resumed; /* continued after a stop: redraw */
    int fd;                        /* the terminal */
    int have_cooked;
    struct termios cooked; /* the terminal's state outside el_gets */
    struct sigaction prev_winch;
};
extern struct onb_le_sig_state onb_le_sig_state;

/* SIGINT, SIGTERM, SIGHUP, SIGQUIT: restore the cooked terminal, then die of it. */
#define ONB_LE_N_FATAL 4

/* The handlers replaced by onb_le_install_handlers (onb_editor_read keeps them). */
struct onb_le_saved_handlers {
    struct sigaction winch;
    struct sigaction fatal[ONB_LE_N_FATAL];
    int fatal_installed[ONB_LE_N_FATAL];
    struct sigaction tstp;
    int tstp_installed;
};

/* SIGTSTP with the default action: cooked terminal, stop, then raw again and redraw. */
void onb_le_on_tstp(int signo);
void onb_le_install_handlers(onb_editor *ed, struct onb_le_saved_handlers *saved);
void onb_le_restore_handlers(const struct onb_le_saved_handlers *saved);

/* ------------------------------------------------------------------------ */
/* Completion: lineeditor_complete.c                                        */

/* The "onb-complete" key function (Tab). */
unsigned char onb_le_fn_complete(EditLine *el, int ch);

#endif /* ONB_LINEEDITOR_INTERNAL_H */
