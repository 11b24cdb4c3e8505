/* import_moodle.c -- item import from Moodle XML: multichoice, truefalse, categories, HTML text. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "bank.h"
#include "import.h"
#include "why.h"

#define MOODLE_MAX (64u << 20)  /* bytes of a Moodle XML file */

/* The question being read, for its images. */
typedef struct mq {
    import_ctx *cx;
    int line;
    bank_item *it;      /* the item being made, NULL before the question's text */
    char kept[256];     /* name of the embedded file kept as its image, "" for none */
} mq;

static int node_line(xmlNode *n)
{
    long l = xmlGetLineNo(n);
    return l > 0 && l < 1000000000 ? (int)l : 1;
}

static bool named(const xmlNode *n, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* First element child of n called name, or NULL. */
static xmlNode *child(xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (named(c, name)) return c;
    return NULL;
}

/* Text content of n's <text> child (or of n itself when it has none), a
 * malloc'd copy the caller frees; "" when missing. NULL on ENOMEM. */
static char *text_of(xmlNode *n)
{
    xmlNode *t = child(n, "text");
    xmlChar *c = t ? xmlNodeGetContent(t) : n && !child(n, "file") ? xmlNodeGetContent(n) : NULL;
    char *r = import_strndup(c ? (const char *)c : "", c ? strlen((const char *)c) : 0);
    xmlFree(c);
    return r;
}

/* Value of attribute `name` of n, compared with `want` (case-insensitive);
 * `dflt` when n has no such attribute. */
static bool attr_is(xmlNode *n, const char *name, const char *want, bool dflt)
{
    xmlChar *v = n ? xmlGetProp(n, (const xmlChar *)name) : NULL;
    bool r = v ? strcasecmp((const char *)v, want) == 0 : dflt;
    xmlFree(v);
    return r;
}

/* True when n's text is HTML: its format is "html" or not given. */
static bool is_html(xmlNode *n)
{
    return attr_is(n, "format", "html", true);
}

/* Truth of a child's text ("true"/"1" or "false"/"0"); dflt when absent. */
static bool flag_of(xmlNode *q, const char *name, bool dflt)
{
    xmlNode *n = child(q, name);
    if (!n) return dflt;
    char *t = text_of(n);
    bool r = t ? (strcasecmp(t, "true") == 0 || strcmp(t, "1") == 0)
                     ? true
                     : (strcasecmp(t, "false") == 0 || strcmp(t, "0") == 0) ? false : dflt
               : dflt;
    free(t);
    return r;
}

/* True when an <img> src names the embedded file `name`: "@@PLUGINFILE@@/NAME",
 * the name URL-encoded as Moodle writes it (%20 for a space). */
static bool src_names(const char *src, const char *name)
{
    static const char pre[] = "@@PLUGINFILE@@/";
    if (!*name || strncmp(src, pre, sizeof pre - 1) != 0) return false;
    src += sizeof pre - 1;
    while (*src && *name) {
        int c = (unsigned char)*src;
        if (c == '%' && isxdigit((unsigned char)src[1]) && isxdigit((unsigned char)src[2])) {
            char hex[3] = {src[1], src[2], 0};
            c = (int)strtol(hex, NULL, 16);
            src += 3;
        } else {
            src++;
        }
        if (c != (unsigned char)*name++) return false;
    }
    return !*src && !*name;
}

/* An <img> of the question's or an answer's HTML: the embedded file kept as
 * the item's image is shown with it; any other image is named in a notice. */
static void image_seen(const char *src, void *arg)
{
    mq *m = arg;
    if (src_names(src, m->kept)) return;
    import_notice(m->cx, m->line,
                  "image %.80s left out: an item shows one image, embedded in its question text",
                  src[0] ? src : "(no src)");
}

/* The embedded <file> elements of a text node n: in the question text (`stem`)
 * the first becomes the item's image (a file that is no PNG or JPEG within the
 * limits makes the question one Kisi cannot hold); any other is named in a
 * notice. BANK_OK, BANK_EPARSE (the problem in m->cx), BANK_ENOMEM. */
static bank_err files_seen(xmlNode *n, mq *m, bool stem)
{
    bank_err rc = BANK_OK;
    for (xmlNode *c = n ? n->children : NULL; rc == BANK_OK && c; c = c->next) {
        if (!named(c, "file")) continue;
        xmlChar *name = xmlGetProp(c, (const xmlChar *)"name");
        const char *nm = name ? (const char *)name : "(no name)";
        if (stem && m->it && !m->it->image && strlen(nm) < sizeof m->kept) {
            xmlChar *b64 = xmlNodeGetContent(c);
            char sub[WHY_SIZE];
            rc = b64 ? bank_item_image_b64(m->it, (const char *)b64, strlen((const char *)b64), sub)
                     : BANK_ENOMEM;
            xmlFree(b64);
            if (rc == BANK_OK) snprintf(m->kept, sizeof m->kept, "%s", nm);
            else if (rc == BANK_EINVAL)
                rc = import_unsupported(m->cx, node_line(c), "embedded image %.80s: %s", nm, sub);
        } else {
            import_notice(m->cx, node_line(c),
                          "embedded file %.80s left out: an item shows one image, embedded in"
                          " its question text", nm);
        }
        xmlFree(name);
    }
    return rc;
}

/* Percent of an answer's fraction attribute into *f; false when it is no
 * number from -100 to 100. */
static bool fraction(xmlNode *a, double *f)
{
    xmlChar *v = xmlGetProp(a, (const xmlChar *)"fraction");
    char *end = NULL;
    *f = v ? strtod((const char *)v, &end) : 0;
    bool ok = !v || (end && end != (char *)v && !*end && isfinite(*f) && *f >= -100 && *f <= 100);
    xmlFree(v);
    return ok;
}

/* Reads the <answer>s of a multichoice q into it (options, key, kind). */
static bank_err multichoice(xmlNode *q, bank_item *it, bool *html, mq *m)
{
    import_ctx *cx = m->cx;
    int n = 0, nfull = 0, npart = 0, nright = 0;
    double f[BANK_MAX_OPTIONS];
    for (xmlNode *a = q->children; a; a = a->next) {
        if (!named(a, "answer")) continue;
        if (n == BANK_MAX_OPTIONS)
            return import_unsupported(cx, node_line(a), "more than %d options (A-%c)",
                                      BANK_MAX_OPTIONS, 'A' + BANK_MAX_OPTIONS - 1);
        if (!fraction(a, &f[n]))
            return import_fail(cx->why, BANK_EPARSE, node_line(a),
                               "answer fraction must be a number from -100 to 100");
        if (!(it->options[n] = text_of(a))) return BANK_ENOMEM;
        html[n] = is_html(a);
        files_seen(a, m, false);
        it->noptions = ++n;
        if (import_blank(it->options[n - 1], strlen(it->options[n - 1])))
            return import_fail(cx->why, BANK_EPARSE, node_line(a), "empty answer");
        nfull += f[n - 1] >= 99.995;
        npart += f[n - 1] > 0 && f[n - 1] < 99.995;
        nright += f[n - 1] > 0;
    }
    bool single = flag_of(q, "single", true);
    const char *err = NULL;
    if (n < 2) err = "fewer than 2 answers";
    else if (single && nfull == 0) err = "no answer gives full credit (fraction 100)";
    else if (single && nfull > 1) err = "more than one answer of fraction 100 in a single-choice"
                                        " question";
    else if (!single && nright == 0) err = "no answer has a positive fraction";
    if (err) return import_fail(cx->why, BANK_EPARSE, m->line, "%s", err);
    it->kind = single ? BANK_SINGLE : BANK_MULTI;
    int o = 0;
    for (int k = 0; k < n; k++)
        if (single ? f[k] >= 99.995 : f[k] > 0) it->key[o++] = (char)('A' + k);
    it->key[o] = '\0';
    if (single && npart)
        import_notice(cx, m->line, "partial credit dropped: single choice keyed on the"
                                   " full-credit answer %s only", it->key);
    return BANK_OK;
}

/* Reads the true and false <answer>s of a truefalse q into it. */
static bank_err truefalse(xmlNode *q, bank_item *it, mq *m)
{
    int key = -1;
    for (xmlNode *a = q->children; a; a = a->next) {
        if (!named(a, "answer")) continue;
        double f;
        char *t = text_of(a);
        if (!t) return BANK_ENOMEM;
        int truth = import_truth_word(t, strlen(t));
        free(t);
        if (truth < 0 || !fraction(a, &f))
            return import_fail(m->cx->why, BANK_EPARSE, node_line(a),
                               "a truefalse answer is \"true\" or \"false\" with a fraction");
        if (f >= 99.995) key = truth ? 0 : 1;
    }
    if (key < 0)
        return import_fail(m->cx->why, BANK_EPARSE, m->line,
                           "no answer of fraction 100: is it true or false?");
    it->kind = BANK_TRUEFALSE;
    it->noptions = 2;
    if (!(it->options[0] = import_strndup("Benar", 5)) ||
        !(it->options[1] = import_strndup("Salah", 5)))
        return BANK_ENOMEM;
    it->key[0] = (char)('A' + key);
    it->key[1] = '\0';
    return BANK_OK;
}

/* Weight from <defaultgrade>: rounded, 1 to 1000 (1 when missing or 0). */
static int weight_of(xmlNode *q)
{
    char *t = text_of(child(q, "defaultgrade"));
    double g = t ? strtod(t, NULL) : 1;
    free(t);
    if (!isfinite(g) || g < 1) return 1;
    return g > 1000 ? 1000 : (int)lround(g);
}

/* Reads one multichoice or truefalse <question> into a new item of tmp. */
static bank_err question(xmlNode *q, bool tf, const char *topic, bank_items *tmp, mq *m)
{
    import_ctx *cx = m->cx;
    if (!topic)
        return import_fail(cx->why, BANK_EPARSE, m->line,
                           "no topic: the file has no category; give a default topic");
    bank_item *it = bank_items_push(tmp);
    if (!it) return BANK_ENOMEM;
    it->line = m->line;
    it->difficulty = 3;
    it->weight = weight_of(q);
    it->pinned = !flag_of(q, "shuffleanswers", true);
    xmlNode *qt = child(q, "questiontext");
    if (!(it->topic = import_strndup(topic, strlen(topic))) || !(it->stem = text_of(qt)))
        return BANK_ENOMEM;
    if (import_blank(it->stem, strlen(it->stem)))
        return import_fail(cx->why, BANK_EPARSE, m->line, "question text is empty");
    m->it = it;
    m->kept[0] = '\0';
    bank_err rc = files_seen(qt, m, true);
    if (rc) return rc;
    char *title = text_of(child(q, "name"));
    bool ok = title && import_set_title(it, title, strlen(title));
    free(title);
    if (!ok) return BANK_ENOMEM;
    bool html[BANK_MAX_OPTIONS] = {false};
    rc = tf ? truefalse(q, it, m) : multichoice(q, it, html, m);
    if (rc == BANK_OK)
        rc = import_make_rich(it, is_html(qt), html, m->line, image_seen, m, cx);
    return rc;
}

/* The category path of a <question type="category">; caller frees. */
static char *category_path(xmlNode *q)
{
    return text_of(child(q, "category"));
}

/* True when the file declares a document type (the way in of external
 * entities): the markup before the root element holds "<!DOCTYPE". */
static bool has_doctype(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        const char *lt = memchr(s + i, '<', len - i);
        if (!lt) return false;
        i = (size_t)(lt - s);
        if (len - i >= 9 && strncasecmp(lt, "<!DOCTYPE", 9) == 0) return true;
        const char *close = len - i >= 4 && memcmp(lt, "<!--", 4) == 0 ? "-->"
                            : len - i >= 2 && lt[1] == '?'            ? "?>"
                                                                       : NULL;
        if (!close) return false;  /* the root element: no DOCTYPE before it */
        const char *e = NULL;
        for (size_t k = i; !e && k + strlen(close) <= len; k++)
            if (memcmp(s + k, close, strlen(close)) == 0) e = s + k;
        if (!e) return false;
        i = (size_t)(e - s) + strlen(close);
    }
    return false;
}

/* The first error libxml2 met while reading the file. */
typedef struct xml_first {
    int line;
    char msg[160];
} xml_first;

/* Keeps the first error of the parse (libxml2's structured error hook). */
static void xml_error(void *arg, xmlErrorPtr e)
{
    xmlParserCtxt *ctxt = arg;
    xml_first *f = ctxt ? ctxt->_private : NULL;
    if (!f || f->msg[0] || !e || e->level < XML_ERR_ERROR) return;
    f->line = e->line;
    snprintf(f->msg, sizeof f->msg, "%s", e->message ? e->message : "not well-formed");
    f->msg[strcspn(f->msg, "\r\n")] = '\0';
}

/* Parses the document, or reports why it cannot be read. */
static xmlDoc *moodle_read(const char *data, size_t len, import_ctx *cx)
{
    if (len > MOODLE_MAX) {
        import_fail(cx->why, BANK_EPARSE, 1, "a Moodle XML file is at most %u MiB",
                    MOODLE_MAX >> 20);
        import_report(cx);
        return NULL;
    }
    if (has_doctype(data, len)) {
        import_fail(cx->why, BANK_EPARSE, 1, "a DOCTYPE is not allowed in a Moodle XML file");
        import_report(cx);
        return NULL;
    }
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    if (!ctxt) return NULL;
    xml_first first = {0, ""};
    ctxt->_private = &first;
    ctxt->sax->serror = xml_error;
    /* no network, no DTD, no entity substitution: nothing comes from outside */
    xmlDoc *doc = xmlCtxtReadMemory(ctxt, data, (int)len, NULL, NULL,
                                    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                        XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES);
    if (!doc) {
        import_fail(cx->why, BANK_EPARSE, first.line > 0 ? first.line : 1, "not XML: %s",
                    first.msg[0] ? first.msg : "not well-formed");
        import_report(cx);
    }
    xmlFreeParserCtxt(ctxt);
    return doc;
}

/* The category paths of every category question below root; caller frees
 * each and the array. false on ENOMEM. */
static bool all_categories(xmlNode *root, char ***v, size_t *n)
{
    size_t cap = 0;
    *v = NULL;
    *n = 0;
    for (xmlNode *q = root->children; q; q = q->next) {
        if (!named(q, "question") || !attr_is(q, "type", "category", false)) continue;
        if (*n == cap) {
            char **nv = realloc(*v, (cap = cap ? cap * 2 : 8) * sizeof **v);
            if (!nv) return false;
            *v = nv;
        }
        if (!((*v)[*n] = category_path(q))) return false;
        (*n)++;
    }
    return true;
}

bank_err import_moodle(const char *data, size_t len, const char *topic, bank_items *tmp,
                       import_ctx *cx)
{
    xmlDoc *doc = moodle_read(data, len, cx);
    if (!doc) return cx->nproblems ? BANK_OK : BANK_ENOMEM;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!named(root, "quiz")) {
        import_fail(cx->why, BANK_EPARSE, root ? node_line(root) : 1,
                    "the root element is not <quiz>: not a Moodle XML question export");
        import_report(cx);
        xmlFreeDoc(doc);
        return BANK_OK;
    }
    char **cats = NULL, cat[IMPORT_NAME_MAX + 1] = "";
    size_t ncats = 0;
    bank_err rc = all_categories(root, &cats, &ncats) ? BANK_OK : BANK_ENOMEM;
    if (rc == BANK_OK && ncats > IMPORT_CATEGORIES_MAX) {
        import_fail(cx->why, BANK_EPARSE, node_line(root),
                    "more than %d categories: split the file", IMPORT_CATEGORIES_MAX);
        import_report(cx);
        root = NULL;  /* read no question */
    }
    bool bad_cat = false;
    for (xmlNode *q = root ? root->children : NULL; rc == BANK_OK && q; q = q->next) {
        if (!named(q, "question")) continue;
        mq m = {cx, node_line(q), NULL, ""};
        xmlChar *type = xmlGetProp(q, (const xmlChar *)"type");
        const char *t = type ? (const char *)type : "";
        size_t before = tmp->n;
        if (strcmp(t, "category") == 0) {
            char *path = category_path(q);
            if (!path) rc = BANK_ENOMEM;
            else bad_cat = !import_category_topic(path, (const char *const *)cats, ncats, cat);
            if (path && bad_cat)
                rc = import_fail(cx->why, BANK_EPARSE, m.line,
                                 "category gives no usable topic (use letters, digits, . _ -)");
            free(path);
        } else if (strcmp(t, "multichoice") == 0 || strcmp(t, "truefalse") == 0) {
            if (!bad_cat)
                rc = question(q, strcmp(t, "truefalse") == 0, cat[0] ? cat : topic, tmp, &m);
        } else {
            rc = import_unsupported(cx, m.line, "question type \"%.40s\" is not supported", t);
        }
        xmlFree(type);
        if (rc == BANK_EPARSE) {
            import_report(cx);
            import_drop(tmp, before);
            rc = BANK_OK;
        }
    }
    for (size_t i = 0; i < ncats; i++) free(cats[i]);
    free(cats);
    xmlFreeDoc(doc);
    if (rc == BANK_ENOMEM) snprintf(cx->why, WHY_SIZE, "%s", bank_strerror(rc));
    return rc;
}
