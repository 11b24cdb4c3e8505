#!/usr/bin/env python3
# fixture.py -- the item-analysis fixture (30 participants x 10 items with known answers) and
# an independent computation of every figure, for tests/e2e/core_stats.sh.
#
#   fixture.py bank DIR                  items.csv, exam.json, roster.csv of the fixture
#   fixture.py results DIR FORMS OUT ATTEMPT
#                                        result records (OUT/NAME.json, unsigned) for the forms
#                                        of FORMS (one `bank draw --json` object a line),
#                                        answered as designed for ATTEMPT (1, or 2: remedial)
#   fixture.py check STATS.json          compares `core stats --json` (or `bank stats --json`)
#                                        with the figures computed here from the design
#
# The design (participant j = 0..29 stands for ability j; attempt 1 is what counts):
#   S01       everyone but j = 0 right: too easy (p > 0.95)
#   S02..S04  right from ability 6, 10, 14 on, with a few slips: ordinary items
#   S05       true/false, right from ability 8 on
#   S06       right from ability 18 on
#   S07       multiple response, key AC: right from ability 12 on; below, "A" alone or "AB"
#   S08       the bad item: right only below ability 12 (negative discrimination)
#   S09       nobody right (too hard), wrong answers spread over B, C, D
#   S10       right from ability 3 on; nobody ever chooses E (an unchosen option)
# Some weak participants leave S06 unanswered. Attempt 2 (participants 0..3, remedial) is
# all right: were it counted, every figure would differ.
import csv, json, math, os, sys

N = 30
EXAM = "stat-kuis"
ITEMS = [
    # id, kind, options, key, rule(j) -> right
    ("S01", "single", 4, "B", lambda j: j >= 1),
    ("S02", "single", 4, "C", lambda j: (j >= 6) != (j in (8, 25))),
    ("S03", "single", 5, "D", lambda j: (j >= 10) != (j in (4, 21))),
    ("S04", "single", 4, "A", lambda j: (j >= 14) != (j in (11, 28))),
    ("S05", "truefalse", 2, "A", lambda j: j >= 8),
    ("S06", "single", 4, "B", lambda j: j >= 18),
    ("S07", "multi", 4, "AC", lambda j: j >= 12),
    ("S08", "single", 4, "C", lambda j: j < 12),
    ("S09", "single", 4, "A", lambda j: False),
    ("S10", "single", 5, "A", lambda j: j >= 3),
]
OMIT = {("S06", j) for j in (0, 2, 5)}


def nip(j):
    return "1990%02d%02d2015031%03d" % (1 + j % 12, 1 + j, j + 1)


def answer(item, j, attempt):
    """The letters participant j chooses on item (original letters)."""
    iid, kind, nopt, key, rule = item
    if attempt == 2 or rule(j):
        return key
    if (iid, j) in OMIT:
        return ""
    if kind == "multi":
        return "A" if j % 2 == 0 else "AB"
    wrong = [chr(65 + o) for o in range(nopt) if chr(65 + o) not in key]
    if iid == "S10":
        wrong = [w for w in wrong if w != "E"]
    return wrong[j % len(wrong)]


def cmd_bank(d):
    with open(os.path.join(d, "items.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["id", "topic", "kind", "difficulty", "weight", "stem", "a", "b", "c", "d", "e", "key"])
        for iid, kind, nopt, key, _ in ITEMS:
            opts = ["Benar", "Salah"] if kind == "truefalse" else ["Pilihan %s %s" % (iid, chr(65 + o)) for o in range(nopt)]
            opts += [""] * (5 - len(opts))
            w.writerow([iid, "statistik", kind, 3, 1, "Soal %s <b>&</b> \"kutip\"" % iid] + opts + [key])
    exam = {"id": EXAM, "title": "Kuis statistik butir", "kind": "quiz", "minutes": 20,
            "pass_mark": 7000, "max_attempts": 5, "quotas": {"statistik": 10}}
    json.dump(exam, open(os.path.join(d, "exam.json"), "w"))
    with open(os.path.join(d, "roster.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(["nip", "name", "pin"])
        for j in range(N):
            w.writerow([nip(j), "Peserta <%02d> & Co" % j, "%010d" % (3141592650 + j * 7)])


def band(s):
    for lo, name in ((9001, "Sangat memuaskan"), (8001, "Memuaskan"), (7001, "Cukup memuaskan"), (6001, "Kurang memuaskan")):
        if s >= lo:
            return name
    return "Tidak memuaskan"


def cmd_results(d, forms, out, attempt):
    bank_id = open(os.path.join(d, "bank.id")).read().strip()
    byid = {it[0]: it for it in ITEMS}
    j_of = {nip(j): j for j in range(N)}
    os.makedirs(out, exist_ok=True)
    for line in open(forms, encoding="utf-8"):
        if not line.strip():
            continue
        form = json.loads(line)
        j = j_of[form["participant"]]
        answers, right = [], 0
        for k, it in enumerate(form["items"]):
            v = answer(byid[it["id"]], j, attempt)
            right += v != "" and set(v) == set(byid[it["id"]][3])
            answers.append({"id": it["id"], "v": v, "ms": 1000 * (k + 1) if v else -1})
        raw = (2 * 10000 * right + len(answers)) // (2 * len(answers))
        rec = {"kind": "kisi-result", "version": 1, "bank": bank_id, "session": form["session"],
               "exam": EXAM, "participant": form["participant"], "name": "Peserta %02d" % j,
               "attempt": form["attempt"], "form": form, "answers": answers,
               "score": {"raw": raw, "ceiling": 10000, "awarded": raw, "band": band(raw),
                         "passed": raw >= 7000},
               "submitted": "participant", "used_ms": 600000, "down_ms": 0, "incidents": [],
               "journal": "0" * 64, "kiosk": open(os.path.join(d, "kiosk.pubhex")).read().strip(),
               "finished_ms": 1780000000000 + j}
        name = "%s-%s-%d" % (form["session"], form["participant"], form["attempt"])
        text = json.dumps(rec, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        open(os.path.join(out, name + ".json"), "wb").write(text.encode("utf-8"))


def pearson(xs, ys):
    n = len(xs)
    if n < 2:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    if sxx == 0 or syy < 1e-12:
        return None
    return sxy / math.sqrt(sxx * syy)


def expected():
    """Every figure, from the design alone (attempt 1 of each participant)."""
    k = len(ITEMS)
    right = {(it[0], j): answer(it, j, 1) != "" and set(answer(it, j, 1)) == set(it[3]) for it in ITEMS for j in range(N)}
    total = {j: sum(right[(it[0], j)] for it in ITEMS) for j in range(N)}
    # the core counts attempts in NIP order: the order of the upper-lower ties
    order = sorted(range(N), key=nip)
    items = {}
    for it in ITEMS:
        iid, kind, nopt, key, _ = it
        xs = [1.0 if right[(iid, j)] else 0.0 for j in order]
        rest = [(total[j] - right[(iid, j)]) / (k - 1) for j in order]
        p = sum(xs) / N
        pairs = sorted(range(N), key=lambda t: (-rest[t], t))
        g = int(math.floor(0.27 * N + 0.5))
        d27 = (sum(xs[t] for t in pairs[:g]) - sum(xs[t] for t in pairs[-g:])) / g
        chosen = {chr(65 + o): sum(chr(65 + o) in answer(it, j, 1) for j in range(N)) for o in range(nopt)}
        omitted = sum(answer(it, j, 1) == "" for j in range(N))
        r = pearson(xs, rest)
        flags = []
        if p < 0.20: flags.append("too-hard")
        if p > 0.95: flags.append("too-easy")
        if r is None or r < 0.10: flags.append("low-discrimination")
        if r is not None and r < 0: flags.append("negative-discrimination")
        if 0 in chosen.values(): flags.append("unchosen-option")
        items[iid] = {"kind": kind, "key": key, "options": nopt, "n": N, "p": p, "rpb": r,
                      "d27": d27, "chosen": chosen, "omitted": omitted, "forms": N + 4,
                      "seen_by": N, "flags": flags}
    ps = {it[0]: items[it[0]]["p"] for it in ITEMS}
    pq = sum(p * (1 - p) for p in ps.values())
    mean = sum(total.values()) / N
    var = sum(t * t for t in total.values()) / N - mean * mean
    kr20 = k / (k - 1) * (1 - pq / var)
    return {"participants": N, "attempts": N + 4, "kr20": kr20, "mean": mean / k, "items": items}


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) < 1e-6


def cmd_check(path):
    got = json.load(open(path, encoding="utf-8"))
    exp = expected()
    bad = []
    for f in ("participants", "attempts"):
        if got.get(f) != exp[f]:
            bad.append("%s: %r, expected %r" % (f, got.get(f), exp[f]))
    for f in ("kr20", "mean"):
        if not close(got.get(f), exp[f]):
            bad.append("%s: %r, expected %r" % (f, got.get(f), exp[f]))
    gi = {it["id"]: it for it in got.get("items", [])}
    if sorted(gi) != sorted(exp["items"]):
        bad.append("items %s, expected %s" % (sorted(gi), sorted(exp["items"])))
    for iid, e in exp["items"].items():
        g = gi.get(iid, {})
        for f, v in e.items():
            ok = close(g.get(f), v) if f in ("p", "rpb", "d27") else g.get(f) == v
            if not ok:
                bad.append("%s %s: %r, expected %r" % (iid, f, g.get(f), v))
    for b in bad:
        print("MISMATCH " + b)
    # the designed items must come out flagged as designed
    want = {"S01": "too-easy", "S08": "negative-discrimination", "S09": "too-hard", "S10": "unchosen-option"}
    for iid, fl in want.items():
        if fl not in exp["items"][iid]["flags"]:
            print("DESIGN %s lacks %s" % (iid, fl))
            bad.append(iid)
    print("kr20 %.4f; %d items checked" % (exp["kr20"], len(exp["items"])))
    return 1 if bad else 0


if __name__ == "__main__":
    a = sys.argv[1:]
    if a[:1] == ["bank"] and len(a) == 2:
        cmd_bank(a[1])
    elif a[:1] == ["results"] and len(a) == 5:
        cmd_results(a[1], a[2], a[3], int(a[4]))
    elif a[:1] == ["check"] and len(a) == 2:
        sys.exit(cmd_check(a[1]))
    else:
        sys.exit("usage: fixture.py bank DIR | results DIR FORMS OUT ATTEMPT | check STATS.json")
