/* fuzz_http.c -- libFuzzer target: one HTTP request, as raw bytes, sent to the core's
 * HTTP API on the loopback (every route and JSON body it accepts); the core must answer
 * or close, and stay up for the next one. */
#include <stdint.h>

#include "fuzz_server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_server_start();
    char buf[64];
    ssize_t n = fuzz_server_exchange(data, size, buf, sizeof buf);
    /* an answer, when there is one, is HTTP; and the server still takes a request */
    fuzz_server_alive(buf, n);
    return 0;
}
