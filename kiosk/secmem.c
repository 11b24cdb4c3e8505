/* secmem.c -- locked, undumpable, wiped memory for keys and secrets, and an undumpable process. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "secmem.h"

/* Header in front of each block: its whole size and whether mlock held. */
typedef struct secmem_head {
    size_t total;
    bool locked;
} secmem_head;

static size_t page_size(void)
{
    long p = sysconf(_SC_PAGESIZE);
    return p > 0 ? (size_t)p : 4096;
}

/* The block's header sits on the page before the caller's bytes. */
static secmem_head *head_of(const void *p)
{
    return (secmem_head *)((uintptr_t)p - page_size());
}

/* Caller frees with secmem_free(). */
void *secmem_alloc(size_t n)
{
    size_t pg = page_size();
    if (n > SIZE_MAX - 2 * pg) return NULL;
    size_t total = pg + (n + pg - 1) / pg * pg;
    void *base = NULL;
    if (posix_memalign(&base, pg, total) != 0) return NULL;
    memset(base, 0, total);
    secmem_head *h = base;
    h->total = total;
    h->locked = mlock(base, total) == 0;   /* soft: RLIMIT_MEMLOCK may be small */
#ifdef MADV_DONTDUMP
    (void)madvise(base, total, MADV_DONTDUMP);  /* soft: an old kernel refuses it */
#endif
    return (char *)base + pg;
}

void secmem_free(void *p, size_t n)
{
    if (!p) return;
    secmem_head *h = head_of(p);
    size_t total = h->total;
    (void)n;  /* the whole block is wiped, whatever the caller used of it */
    OPENSSL_cleanse(p, total - page_size());
    if (h->locked) munlock(h, total);
#ifdef MADV_DODUMP
    (void)madvise(h, total, MADV_DODUMP);
#endif
    OPENSSL_cleanse(h, sizeof *h);
    free(h);
}

bool secmem_locked(const void *p)
{
    return p && head_of(p)->locked;
}

int secmem_protect_process(void)
{
    struct rlimit none = {0, 0};
    int rc = prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 ? 0 : -1;
    if (setrlimit(RLIMIT_CORE, &none) != 0) rc = -1;
    return rc;
}
