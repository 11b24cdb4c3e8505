/* bench_answer.c -- the timing helper of tests/bench/bench_kiosk.sh: starts commands and
 * watches the kiosk's --trace file (inotify) for screen changes, on the monotonic clock.
 *
 * `make bench` runs every bench program without arguments first: then this one does
 * nothing and exits 0 (the kiosk figures come from bench_kiosk.sh, which calls it).
 *
 *   bench_answer exec STAMP CMD ARG...
 *       writes the clock (ms) to STAMP, then becomes CMD (same pid, so the caller
 *       can kill and wait for it)
 *   bench_answer wait TRACE TIMEOUT_MS STAMP PATTERN...
 *       waits until lines of TRACE (from its start) match each PATTERN in turn; prints
 *       the ms from STAMP to each match
 *   bench_answer key TRACE TIMEOUT_MS PATTERN... -- CMD ARG...
 *       runs CMD (e.g. xdotool key ...) and waits until lines appended to TRACE after
 *       the start match each PATTERN in turn; prints the ms from just before CMD
 *       started to each match
 *   bench_answer exit CMD ARG...
 *       prints the ms CMD takes from fork to exit (its status is not checked)
 *   bench_answer median
 *       prints the median of the numbers on stdin
 *
 * A PATTERN is one or more space-separated words, each equal to a word of the line
 * ("answered=1" does not match "answered=10"). Exits 1 with a message on stderr on a
 * time-out or error.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define MAXPAT 8
#define LINECAP 512

/* True when every word of pattern equals some word of line. */
static bool matches(const char *line, const char *pattern)
{
    const char *p = pattern;
    while (*p) {
        while (*p == ' ') p++;
        if (!*p) break;
        size_t n = strcspn(p, " ");
        bool found = false;
        for (const char *l = line; *l && !found;) {
            while (*l == ' ') l++;
            size_t m = strcspn(l, " ");
            if (m == n && strncmp(l, p, n) == 0) found = true;
            l += m;
        }
        if (!found) return false;
        p += n;
    }
    return true;
}

/* Waits until complete lines of `path` from byte `off` on match pats[0..npat) in turn;
 * at[i] gets the clock when pats[i] was seen. 0, or -1 with a message on time-out. */
static int watch(const char *path, off_t off, double t0, double timeout_ms, char **pats,
                 int npat, double *at)
{
    int in = inotify_init1(IN_CLOEXEC);
    if (in < 0 || inotify_add_watch(in, path, IN_MODIFY) < 0) {
        fprintf(stderr, "bench_answer: inotify on %s: %s\n", path, strerror(errno));
        if (in >= 0) close(in);
        return -1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "bench_answer: %s: %s\n", path, strerror(errno));
        close(in);
        return -1;
    }
    char line[LINECAP];
    size_t len = 0;
    int cur = 0;
    char last[LINECAP] = "";
    lseek(fd, off, SEEK_SET);
    for (;;) {
        char buf[4096];
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0) {
            double now = bench_now_ms();
            for (ssize_t i = 0; i < n && cur < npat; i++) {
                if (buf[i] != '\n') {
                    if (len < LINECAP - 1) line[len++] = buf[i];
                    continue;
                }
                line[len] = '\0';
                memcpy(last, line, len + 1);
                len = 0;
                if (matches(line, pats[cur])) at[cur++] = now;
            }
            if (cur == npat) break;
        }
        if (cur == npat) break;
        double left = t0 + timeout_ms - bench_now_ms();
        if (left <= 0) {
            fprintf(stderr, "bench_answer: timed out waiting for '%s'; trace shows '%s'\n",
                    pats[cur], last);
            close(fd);
            close(in);
            return -1;
        }
        struct pollfd pfd = {.fd = in, .events = POLLIN};
        if (poll(&pfd, 1, left > 50 ? 50 : (int)left + 1) > 0) {
            char ev[4096];
            if (read(in, ev, sizeof ev) < 0 && errno != EAGAIN) break;
        }
    }
    close(fd);
    close(in);
    return 0;
}

static void print_times(const double *at, int n, double t0)
{
    for (int i = 0; i < n; i++) printf("%s%.2f", i ? " " : "", at[i] - t0);
    printf("\n");
}

static pid_t spawn(char **argv)
{
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    return pid;
}

static double read_stamp(const char *path)
{
    FILE *f = fopen(path, "r");
    double t = 0;
    if (!f || fscanf(f, "%lf", &t) != 1) bench_die("no clock stamp in %s", path);
    fclose(f);
    return t;
}

static int cmd_exec(int argc, char **argv)
{
    if (argc < 4) bench_die("usage: exec STAMP CMD ARG...");
    FILE *f = fopen(argv[2], "w");
    if (!f) bench_die("%s: %s", argv[2], strerror(errno));
    fprintf(f, "%.3f\n", bench_now_ms());
    if (fclose(f) != 0) bench_die("%s: %s", argv[2], strerror(errno));
    execvp(argv[3], argv + 3);
    bench_die("%s: %s", argv[3], strerror(errno));
    return 1;
}

static int cmd_wait(int argc, char **argv)
{
    if (argc < 6 || argc - 5 > MAXPAT) bench_die("usage: wait TRACE TIMEOUT_MS STAMP PATTERN...");
    double at[MAXPAT];
    if (watch(argv[2], 0, bench_now_ms(), atof(argv[3]), argv + 5, argc - 5, at) != 0) return 1;
    print_times(at, argc - 5, read_stamp(argv[4])); /* written before the trace was */
    return 0;
}

static int cmd_key(int argc, char **argv)
{
    int sep = 4;
    while (sep < argc && strcmp(argv[sep], "--") != 0) sep++;
    int npat = sep - 4;
    if (argc < 6 || sep >= argc - 1 || npat < 1 || npat > MAXPAT)
        bench_die("usage: key TRACE TIMEOUT_MS PATTERN... -- CMD ARG...");
    struct stat sb;
    if (stat(argv[2], &sb) != 0) bench_die("%s: %s", argv[2], strerror(errno));
    double at[MAXPAT];
    double t0 = bench_now_ms();
    pid_t pid = spawn(argv + sep + 1);
    if (pid < 0) bench_die("fork: %s", strerror(errno));
    int rc = watch(argv[2], sb.st_size, t0, atof(argv[3]), argv + 4, npat, at);
    int st = 0;
    waitpid(pid, &st, 0);
    if (rc != 0) return 1;
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) bench_die("%s failed", argv[sep + 1]);
    print_times(at, npat, t0);
    return 0;
}

static int cmd_exit(int argc, char **argv)
{
    if (argc < 3) bench_die("usage: exit CMD ARG...");
    double t0 = bench_now_ms();
    pid_t pid = spawn(argv + 2);
    if (pid < 0) bench_die("fork: %s", strerror(errno));
    int st = 0;
    waitpid(pid, &st, 0);
    printf("%.2f\n", bench_now_ms() - t0);
    return 0;
}

static int cmd_median(void)
{
    double v[4096];
    size_t n = 0;
    while (n < sizeof v / sizeof v[0] && scanf("%lf", &v[n]) == 1) n++;
    if (n == 0) bench_die("median of nothing");
    printf("%.2f\n", bench_median(v, n));
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) return 0; /* run alone by `make bench`: bench_kiosk.sh drives it */
    const char *c = argv[1];
    if (strcmp(c, "exec") == 0) return cmd_exec(argc, argv);
    if (strcmp(c, "wait") == 0) return cmd_wait(argc, argv);
    if (strcmp(c, "key") == 0) return cmd_key(argc, argv);
    if (strcmp(c, "exit") == 0) return cmd_exit(argc, argv);
    if (strcmp(c, "median") == 0) return cmd_median();
    bench_die("unknown command '%s' (exec, wait, key, exit, median)", c);
    return 1;
}
