/* export.h -- copies signed result bundles out of the outbox (USB stick), and durable moves. */
#ifndef KISI_EXPORT_H
#define KISI_EXPORT_H

#include <stddef.h>

#include "why.h"

#define EXPORT_FILE_MAX (64u << 20)   /* a file larger than this is not a result bundle */
#define EXPORT_NAME 200               /* longest bundle NAME handled, plus its NUL */

/* Copies every result bundle waiting in STATE/outbox -- NAME.json with its
 * NAME.sig; a NAME.json without its NAME.sig is not a bundle and is left
 * out -- into folder `dir` (created 0700 with its parents when missing), for
 * import at the core (which takes any X.json with its X.sig). The copies are
 * named NAME.kiosk-ID.json and NAME.kiosk-ID.sig, ID being the first 16 hex
 * digits of the signing kiosk's key (from the .sig): kiosks exporting into
 * one folder never share a file name, and the names still sort by session,
 * NIP and attempt. A .sig that names no kiosk fails that bundle.
 * Results already delivered (STATE/sent) are not copied.
 * Each file goes through a temporary ".NAME.*" file, fsync and rename, the
 * .sig before the .json, and the folder is fsynced: a pulled stick holds
 * whole files only. A file of the same name already in `dir` is kept: the
 * same bytes count as exported, different bytes are never overwritten (that
 * bundle is skipped and the call fails, the others are still copied).
 * The outbox is only read. `*copied` (may be NULL) gets the number of
 * bundles `dir` now holds identical to the outbox (newly written or already
 * there). Returns 0, or -1 with a one-line `why` (WHY_SIZE bytes) naming
 * the first problem. Never prints. */
int export_outbox(const char *state_dir, const char *dir, int *copied, char *why);

/* Folder helpers shared with the uploader (kiosk/uploader.c). */

/* Lists folder `dir`: fills names[0..n) with the (at most `max`) smallest
 * NAMEs, in strcmp order, of the NAME.json files there that sort after
 * `after` ("" for the first batch; pass the last name of a full batch to get
 * the next); hidden files and NAMEs of EXPORT_NAME bytes or more are left
 * out. *total (may be NULL) gets the number of NAME.json files. Returns n
 * (0 for a missing folder), or -1 with errno set. */
int export_list(const char *dir, const char *after, char (*names)[EXPORT_NAME], int max,
                int *total);

/* Creates `dir` (0700) and its missing parents, each made durable in its
 * parent. Returns 0, or -1 with errno set (ENOTDIR when a file is in the way). */
int export_mkdirs(const char *dir);

/* Reads `path` whole (at most `max` bytes), NUL-terminated. Caller frees
 * *out with free(). Returns 1 read, 0 missing, -1 error (errno set),
 * -2 larger than max. */
int export_read(const char *path, size_t max, char **out, size_t *len);

/* Moves from/NAME.sig (when present) and then from/NAME.json into folder
 * `to` (created 0700 when missing; its parent must exist). When `reason` is
 * not NULL, to/NAME.reason gets it first, written atomically. Both folders
 * are fsynced. A stop between the two renames leaves from/NAME.json without
 * its .sig, which to/NAME.sig then tells apart. Returns 0, or -1 with errno
 * set. */
int export_move_pair(const char *from, const char *to, const char *name, const char *reason);

#endif
