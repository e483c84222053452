/*
 * CLineEditor: the libedit calls behind `onboard repl` (see CLineEditor.h).
 *
 * Design notes:
 * - Ctrl-C never becomes SIGINT while a line is edited: ISIG is cleared in
 *   libedit's edit-mode tty settings ("-d -isig") and ^C is bound to
 *   onb-interrupt. Outside el_gets libedit restores its cooked ("execute")
 *   settings, which have ISIG set, so Ctrl-C then signals the process as usual.
 * - libedit's own signal handling (EL_SIGNAL) is not used: its handler
 *   re-sends every signal to the whole process group with kill(0, ...), and
 *   its read loop gives up (which looks like end of input) after a second
 *   EINTR. Instead, for the duration of onb_editor_read only,
 *   lineeditor_signals.c installs a SIGWINCH handler (the window size is
 *   re-read), and, for the signals whose disposition is the default, handlers
 *   that put the terminal back in cooked mode before the signal takes effect
 *   (SIGINT, SIGTERM, SIGHUP, SIGQUIT) or around a stop (SIGTSTP). Characters
 *   are read by our own read function, which retries on EINTR.
 *
 * This file: opening and closing, the prompt, reading a line (the read
 * function, the Ctrl-C and Ctrl-Z key functions, key bindings, the locale)
 * and the history. Tab completion is in lineeditor_complete.c; what the files
 * share is in lineeditor_internal.h.
 */
#include "lineeditor_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <histedit.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#define ONB_DEFAULT_HISTORY_SIZE 1000

static char empty_prompt[1] = "";

onb_editor *onb_le_editor_of(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return (onb_editor *)data;
}

/* ------------------------------------------------------------------------ */
/* Reading characters                                                       */

/* libedit's read function: one character, decoded from the locale's multibyte
   encoding. Retries on EINTR (handling a resize or a resume), unlike the
   builtin one. Returns 1, 0 at end of input, -1 on error. */
static int read_char(EditLine *el, wchar_t *wc) {
    onb_editor *ed = onb_le_editor_of(el);
    char buf[MB_LEN_MAX];
    size_t n = 0;
    for (;;) {
        if (onb_le_sig_state.resumed) {
            onb_le_sig_state.resumed = 0;
            el_set(el, EL_REFRESH);
        }
        if (onb_le_sig_state.winch) {
            onb_le_sig_state.winch = 0;
            el_resize(el);
        }
        unsigned char byte;
        ssize_t r = read(ed->in_fd, &byte, 1);
        if (r < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                struct pollfd p = {.fd = ed->in_fd, .events = POLLIN, .revents = 0};
                (void)poll(&p, 1, -1);
                continue;
            }
            *wc = L'\0';
            return -1;
        }
        if (r == 0) {
            *wc = L'\0';
            return 0;
        }
        buf[n++] = (char)byte;
        for (;;) {
            mbstate_t st;
            memset(&st, 0, sizeof st);
            size_t k = mbrtowc(wc, buf, n, &st);
            if (k == (size_t)-2) { /* incomplete: read another byte */
                if (n >= sizeof buf) n = 0;
                break;
            }
            if (k == (size_t)-1) { /* invalid: drop all but the last byte, then it too */
                if (n > 1) {
                    buf[0] = buf[n - 1];
                    n = 1;
                    continue;
                }
                n = 0;
                break;
            }
            return 1;
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Key functions                                                            */

/* Ctrl-C. First call: remember the text, show "^C" at the end of the line and
   push the same key back; second call (from the pushed key): end the line. */
static unsigned char fn_interrupt(EditLine *el, int ch) {
    onb_editor *ed = onb_le_editor_of(el);
    if (ed->interrupt_state == 1) {
        ed->interrupt_state = 2;
        return CC_NEWLINE;
    }
    const LineInfo *li = el_line(el);
    free(ed->interrupted_text);
    ed->interrupted_text = strndup(li->buffer, (size_t)(li->lastchar - li->buffer));
    ed->interrupt_state = 1;

    const LineInfoW *lw = el_wline(el);
    el_cursor(el, (int)(lw->lastchar - lw->cursor));
    (void)el_insertstr(el, "^C");
    wchar_t again[2] = {(wchar_t)ch, L'\0'};
    el_wpush(el, again);
    return CC_REFRESH;
}

/* Ctrl-Z: suspend like a shell job would (the tty's ISIG is off while editing). */
static unsigned char fn_suspend(EditLine *el, int ch) {
    (void)el;
    (void)ch;
    struct sigaction cur;
    if (sigaction(SIGTSTP, NULL, &cur) != 0 || cur.sa_handler != onb_le_on_tstp) return CC_ERROR;
    raise(SIGTSTP); /* onb_le_on_tstp: cooked, stop, raw; read_char redraws */
    return CC_NORM;
}

/* ------------------------------------------------------------------------ */
/* Opening and closing                                                      */

static char *prompt_fn(EditLine *el) {
    onb_editor *ed = onb_le_editor_of(el);
    return (ed != NULL && ed->prompt != NULL) ? ed->prompt : empty_prompt;
}

static void init_locale(void) {
    const char *loc = setlocale(LC_CTYPE, "");
    if (loc == NULL || strcmp(loc, "C") == 0 || strcmp(loc, "POSIX") == 0) {
        /* Python does the same (PEP 538): the C locale cannot decode UTF-8 input. */
        if (setlocale(LC_CTYPE, "C.UTF-8") == NULL) (void)setlocale(LC_CTYPE, "C.utf8");
    }
}

static void bind_own_keys(EditLine *el, int with_optional) {
    const char *editor = NULL;
    int vi = el_get(el, EL_EDITOR, &editor) == 0 && editor != NULL && strcmp(editor, "vi") == 0;
    el_set(el, EL_BIND, "^C", "onb-interrupt", NULL);
    el_set(el, EL_BIND, "^I", "onb-complete", NULL);
    if (vi) el_set(el, EL_BIND, "-a", "^C", "onb-interrupt", NULL);
    if (with_optional) {
        if (!vi) el_set(el, EL_BIND, "^R", "em-inc-search-prev", NULL);
        el_set(el, EL_BIND, "^Z", "onb-suspend", NULL);
        if (vi) el_set(el, EL_BIND, "-a", "^Z", "onb-suspend", NULL);
    }
}

static int dup_fd(int fd) { return fcntl(fd, F_DUPFD_CLOEXEC, 3); }

onb_editor *onb_editor_open(const char *program_name, int in_fd, int out_fd, int err_fd) {
    /* libedit silently stops editing (no prompt, no raw mode) when the
       output is not a terminal: refuse instead, the caller falls back. */
    if (!isatty(in_fd) || !isatty(out_fd)) {
        errno = ENOTTY;
        return NULL;
    }
    init_locale();

    onb_editor *ed = calloc(1, sizeof *ed);
    if (ed == NULL) return NULL;
    ed->in_fd = ed->out_fd = ed->err_fd = -1;
    ed->in_fd = dup_fd(in_fd);
    ed->out_fd = dup_fd(out_fd);
    ed->err_fd = dup_fd(err_fd);
    if (ed->in_fd < 0 || ed->out_fd < 0 || ed->err_fd < 0) goto fail;
    ed->fin = fdopen(ed->in_fd, "r");
    if (ed->fin == NULL) goto fail;
    ed->fout = fdopen(ed->out_fd, "w");
    if (ed->fout == NULL) goto fail;
    ed->ferr = fdopen(ed->err_fd, "w");
    if (ed->ferr == NULL) goto fail;

    ed->hist = history_init();
    if (ed->hist == NULL) goto fail;
    HistEvent ev;
    history(ed->hist, &ev, H_SETSIZE, ONB_DEFAULT_HISTORY_SIZE);
    history(ed->hist, &ev, H_SETUNIQUE, 1);

    ed->el = el_init_fd(program_name ? program_name : "onboard", ed->fin, ed->fout, ed->ferr,
                        ed->in_fd, ed->out_fd, ed->err_fd);
    if (ed->el == NULL) goto fail;
    EditLine *el = ed->el;
    el_set(el, EL_CLIENTDATA, (void *)ed);
    el_set(el, EL_EDITOR, "emacs");
    el_set(el, EL_HIST, history, ed->hist);
    el_set(el, EL_PROMPT_ESC, prompt_fn, ONB_PROMPT_IGNORE);
    el_set(el, EL_GETCFN, read_char);
    el_set(el, EL_SIGNAL, 0);
    el_set(el, EL_SETTY, "-d", "-isig", NULL);
    el_set(el, EL_ADDFN, "onb-interrupt", "Abandon the line (onboard)", fn_interrupt);
    el_set(el, EL_ADDFN, "onb-complete", "Complete the word (onboard)", onb_le_fn_complete);
    el_set(el, EL_ADDFN, "onb-suspend", "Suspend onboard", fn_suspend);
    bind_own_keys(el, 1);
    (void)el_source(el, NULL); /* $EDITRC or ~/.editrc; missing is fine */
    /* Ctrl-C and Tab are part of the REPL's contract: keep them even if the
       user's file reset the key map (bind -e / bind -v). */
    bind_own_keys(el, 0);
    return ed;

fail:;
    int saved = errno;
    onb_editor_close(ed);
    errno = saved;
    return NULL;
}

void onb_editor_close(onb_editor *ed) {
    if (ed == NULL) return;
    if (ed->el != NULL) el_end(ed->el); /* restores the terminal's original settings */
    if (ed->hist != NULL) history_end(ed->hist);
    if (ed->fin != NULL) fclose(ed->fin);
    else if (ed->in_fd >= 0) close(ed->in_fd);
    if (ed->fout != NULL) fclose(ed->fout);
    else if (ed->out_fd >= 0) close(ed->out_fd);
    if (ed->ferr != NULL) fclose(ed->ferr);
    else if (ed->err_fd >= 0) close(ed->err_fd);
    free(ed->prompt);
    free(ed->interrupted_text);
    free(ed);
}

void onb_editor_set_prompt(onb_editor *ed, const char *prompt) {
    char *copy = strdup(prompt ? prompt : "");
    if (copy == NULL) return;
    free(ed->prompt);
    ed->prompt = copy;
}

void onb_editor_set_completion(onb_editor *ed, onb_complete_fn fn, void *context) {
    ed->complete_fn = fn;
    ed->complete_ctx = context;
}

/* ------------------------------------------------------------------------ */
/* Reading a line                                                           */

static void write_all(int fd, const char *s) {
    size_t left = strlen(s);
    while (left > 0) {
        ssize_t w = write(fd, s, left);
        if (w < 0) {
            if (errno == EINTR) continue;
            return;
        }
        s += w;
        left -= (size_t)w;
    }
}

char *onb_editor_read(onb_editor *ed, int *status) {
    int dummy;
    if (status == NULL) status = &dummy;
    fflush(stdout);
    fflush(stderr);

    ed->interrupt_state = 0;
    free(ed->interrupted_text);
    ed->interrupted_text = NULL;

    struct onb_le_saved_handlers saved;
    onb_le_install_handlers(ed, &saved);
    int count = 0;
    const char *line = el_gets(ed->el, &count);
    int saved_errno = errno;
    onb_le_restore_handlers(&saved);

    if (ed->interrupt_state != 0) {
        /* el_gets has put the terminal back in cooked mode: end the "^C" row. */
        write_all(ed->out_fd, "\n");
        char *text = ed->interrupted_text ? ed->interrupted_text : strdup("");
        ed->interrupted_text = NULL;
        ed->interrupt_state = 0;
        *status = ONB_EDITOR_INTERRUPTED;
        return text;
    }
    if (line == NULL || count <= 0) {
        if (count == 0) write_all(ed->out_fd, "\n"); /* after the echoed ^D */
        *status = ONB_EDITOR_EOF;
        errno = saved_errno;
        return NULL;
    }
    size_t len = strlen(line);
    if (len > 0 && line[len - 1] == '\n') len--;
    char *copy = strndup(line, len);
    if (copy == NULL) {
        *status = ONB_EDITOR_EOF;
        return NULL;
    }
    *status = ONB_EDITOR_LINE;
    return copy;
}

void onb_editor_free(void *p) { free(p); }

/* ------------------------------------------------------------------------ */
/* History                                                                  */

void onb_editor_history_add(onb_editor *ed, const char *entry) {
    if (entry == NULL || entry[0] == '\0') return;
    HistEvent ev;
    history(ed->hist, &ev, H_ENTER, entry);
}

int onb_editor_history_load(onb_editor *ed, const char *path) {
    struct stat sb;
    if (stat(path, &sb) != 0) return errno == ENOENT ? 0 : -1;
    HistEvent ev;
    return history(ed->hist, &ev, H_LOAD, path) < 0 ? -1 : 0;
}

int onb_editor_history_save(onb_editor *ed, const char *path) {
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (tmp == NULL) return -1;
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, ".tmp.XXXXXX", sizeof ".tmp.XXXXXX");
    int fd = mkstemp(tmp); /* mode 0600 */
    if (fd < 0) {
        free(tmp);
        return -1;
    }
    (void)fchmod(fd, S_IRUSR | S_IWUSR);
    FILE *fp = fdopen(fd, "w");
    if (fp == NULL) {
        int e = errno;
        close(fd);
        unlink(tmp);
        free(tmp);
        errno = e;
        return -1;
    }
    HistEvent ev;
    int rv = history(ed->hist, &ev, H_SAVE_FP, fp);
    int ok = rv >= 0;
    if (fflush(fp) != 0) ok = 0;
    if (ok && fsync(fd) != 0) ok = 0;
    int e = errno;
    if (fclose(fp) != 0) ok = 0;
    if (ok && rename(tmp, path) != 0) ok = 0;
    if (!ok) {
        e = errno ? errno : EIO;
        unlink(tmp);
    }
    free(tmp);
    if (!ok) {
        errno = e;
        return -1;
    }
    return 0;
}

void onb_editor_set_history_size(onb_editor *ed, int size) {
    HistEvent ev;
    if (size < 0) size = 0;
    history(ed->hist, &ev, H_SETSIZE, size);
    /* libedit only trims on the next entry: drop the oldest now. */
    while (onb_editor_history_count(ed) > size) {
        if (history(ed->hist, &ev, H_LAST) < 0) break;
        if (history(ed->hist, &ev, H_DEL, ev.num) < 0) break;
    }
}

int onb_editor_history_count(onb_editor *ed) {
    HistEvent ev;
    if (history(ed->hist, &ev, H_GETSIZE) < 0) return 0;
    return ev.num;
}
