/* itemstat_int.h -- inside the item analysis: what itemstat.c collects, shared with itemstat_io.c. */
#ifndef KISI_ITEMSTAT_INT_H
#define KISI_ITEMSTAT_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "itemstat.h"

/* Names kept once each in the order added (v), found by hash (slot: index
 * + 1, 0 when free); `order` holds the indexes in name order, made by
 * itemstat_compute. */
typedef struct is_names {
    char **v;
    size_t n, cap;
    size_t *slot, nslot;
    size_t *order;
} is_names;

/* One response: the item (index into items), the letters chosen, right. */
typedef struct is_resp {
    size_t item;
    char chosen[ITEMSTAT_OPTIONS + 1];
    bool right;
} is_resp;

/* One attempt: its participant (index into who) and responses
 * resp[first .. first + n). */
typedef struct is_attempt {
    size_t who;
    int attempt;
    size_t first, n;
    bool counted;
} is_attempt;

struct itemstat {
    char *exam;
    is_names who, ids;
    itemstat_item *items;   /* parallel to ids.v; kind and key owned */
    size_t capitems;
    is_attempt *att;
    size_t natt, capatt;
    is_resp *resp;
    size_t nresp, capresp;
    int participants;
    double kr20, mean;
};

#endif
