/* num.h -- numbers read from JSON, text or SQL: range-checked, never cast into a narrower type. */
#ifndef KISI_NUM_H
#define KISI_NUM_H

#include <stdbool.h>

#include <jansson.h>

/* The widest value a reader takes for a count or a time of day in ms
 * (2^53: exact in a double, as JSON readers elsewhere keep numbers). */
#define NUM_MAX 9007199254740992LL

/* True when v is a JSON integer (not a real, string or boolean) within
 * [lo, hi]; then *out holds it. False otherwise, *out untouched. */
bool num_json(const json_t *v, long long lo, long long hi, long long *out);

/* num_json into an int: lo and hi must lie within int's range. */
bool num_json_int(const json_t *v, int lo, int hi, int *out);

/* True when s is a whole decimal integer ("-" allowed, no blanks, no sign
 * "+", nothing after it) within [lo, hi]; then *out holds it. NULL is not. */
bool num_text(const char *s, long long lo, long long hi, long long *out);

/* num_text into an int: lo and hi must lie within int's range. */
bool num_text_int(const char *s, int lo, int hi, int *out);

#endif
