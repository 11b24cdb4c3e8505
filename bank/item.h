/* item.h -- internal item helpers of libbank. */
#ifndef KISI_ITEM_H
#define KISI_ITEM_H

#include <stdbool.h>

#define ITEM_TITLE_MAX 200  /* bytes of an item's title */

/* True when `s` is 1-64 characters of A-Z a-z 0-9 . _ - (ids, topics). */
bool item_name_valid(const char *s);

#endif
