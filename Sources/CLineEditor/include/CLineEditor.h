/*
 * CLineEditor: a small line editor for `onboard repl`, over BSD libedit.
 *
 * Swift cannot call libedit's variadic functions (el_set, history), so every
 * libedit call lives in lineeditor*.c; this header exposes plain functions only
 * and includes no libedit header.
 *
 * One editor edits one terminal. Only one onb_editor_read may run at a time in
 * the whole process (it installs process-wide signal handlers for its
 * duration). Strings are UTF-8 and NUL-terminated throughout.
 */
#ifndef ONB_CLINEEDITOR_H
#define ONB_CLINEEDITOR_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wnullability-extension"
#define ONB_NULLABLE _Nullable
#define ONB_NONNULL _Nonnull
#define ONB_UNSPECIFIED _Null_unspecified
#else
#define ONB_NULLABLE
#define ONB_NONNULL
#define ONB_UNSPECIFIED
#endif

/* Values stored in *status by onb_editor_read. */
#define ONB_EDITOR_LINE 0          /* a line was entered */
#define ONB_EDITOR_INTERRUPTED 1   /* Ctrl-C: the line was abandoned */
#define ONB_EDITOR_EOF (-1)        /* Ctrl-D on an empty line, or the input closed */

/* An open editor (opaque). */
typedef struct onb_editor onb_editor;

/*
 * Completion callback, called on Tab. `before_cursor` is the line's text up to
 * the cursor (never NULL; left "unspecified" so that Swift code may bind it
 * with `guard let` or use it directly). Returns a string allocated with
 * malloc (the editor frees it with free; from Swift use strdup) or NULL for
 * no candidates:
 *   first line: decimal byte length N of the word at the end of before_cursor
 *               that the candidates complete;
 *   then one candidate per line, each the full word (normally starting with
 *   the typed word; one that does not replaces the word).
 * Empty candidate lines are ignored. Must not call back into the editor.
 */
typedef char *ONB_NULLABLE (*onb_complete_fn)(void *ONB_NULLABLE context,
                                              const char *ONB_UNSPECIFIED before_cursor);

/*
 * Opens an editor on a terminal. The descriptors are duplicated (the caller
 * keeps and closes its own); in_fd and out_fd must be terminals (else NULL,
 * errno ENOTTY: read lines some other way). Also sets LC_CTYPE from
 * the environment (setlocale(LC_CTYPE, "")), falling back to C.UTF-8 when that
 * gives the plain C/POSIX locale, reads ~/.editrc (or $EDITRC), selects emacs
 * key bindings, and binds Ctrl-C (interrupt), Tab (completion), Ctrl-R
 * (reverse incremental history search) and Ctrl-Z (suspend).
 * Returns NULL on failure (errno set when known).
 */
onb_editor *ONB_NULLABLE onb_editor_open(const char *ONB_NULLABLE program_name,
                                         int in_fd, int out_fd, int err_fd);

/* Restores the terminal to the state it had at open and frees the editor. NULL is ignored. */
void onb_editor_close(onb_editor *ONB_NULLABLE ed);

/*
 * Sets the prompt (copied; NULL means ""). Non-printing sequences such as ANSI
 * colours must be enclosed between two \001 bytes, e.g. "\001\033[1m\001> ",
 * so that the editor does not count them in the prompt's width.
 */
void onb_editor_set_prompt(onb_editor *ONB_NONNULL ed, const char *ONB_NULLABLE prompt);

/* Sets (or with fn NULL removes) the Tab completion callback. With none, Tab beeps. */
void onb_editor_set_completion(onb_editor *ONB_NONNULL ed, onb_complete_fn ONB_NULLABLE fn,
                               void *ONB_NULLABLE context);

/*
 * Shows the prompt and reads one line (the terminal is in the editor's raw
 * mode only for the duration of this call; it returns in cooked mode with
 * ISIG on). Returns a malloc'd string (release with onb_editor_free or free),
 * and stores in *status (status may be NULL):
 *   ONB_EDITOR_LINE        the line, without its trailing newline (it may
 *                          contain newlines when a multi-line history entry
 *                          was recalled);
 *   ONB_EDITOR_INTERRUPTED Ctrl-C: the text typed so far (may be ""); the
 *                          editor has shown "^C" and moved to a new line;
 *   ONB_EDITOR_EOF         returns NULL; after Ctrl-D the editor has moved to
 *                          a new line.
 * Flushes stdout and stderr first so earlier output appears above the prompt.
 */
char *ONB_NULLABLE onb_editor_read(onb_editor *ONB_NONNULL ed, int *ONB_NULLABLE status);

/* Frees a string returned by onb_editor_read (same as free). */
void onb_editor_free(void *ONB_NULLABLE p);

/*
 * Adds an entry to the history (copied). Entries may contain newlines. Empty
 * entries and an entry equal to the latest one are not stored.
 */
void onb_editor_history_add(onb_editor *ONB_NONNULL ed, const char *ONB_NULLABLE entry);

/*
 * Appends the entries of a history file written by onb_editor_history_save
 * (libedit's format). Returns 0 on success or when the file does not exist,
 * -1 on error (unreadable, or not a libedit history file).
 */
int onb_editor_history_load(onb_editor *ONB_NONNULL ed, const char *ONB_NONNULL path);

/*
 * Writes the whole history to path, mode 0600, atomically: a temporary file
 * in the same directory is written, flushed to disk and renamed over path.
 * Returns 0 on success, -1 on error (errno set; path untouched).
 */
int onb_editor_history_save(onb_editor *ONB_NONNULL ed, const char *ONB_NONNULL path);

/* Sets the maximum number of history entries kept (default 1000; the oldest go first). */
void onb_editor_set_history_size(onb_editor *ONB_NONNULL ed, int size);

/* The number of entries now in the history. */
int onb_editor_history_count(onb_editor *ONB_NONNULL ed);

#if defined(__clang__)
#pragma clang diagnostic pop
#endif

#ifdef __cplusplus
}
#endif

#endif /* ONB_CLINEEDITOR_H */
