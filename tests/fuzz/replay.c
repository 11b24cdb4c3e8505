/* replay.c -- runs a libFuzzer target over corpus files without libFuzzer,
 * so that `make test` (gcc, optionally under sanitizers) replays the corpora. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads the whole file `path`; caller frees. NULL on error. */
static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *nb = realloc(buf, cap *= 2);
            if (!nb) { free(buf); buf = NULL; }
            else buf = nb;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    size_t count = 0;
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (!d) { fprintf(stderr, "replay: cannot open %s\n", argv[i]); return 1; }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.') continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            size_t len = 0;
            uint8_t *buf = slurp(path, &len);
            if (!buf) { fprintf(stderr, "replay: cannot read %s\n", path); closedir(d); return 1; }
            LLVMFuzzerTestOneInput(buf, len);
            free(buf);
            count++;
        }
        closedir(d);
    }
    printf("fuzz-replay %s: %zu inputs, 0 crashes\n", argv[0], count);
    return 0;
}
