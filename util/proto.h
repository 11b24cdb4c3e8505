/* proto.h -- the kiosk-to-core upload protocol: paths, headers and content types, written once. */
#ifndef KISI_PROTO_H
#define KISI_PROTO_H

/* Routes of the core (POST with a JSON body unless said otherwise). */
#define PROTO_PATH_HEALTH "/v1/health"    /* GET: is the core up */
#define PROTO_PATH_KIOSKS "/v1/kiosks"    /* enrol a kiosk; GET .../<key>: its state */
#define PROTO_PATH_CHALLENGE "/v1/challenge" /* GET: a fresh enrolment challenge and the
                                              core's public key */
#define PROTO_PATH_RESULTS "/v1/results"  /* one signed result record */
#define PROTO_PATH_HISTORY "/v1/history"  /* GET ?exam=ID: forms drawn (operator) */
#define PROTO_PATH_COHORTS "/v1/cohorts"  /* GET .../<id>/recap (operator) */
#define PROTO_PATH_STATS "/v1/stats"      /* GET ?exam=ID: item analysis, JSON (operator) */
#define PROTO_PATH_WEB "/web"             /* GET .../<file>: the pages for people, from the
                                             core's --web-dir (no data in them) */
#define PROTO_PATH_ROOM_STATE "/v1/room/state" /* a kiosk's signed state; answer: commands */
#define PROTO_PATH_ROOM "/v1/room"        /* GET: every seat's last state (operator) */
#define PROTO_PATH_ROOM_MESSAGE "/v1/room/message" /* queue a message command (operator) */
#define PROTO_PATH_ROOM_LEASE "/v1/room/lease" /* a kiosk's signed request for the lease of
                                                  an attempt; answer signed by the core */
#define PROTO_PATH_PROCTOR "/v1/proctor" /* the proctor's page data: .../login, logout, room,
                                            stream, seat, action, report (cookie) */
#define PROTO_PROCTOR_COOKIE "kisi_proctor" /* the proctor's sign-in cookie: 64 hex */
#define PROTO_PATH_ROOM_OFFER "/v1/room/offer" /* GET: the sessions a kiosk may fetch */
#define PROTO_PATH_ROOM_BANK "/v1/room/bank"   /* GET .../<bank id>: the sealed bank's bytes */
#define PROTO_PATH_ROOM_SESSION "/v1/room/session" /* GET .../<session id>: the session file */
#define PROTO_PATH_FORWARD "/v1/forward"  /* a result forwarded by a room core, as uploaded */
#define PROTO_PATH_ROOM_JOURNAL "/v1/room/journal" /* a kiosk's journal events, signed: the
                                                      core's replica; answer {"have": N} */
#define PROTO_PATH_ROOM_JOURNAL_FETCH "/v1/room/journal/fetch" /* the replica of an attempt,
                                                      for the kiosk holding its lease */

/* Headers of an uploaded result: the signature travels beside the body. */
#define PROTO_HEADER_KIOSK "Kisi-Kiosk"          /* the kiosk's public key, 64 hex */
#define PROTO_HEADER_SIGNATURE "Kisi-Signature"  /* Ed25519 signature of the body, 128 hex */

/* Versions of what travels, each bumped when its bytes change (tests/kat
 * holds known answers): a reader refuses a newer one with a message naming
 * both versions. The paths carry the protocol's (/v1/); a result record its
 * "version"; a .sig file its "version" (absent in files of version 1). */
#define PROTO_VERSION 1        /* the routes, /v<N>/... */
#define PROTO_RESULT_VERSION 3 /* result record ("kind": "kisi-result"); 2: accommodations;
                                  3: "room" (the proctor's extensions and held clock) */
#define PROTO_SIG_VERSION 1    /* detached signature file NAME.sig */
#define PROTO_ENROL_VERSION 1  /* signed enrolment request ("version" of POST /v1/kiosks) */
#define PROTO_RECEIPT_VERSION 1 /* the core's signed receipt of a stored result */
#define PROTO_LEASE_VERSION 1  /* lease request and the core's signed answer */
#define PROTO_STATE_VERSION 2  /* a kiosk's state message (POST /v1/room/state); 2: session,
                                  name, lease, jseq and the proctor's screens */
#define PROTO_COMMAND_VERSION 2 /* a command of the core to one kiosk; 2: the proctor's kinds
                                   with nip, minutes and seat */
#define PROTO_OFFER_VERSION 1  /* the room's offer (GET /v1/room/offer) */
#define PROTO_FORWARD_VERSION 1 /* a forwarded result ("version" of POST /v1/forward) */
#define PROTO_REPLICA_VERSION 1 /* a journal push or fetch (POST /v1/room/journal[/fetch]) */

/* What a kiosk signs to enrol, with the key it enrols: the core's public key
 * and a challenge that core gave (so the request holds for that core, once,
 * for a few minutes), then its own key and name. printf arguments: version,
 * core key (64 hex), challenge, kiosk key (64 hex), name. */
#define PROTO_ENROL_TEXT "kisi-enrol\nversion=%d\ncore=%s\nchallenge=%s\nkiosk=%s\nname=%s\n"

/* What the core signs in a receipt: the SHA-256 of the result record exactly
 * as uploaded, the kiosk that signed it, the outcome ("stored" or
 * "duplicate") and the core's time (ms since 1970). printf arguments:
 * version, digest (64 hex), kiosk key (64 hex), status, time (long long). */
#define PROTO_RECEIPT_TEXT "kisi-receipt\nversion=%d\nresult=%s\nkiosk=%s\nstatus=%s\ntime=%lld\n"

/* What the core signs in a command to one kiosk: the kiosk it is for, the
 * per-kiosk command sequence number (a kiosk obeys only numbers above the
 * last it obeyed), the kind ("message", "extend", "pause", "resume",
 * "authorise", "lock", "unlock", "release", "move-out", "end"), the core's
 * time, the participant it is for ("" = whoever sits there), the minutes of
 * an "extend" (0 otherwise), the seat of a "move-out" ("" otherwise) and the
 * text (the message or the proctor's reason; one line: no control
 * character). printf arguments: version, kiosk key (64 hex), seq (long
 * long), kind, time (long long), nip, minutes (int), seat, text. */
#define PROTO_COMMAND_TEXT "kisi-command\nversion=%d\nkiosk=%s\nseq=%lld\nkind=%s\ntime=%lld\n" \
                           "nip=%s\nminutes=%d\nseat=%s\ntext=%s\n"
#define PROTO_COMMAND_TEXT_MAX 200  /* bytes of a command's text */
#define PROTO_STATE_MAX 4096        /* bytes of a state message */
#define PROTO_EXTEND_MAX 120        /* minutes one "extend" command adds at most */

/* What the core signs in its answer to a lease request (POST /v1/room/lease):
 * the kiosk that asked and its request's seq (so the answer holds for that
 * request only), the attempt (session, NIP, attempt number), the outcome
 * ("granted" or "refused"), the seat label holding the attempt, whether the
 * session waits for the proctor's authorisation before the start (0 or 1),
 * and how many journal events of the attempt the core holds. printf
 * arguments: version, kiosk key (64 hex), seq (long long), session, nip,
 * attempt (int), status, holder, authorise (int), replica (long long). */
#define PROTO_LEASE_TEXT                                                                  \
    "kisi-lease\nversion=%d\nkiosk=%s\nseq=%lld\nsession=%s\nnip=%s\nattempt=%d\n"        \
    "status=%s\nholder=%s\nauthorise=%d\nreplica=%lld\n"
#define PROTO_LEASE_SEAT_MAX 32 /* bytes of a seat label in a lease */

/* Content types. */
#define PROTO_TYPE_JSON "application/json"
#define PROTO_TYPE_TEXT "text/plain; charset=utf-8"

#endif
