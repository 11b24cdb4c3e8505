/* secmem.h -- memory for the kiosk's keys and secrets: kept out of swap and core dumps where the system allows, wiped when freed. */
#ifndef KISI_SECMEM_H
#define KISI_SECMEM_H

#include <stdbool.h>
#include <stddef.h>

/* Zeroed memory of n bytes on whole pages, locked in RAM (mlock) and left
 * out of core dumps (MADV_DONTDUMP) when the system allows; either failing
 * is soft (the memory is still returned). Caller frees with secmem_free().
 * NULL on ENOMEM. */
void *secmem_alloc(size_t n);

/* Wipes the n bytes at p (OPENSSL_cleanse), unlocks and frees them. NULL is a no-op. */
void secmem_free(void *p, size_t n);

/* True when the pages of p (from secmem_alloc) are locked in RAM. */
bool secmem_locked(const void *p);

/* Makes the process not dumpable (no core file, no ptrace by other users'
 * processes, /proc/PID files owned by root) and sets its core size limit
 * to 0. Returns 0, or -1 when either could not be set. */
int secmem_protect_process(void);

#endif
