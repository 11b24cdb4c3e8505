/* result.h -- the signed result record of a finished attempt, and the outbox on disk. */
#ifndef KISI_RESULT_H
#define KISI_RESULT_H

#include "bank.h"
#include "sitting.h"

/* Builds the result record of a submitted sitting as canonical JSON
 * (jansson, sorted keys, compact): {"kind":"kisi-result","version":3,
 * "bank": bank id, "session": id, "exam": id, "participant": nip,
 * "name": ..., "attempt": N, "form": <form object>, "answers": [{"id",
 * "v", "ms"}...] (form order, "v" original letters, "ms" used_ms at last
 * change or -1), "score": {"raw","ceiling","awarded","band","passed"},
 * "submitted": "participant"|"timeout"|"proctor", "used_ms" (paused and
 * locked time not charged), "down_ms",
 * "incidents": [{"at": wall_ms, "what"}...], "journal": head hash hex,
 * "kiosk": signer public key hex, "finished_ms": wall ms, "accommodations":
 * {"read_aloud": bool, "extra_minutes": N} (version 2 on), "room":
 * {"extended_minutes": N added by the proctor, "held_ms": wall time the
 * proctor held the clock, paused or locked} (version 3 on)}.
 * Caller frees with free(). NULL on ENOMEM. */
char *result_json(const char *bank_id, const char *session_id, const sitting *s,
                  const bank_score *score, const char *journal_head, const char *kiosk_pub,
                  int64_t finished_ms);

#define RESULT_DIFFERENT 1  /* result_store(): the outbox holds another NAME.json */

/* Writes `json` and its detached signature into `outbox_dir` as
 * NAME.json and NAME.sig (NAME = "<session>-<nip>-<attempt>"), each
 * written to a temporary file, fsynced and renamed, so that a power cut
 * leaves either nothing or the whole file. `name_out` (128 bytes) gets
 * NAME. Returns 0; RESULT_DIFFERENT (why set, nothing written) when the
 * outbox already holds a different NAME.json; -1 with why set on error. */
int result_store(const char *outbox_dir, const char *json, const bank_signer *signer,
                 const char *session_id, const char *nip, int attempt, char *name_out,
                 char *why);

/* Moves NAME.json and NAME.sig of `outbox_dir` into `aside_dir` (made
 * 0700 when missing) as NAME.K.json and NAME.K.sig, K the first free
 * number from 1: nothing is deleted or overwritten. `aside_out` (may be
 * NULL, 4096 bytes) gets the path of the NAME.K.json. Returns 0 or -1
 * with why set. */
int result_set_aside(const char *outbox_dir, const char *name, const char *aside_dir,
                     char *aside_out, char *why);

/* Number of NAME.json files waiting in the outbox (-1 on error). */
int result_queued(const char *outbox_dir);

#endif
