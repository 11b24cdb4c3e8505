/* form_int.h -- internal layout of a drawn form. */
#ifndef KISI_FORM_INT_H
#define KISI_FORM_INT_H

#include <stddef.h>

#include "bank.h"

typedef struct form_item {
    char *id;
    char *topic;
    int noptions;
    int perm[BANK_MAX_OPTIONS];  /* perm[k] = original option shown in place k */
} form_item;

struct bank_form {
    char *exam;
    char *session;
    char *participant;
    int attempt;
    form_item *items;
    size_t n;
};

/* A new empty form for n items; caller frees with bank_form_free(). */
bank_form *form_new(const char *exam, const char *session, const char *participant,
                    int attempt, size_t n);

#endif
