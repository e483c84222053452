/*
 * CLineEditor: Tab completion (the "onb-complete" key function). Asks the
 * onb_complete_fn for candidates, then inserts their common prefix, replaces
 * the word, or lists them in columns below the line.
 */
#include "lineeditor_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <wchar.h>

#define ONB_MAX_LISTED 200

/* ------------------------------------------------------------------------ */
/* Completion                                                               */

static size_t utf8_floor(const char *s, size_t n) {
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) n--;
    return n;
}

/* Display columns of a UTF-8 string (bytes if it does not decode). */
static size_t display_width(const char *s) {
    size_t w = 0;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    const char *p = s;
    size_t left = strlen(s);
    while (left > 0) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, p, left, &st);
        if (k == (size_t)-1 || k == (size_t)-2) {
            memset(&st, 0, sizeof st);
            k = 1;
            w += 1;
        } else {
            if (k == 0) break;
            int cw = wcwidth(wc);
            w += cw > 0 ? (size_t)cw : 0;
        }
        p += k;
        left -= k;
    }
    return w;
}

/* Inserts bytes [s, s+n) at the cursor. */
static void insert_bytes(EditLine *el, const char *s, size_t n) {
    if (n == 0) return;
    char *tmp = strndup(s, n);
    if (tmp == NULL) return;
    (void)el_insertstr(el, tmp);
    free(tmp);
}

/* Replaces the word of `word_len` bytes before the cursor with `with`. */
static void replace_word(EditLine *el, const char *word, size_t word_len, const char *with,
                         size_t with_len) {
    char *w = strndup(word, word_len);
    if (w == NULL) return;
    size_t chars = mbstowcs(NULL, w, 0);
    free(w);
    if (chars == (size_t)-1) chars = word_len;
    if (chars > 0) el_deletestr(el, (int)chars);
    insert_bytes(el, with, with_len);
}

static int terminal_columns(onb_editor *ed) {
    struct winsize ws;
    if (ioctl(ed->out_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 80;
}

/* Where libedit has the cursor and the line's last row, in rows below the
   prompt's first row (mirrors libedit's refresh: wrap when a row fills, wide
   characters that do not fit go to the next row, tabs to multiples of 8,
   control characters as ^X, newlines start a row). */
struct rows {
    int h, v;
    int cols;
};

static void rows_put(struct rows *r, int w) {
    while (r->h + w > r->cols) rows_put(r, 1);
    r->h += w;
    if (r->h >= r->cols) {
        r->h = 0;
        r->v++;
    }
}

static void rows_add(struct rows *r, wchar_t c, int in_prompt) {
    if (!in_prompt && c == L'\n') {
        r->h = 0;
        r->v++;
    } else if (!in_prompt && c == L'\t') {
        do rows_put(r, 1);
        while (r->h % 8 != 0);
    } else if (!in_prompt && (c < 0x20 || c == 0x7f)) {
        rows_put(r, 1);
        rows_put(r, 1);
    } else {
        int w = wcwidth(c);
        rows_put(r, w < 0 ? 0 : w);
    }
}

static void line_rows(onb_editor *ed, EditLine *el, int *cursor_row, int *end_row) {
    struct rows r = {0, 0, 80};
    int co = 0;
    if (el_get(el, EL_GETTC, "co", &co, NULL) == 0 && co > 1) r.cols = co;
    else r.cols = terminal_columns(ed);

    const char *p = ed->prompt ? ed->prompt : "";
    int ignore = 0;
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t left = strlen(p);
    while (left > 0) {
        wchar_t wc;
        size_t k = mbrtowc(&wc, p, left, &st);
        if (k == (size_t)-1 || k == (size_t)-2) {
            memset(&st, 0, sizeof st);
            k = 1;
            wc = L'?';
        }
        if (k == 0) break;
        if (wc == ONB_PROMPT_IGNORE) ignore = !ignore;
        else if (!ignore) rows_add(&r, wc, 1);
        p += k;
        left -= k;
    }
    const LineInfoW *lw = el_wline(el);
    *cursor_row = r.v;
    for (const wchar_t *c = lw->buffer; c < lw->lastchar; c++) {
        if (c == lw->cursor) *cursor_row = r.v;
        rows_add(&r, *c, 0);
    }
    if (lw->cursor == lw->lastchar) *cursor_row = r.v;
    *end_row = r.v;
}

/* Prints the candidates below the line in columns; the caller returns CC_REDISPLAY. */
static void list_candidates(onb_editor *ed, EditLine *el, char **cands, size_t count) {
    FILE *out = ed->fout;
    size_t shown = count > ONB_MAX_LISTED ? ONB_MAX_LISTED : count;
    size_t *widths = calloc(shown, sizeof *widths);
    if (widths == NULL) return;
    size_t maxw = 1;
    for (size_t i = 0; i < shown; i++) {
        widths[i] = display_width(cands[i]);
        if (widths[i] > maxw) maxw = widths[i];
    }
    size_t width = (size_t)terminal_columns(ed);
    size_t colw = maxw + 2;
    size_t ncols = (width + 2) / colw;
    if (ncols < 1) ncols = 1;
    size_t nrows = (shown + ncols - 1) / ncols;
    ncols = (shown + nrows - 1) / nrows;

    int cursor_row = 0, end_row = 0;
    line_rows(ed, el, &cursor_row, &end_row);

    fflush(out);
    /* Below the line's last row, then the list. */
    for (int i = cursor_row; i < end_row; i++) fputs("\r\n", out);
    fputs("\r\n", out);
    for (size_t row = 0; row < nrows; row++) {
        for (size_t col = 0; col < ncols; col++) {
            size_t i = col * nrows + row;
            if (i >= shown) break;
            fputs(cands[i], out);
            size_t next = (col + 1) * nrows + row;
            if (col + 1 < ncols && next < shown)
                for (size_t pad = widths[i]; pad < colw; pad++) fputc(' ', out);
        }
        fputs("\r\n", out);
    }
    if (count > shown) fprintf(out, "... and %zu more\r\n", count - shown);
    /* libedit's redisplay first clears the rows it believes the line occupies,
       counted from the row it believes the cursor is on: leave that many blank
       rows so that it clears them rather than the end of the list. */
    for (int i = 0; i < cursor_row; i++) fputs("\r\n", out);
    fflush(out);
    free(widths);
}

unsigned char onb_le_fn_complete(EditLine *el, int ch) {
    (void)ch;
    onb_editor *ed = onb_le_editor_of(el);
    if (ed->complete_fn == NULL) return CC_ERROR;

    const LineInfo *li = el_line(el);
    size_t blen = (size_t)(li->cursor - li->buffer);
    char *before = strndup(li->buffer, blen);
    if (before == NULL) return CC_ERROR;
    char *result = ed->complete_fn(ed->complete_ctx, before);
    if (result == NULL) {
        free(before);
        return CC_ERROR;
    }

    unsigned char rv = CC_ERROR;
    char **cands = NULL;
    size_t count = 0, cap = 0;

    char *line_end = strchr(result, '\n');
    char *p = line_end ? line_end + 1 : result + strlen(result);
    size_t n = (size_t)strtoul(result, NULL, 10);
    if (n > blen) n = blen;
    /* Never start the word inside a UTF-8 sequence. */
    while (n > 0 && ((unsigned char)before[blen - n] & 0xC0) == 0x80) n--;
    const char *word = before + blen - n;

    while (*p != '\0') {
        char *e = strchr(p, '\n');
        if (e != NULL) *e = '\0';
        size_t len = strlen(p);
        if (len > 0 && p[len - 1] == '\r') p[--len] = '\0';
        if (len > 0) {
            if (count == cap) {
                size_t ncap = cap ? cap * 2 : 16;
                char **grown = realloc(cands, ncap * sizeof *cands);
                if (grown == NULL) break;
                cands = grown;
                cap = ncap;
            }
            cands[count++] = p;
        }
        if (e == NULL) break;
        p = e + 1;
    }

    if (count == 1) {
        const char *c = cands[0];
        size_t clen = strlen(c);
        if (clen >= n && strncmp(c, word, n) == 0) {
            if (clen > n) {
                insert_bytes(el, c + n, clen - n);
                rv = CC_REFRESH;
            } else {
                rv = CC_NORM; /* already complete */
            }
        } else {
            replace_word(el, word, n, c, clen);
            rv = CC_REFRESH;
        }
    } else if (count > 1) {
        size_t lcp = strlen(cands[0]);
        int all_prefixed = 1;
        for (size_t i = 0; i < count; i++) {
            size_t j = 0;
            while (j < lcp && cands[i][j] != '\0' && cands[i][j] == cands[0][j]) j++;
            lcp = j;
            if (strncmp(cands[i], word, n) != 0 || strlen(cands[i]) < n) all_prefixed = 0;
        }
        lcp = utf8_floor(cands[0], lcp);
        if (all_prefixed && lcp > n) {
            insert_bytes(el, cands[0] + n, lcp - n);
            rv = CC_REFRESH;
        } else if (!all_prefixed && lcp >= n && lcp > 0) {
            replace_word(el, word, n, cands[0], lcp);
            rv = CC_REFRESH;
        } else {
            list_candidates(ed, el, cands, count);
            rv = CC_REDISPLAY;
        }
    }

    free(cands);
    free(result);
    free(before);
    return rv;
}
