/* SPDX-License-Identifier: Apache-2.0 */
#include "setup_engines.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "toml.h"

#define MANAGED_NAME "runwarden"

const char *const rw_engine_podman_json_defaults[] = {
    "crun", "runc", "kata", "runsc", "youki", "krun", "ocijail", NULL,
};

void rw_engine_notes_clear(struct rw_engine_notes *notes)
{
        for (size_t i = 0; i < notes->n; i++)
                free(notes->v[i]);
        free(notes->v);
        *notes = (struct rw_engine_notes){0};
}

static int note(struct rw_engine_notes *notes, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int note(struct rw_engine_notes *notes, const char *fmt, ...)
{
        char **grown = reallocarray(notes->v, notes->n + 2, sizeof(*grown));
        va_list ap;
        int r;

        if (grown == NULL)
                return -ENOMEM;
        notes->v = grown;
        va_start(ap, fmt);
        r = vasprintf(&grown[notes->n], fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        grown[++notes->n] = NULL;
        return 0;
}

bool rw_engine_name_is_managed(const char *name)
{
        size_t n = strlen(MANAGED_NAME);

        return strncmp(name, MANAGED_NAME, n) == 0 && (name[n] == '\0' || name[n] == '-');
}

static const struct rw_engine_runtime *requested(const struct rw_engine_request *req,
                                                 const char *name)
{
        for (size_t i = 0; i < req->n_runtimes; i++)
                if (strcmp(req->runtimes[i].name, name) == 0)
                        return &req->runtimes[i];
        return NULL;
}

static int check_request(const struct rw_engine_request *req, struct rw_error *err)
{
        if (req->n_runtimes == 0)
                return rw_error_set(err, EINVAL, "no runtime to register");
        for (size_t i = 0; i < req->n_runtimes; i++) {
                if (!rw_engine_name_is_managed(req->runtimes[i].name))
                        return rw_error_set(err, EINVAL, "runtime name %s is not runwarden's",
                                            req->runtimes[i].name);
                if (req->runtimes[i].path[0] != '/')
                        return rw_error_set(err, EINVAL, "runtime path %s is not absolute",
                                            req->runtimes[i].path);
        }
        return 0;
}

/* ---- docker ---- */

int rw_engine_docker(const json_t *config, const struct rw_engine_request *req, json_t **ret,
                     struct rw_engine_notes *notes, struct rw_error *err)
{
        _cleanup_json_ json_t *out = NULL;
        json_t *runtimes;
        const char *name;
        json_t *value;
        void *tmp;
        int r;

        r = check_request(req, err);
        if (r < 0)
                return r;
        if (config != NULL && !json_is_object(config))
                return rw_error_set(err, EINVAL, "the configuration is not a JSON object");
        out = config != NULL ? json_deep_copy(config) : json_object();
        if (out == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");

        runtimes = json_object_get(out, "runtimes");
        if (runtimes == NULL) {
                if (json_object_set_new(out, "runtimes", json_object()) < 0)
                        return rw_error_set(err, ENOMEM, "out of memory");
                runtimes = json_object_get(out, "runtimes");
        } else if (!json_is_object(runtimes)) {
                return rw_error_set(err, EINVAL, "\"runtimes\" is not an object");
        }

        json_object_foreach_safe(runtimes, tmp, name, value)
        {
                if (!rw_engine_name_is_managed(name) || requested(req, name) != NULL)
                        continue;
                if (note(notes, "removed runtime %s: the policy has no such tier any more", name) <
                    0)
                        return rw_error_set(err, ENOMEM, "out of memory");
                json_object_del(runtimes, name);
        }
        for (size_t i = 0; i < req->n_runtimes; i++) {
                const struct rw_engine_runtime *rt = &req->runtimes[i];
                _cleanup_json_ json_t *want = json_pack("{s:s}", "path", rt->path);
                json_t *have = json_object_get(runtimes, rt->name);

                if (want == NULL)
                        return rw_error_set(err, ENOMEM, "out of memory");
                if (have != NULL && json_equal(have, want))
                        continue;
                if (json_is_object(have) && json_object_get(have, "runtimeArgs") != NULL &&
                    note(notes,
                         "runtime %s: runtimeArgs dropped (dockerd runs them through a shell "
                         "script that does not exec the runtime)",
                         rt->name) < 0)
                        return rw_error_set(err, ENOMEM, "out of memory");
                /* An existing key keeps its place; a new one goes last. */
                if (json_object_set(runtimes, rt->name, want) < 0)
                        return rw_error_set(err, ENOMEM, "out of memory");
        }
        if (req->default_runtime != NULL) {
                if (requested(req, req->default_runtime) == NULL)
                        return rw_error_set(err, EINVAL, "default runtime %s is not registered",
                                            req->default_runtime);
                if (json_object_set_new(out, "default-runtime", json_string(req->default_runtime)) <
                    0)
                        return rw_error_set(err, ENOMEM, "out of memory");
        }
        *ret = TAKE_PTR(out);
        return 0;
}

/* ---- shared by the TOML engines ---- */

static void toml_clearp(struct rw_toml *t)
{
        rw_toml_clear(t);
}

static void pathp_free(char ***path)
{
        rw_toml_path_free(*path);
}

static size_t path_len(char *const *path)
{
        size_t n = 0;

        while (path[n] != NULL)
                n++;
        return n;
}

/* A region of the file that runwardenctl wrote: items begin..end (the two marker comments). */
struct block {
        bool found;
        size_t begin, end;
};

static bool comment_is(const char *text, const struct rw_toml_item *item, const char *marker)
{
        const char *p = text + item->start, *stop = text + item->end;
        size_t n = strlen(marker);

        while (p < stop && (*p == ' ' || *p == '\t'))
                p++;
        if ((size_t)(stop - p) < n || memcmp(p, marker, n) != 0)
                return false;
        p += n;
        return p == stop || *p == ' ' || *p == '\n' || *p == '\r' || *p == ':';
}

static int find_block(const char *text, const struct rw_toml *t, const char *tag, struct block *b,
                      struct rw_error *err)
{
        _cleanup_free_ char *begin = NULL, *end = NULL;
        bool in = false;

        *b = (struct block){0};
        if (asprintf(&begin, "# BEGIN runwardenctl setup %s", tag) < 0 ||
            asprintf(&end, "# END runwardenctl setup %s", tag) < 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        for (size_t i = 0; i < t->n; i++) {
                if (t->items[i].kind != RW_TOML_COMMENT)
                        continue;
                if (comment_is(text, &t->items[i], begin)) {
                        if (b->found || in)
                                return rw_error_set(err, EINVAL,
                                                    "line %d: a second \"%s\" marker; remove "
                                                    "one of the two blocks",
                                                    t->items[i].line, begin);
                        in = true;
                        b->begin = i;
                } else if (comment_is(text, &t->items[i], end)) {
                        if (!in)
                                return rw_error_set(err, EINVAL,
                                                    "line %d: \"%s\" without its BEGIN line",
                                                    t->items[i].line, end);
                        in = false;
                        b->found = true;
                        b->end = i;
                }
        }
        if (in)
                return rw_error_set(err, EINVAL, "line %d: \"%s\" without its END line",
                                    t->items[b->begin].line, begin);
        return 0;
}

static bool in_block(const struct block *b, size_t i)
{
        return b->found && i >= b->begin && i <= b->end;
}

/* A header line for `path` followed by `name` (NULL: none) and `more` (NULL: none). */
static int write_header(FILE *f, const char *indent, char *const *path, const char *name,
                        const char *more)
{
        fprintf(f, "%s[", indent);
        for (size_t k = 0; path[k] != NULL; k++) {
                _cleanup_free_ char *key = rw_toml_key(path[k]);

                if (key == NULL)
                        return -ENOMEM;
                fprintf(f, "%s%s", k > 0 ? "." : "", key);
        }
        for (const char *const *extra = (const char *const[]){name, more, NULL}; *extra != NULL;
             extra++) {
                _cleanup_free_ char *key = rw_toml_key(*extra);

                if (key == NULL)
                        return -ENOMEM;
                fprintf(f, ".%s", key);
        }
        fprintf(f, "]\n");
        return 0;
}

static int write_string_key(FILE *f, const char *indent, const char *key, const char *value)
{
        _cleanup_free_ char *k = rw_toml_key(key);
        _cleanup_free_ char *v = rw_toml_quote(value);

        if (k == NULL || v == NULL)
                return -ENOMEM;
        fprintf(f, "%s%s = %s\n", indent, k, v);
        return 0;
}

/* Close a memory stream and hand over its text. */
static int stream_done(FILE *f, char **buf, char **ret, struct rw_error *err)
{
        if (fclose(f) != 0) {
                free(*buf);
                *buf = NULL;
                return rw_error_set(err, ENOMEM, "out of memory");
        }
        *ret = TAKE_PTR(*buf);
        return 0;
}

/* Text appended at the end of `text`: a newline first if the last line has none, and one blank
 * line between the operator's text and runwardenctl's. */
static int append_separator(FILE *f, const char *text, size_t len)
{
        if (len == 0)
                return 0;
        if (text[len - 1] != '\n')
                fputc('\n', f);
        fputc('\n', f);
        return 0;
}

/* ---- containerd ---- */

#define CONTAINERD_BLOCK_TAG "containerd"

static int containerd_block(const struct rw_engine_request *req, char *const *runtimes,
                            char *const *containerd, bool add_runc, bool systemd_cgroup,
                            bool default_in_block, char **ret, struct rw_error *err)
{
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        int r = 0;

        if (f == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        fprintf(f, "# BEGIN runwardenctl setup " CONTAINERD_BLOCK_TAG
                   ": runwarden's runtimes, one per tier (generated: run it again after a policy "
                   "change instead of editing)\n");
        if (default_in_block) {
                r = write_header(f, "", containerd, NULL, NULL);
                if (r >= 0)
                        r = write_string_key(f, "  ", "default_runtime_name", req->default_runtime);
        }
        if (r >= 0 && add_runc) {
                r = write_header(f, "", runtimes, "runc", NULL);
                if (r >= 0)
                        r = write_string_key(f, "  ", "runtime_type", "io.containerd.runc.v2");
        }
        for (size_t i = 0; r >= 0 && i < req->n_runtimes; i++) {
                r = write_header(f, "", runtimes, req->runtimes[i].name, NULL);
                if (r >= 0)
                        r = write_string_key(f, "  ", "runtime_type", "io.containerd.runc.v2");
                if (r >= 0)
                        r = write_header(f, "  ", runtimes, req->runtimes[i].name, "options");
                if (r >= 0)
                        r = write_string_key(f, "    ", "BinaryName", req->runtimes[i].path);
                if (r >= 0 && systemd_cgroup)
                        fprintf(f, "    SystemdCgroup = true\n");
        }
        fprintf(f, "# END runwardenctl setup " CONTAINERD_BLOCK_TAG "\n");
        if (r < 0) {
                fclose(f);
                return rw_error_set(err, ENOMEM, "out of memory");
        }
        return stream_done(f, &buf, ret, err);
}

static int path_of(const struct rw_toml *t, size_t i, char ***ret, struct rw_error *err)
{
        return rw_toml_item_path(t, i, ret, err);
}

int rw_engine_containerd(const char *text, size_t len, const struct rw_engine_request *req,
                         char **ret, struct rw_engine_notes *notes, struct rw_error *err)
{
        _cleanup_(toml_clearp) struct rw_toml t = {0};
        _cleanup_free_ char *block_text = NULL, *edit_text = NULL, *value_text = NULL;
        const char *src = text != NULL ? text : "";
        char *runtimes[5] = {"plugins", NULL, "containerd", "runtimes", NULL};
        char *containerd[4] = {"plugins", NULL, "containerd", NULL};
        struct rw_toml_edit edits[3];
        size_t n_edits = 0, n_rt = 4, version_item, default_item = SIZE_MAX;
        size_t containerd_header = SIZE_MAX;
        bool own_runtimes = false, systemd_cgroup = false, default_in_block = false;
        long long version = 1;
        struct block b;
        int r;

        r = check_request(req, err);
        if (r < 0)
                return r;
        if (text == NULL)
                len = 0;
        r = rw_toml_scan(src, len, &t, err);
        if (r < 0)
                return r;
        version_item = rw_toml_find_key(&t, SIZE_MAX, "version");
        if (text == NULL)
                version = 2;
        else if (version_item != SIZE_MAX &&
                 rw_toml_value_int(src, &t.items[version_item], &version, err) < 0)
                return rw_error_prefix(err, "version");
        if (version == 1) {
                runtimes[1] = containerd[1] = "cri";
        } else if (version == 2) {
                runtimes[1] = containerd[1] = "io.containerd.grpc.v1.cri";
        } else {
                return rw_error_set(err, ENOTSUP,
                                    "configuration version %lld is not containerd 1.x's (version 3 "
                                    "is containerd 2.x: use its drop-in)",
                                    version);
        }
        r = find_block(src, &t, CONTAINERD_BLOCK_TAG, &b, err);
        if (r < 0)
                return r;

        for (size_t i = 0; i < t.n; i++) {
                _cleanup_(pathp_free) char **path = NULL;
                size_t n;

                if (in_block(&b, i) || t.items[i].key == NULL)
                        continue;
                r = path_of(&t, i, &path, err);
                if (r < 0)
                        return r;
                n = path_len(path);
                if (t.items[i].kind == RW_TOML_KEYVAL && n <= n_rt &&
                    rw_toml_path_has_prefix(runtimes, path))
                        return rw_error_set(err, EINVAL,
                                            "line %d: %s is written as an inline value; "
                                            "runwardenctl can only add tables beside it (write "
                                            "it as [tables])",
                                            t.items[i].line, path[n - 1]);
                if (n > n_rt && rw_toml_path_has_prefix(path, runtimes)) {
                        own_runtimes = true;
                        if (rw_engine_name_is_managed(path[n_rt]))
                                return rw_error_set(err, EEXIST,
                                                    "line %d: runtime %s is defined outside the "
                                                    "block runwardenctl manages; remove it, "
                                                    "runwardenctl writes it",
                                                    t.items[i].line, path[n_rt]);
                        if (t.items[i].kind == RW_TOML_KEYVAL && n == n_rt + 3 &&
                            strcmp(path[n_rt], "runc") == 0 &&
                            strcmp(path[n_rt + 1], "options") == 0 &&
                            strcmp(path[n_rt + 2], "SystemdCgroup") == 0 &&
                            rw_toml_value_bool(src, &t.items[i], &systemd_cgroup, err) < 0)
                                return rw_error_prefix(err, "SystemdCgroup");
                }
                if (t.items[i].kind == RW_TOML_TABLE && rw_toml_path_equal(path, containerd))
                        containerd_header = i;
                if (t.items[i].kind == RW_TOML_KEYVAL && n == 4 &&
                    rw_toml_path_has_prefix(path, containerd) &&
                    strcmp(path[3], "default_runtime_name") == 0)
                        default_item = i;
        }

        if (req->default_runtime != NULL) {
                if (requested(req, req->default_runtime) == NULL)
                        return rw_error_set(err, EINVAL, "default runtime %s is not registered",
                                            req->default_runtime);
                value_text = rw_toml_quote(req->default_runtime);
                if (value_text == NULL)
                        return rw_error_set(err, ENOMEM, "out of memory");
                if (default_item != SIZE_MAX) {
                        edits[n_edits++] =
                            (struct rw_toml_edit){t.items[default_item].value_start,
                                                  t.items[default_item].value_end, value_text};
                } else if (containerd_header != SIZE_MAX) {
                        if (asprintf(&edit_text, "  default_runtime_name = %s\n", value_text) < 0)
                                return rw_error_set(err, ENOMEM, "out of memory");
                        edits[n_edits++] =
                            (struct rw_toml_edit){t.items[containerd_header].end,
                                                  t.items[containerd_header].end, edit_text};
                } else {
                        default_in_block = true;
                }
        }
        if (!own_runtimes &&
            note(notes, "runtime runc written too: containerd 1.x forgets its built-in "
                        "runc runtime once config.toml names any runtime") < 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        if (systemd_cgroup &&
            note(notes, "SystemdCgroup = true, as for the runc runtime (the kubelet's cgroup "
                        "driver must match every runtime's)") < 0)
                return rw_error_set(err, ENOMEM, "out of memory");

        r = containerd_block(req, runtimes, containerd, !own_runtimes, systemd_cgroup,
                             default_in_block, &block_text, err);
        if (r < 0)
                return r;
        if (b.found) {
                edits[n_edits++] =
                    (struct rw_toml_edit){t.items[b.begin].start, t.items[b.end].end, block_text};
        } else {
                _cleanup_free_ char *buf = NULL;
                size_t size = 0;
                FILE *f = open_memstream(&buf, &size);

                if (f == NULL)
                        return rw_error_set(err, ENOMEM, "out of memory");
                if (text == NULL)
                        fprintf(f, "version = 2\n\n");
                append_separator(f, src, len);
                fputs(block_text, f);
                free(block_text);
                block_text = NULL;
                r = stream_done(f, &buf, &block_text, err);
                if (r < 0)
                        return r;
                edits[n_edits++] = (struct rw_toml_edit){len, len, block_text};
        }
        return rw_toml_splice(src, len, edits, n_edits, ret, err);
}

int rw_engine_containerd2_dropin(const struct rw_engine_request *req, char **ret,
                                 struct rw_error *err)
{
        char *runtimes[] = {"plugins", "io.containerd.cri.v1.runtime", "containerd", "runtimes",
                            NULL};
        _cleanup_free_ char *buf = NULL;
        size_t size = 0;
        FILE *f;
        int r = 0;

        r = check_request(req, err);
        if (r < 0)
                return r;
        f = open_memstream(&buf, &size);
        if (f == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        fprintf(f, "# runwarden's runtimes for containerd 2.x, one per tier (runwardenctl setup "
                   "containerd)\nversion = 3\n");
        for (size_t i = 0; r >= 0 && i < req->n_runtimes; i++) {
                fputc('\n', f);
                r = write_header(f, "", runtimes, req->runtimes[i].name, NULL);
                if (r >= 0)
                        r = write_string_key(f, "  ", "runtime_type", "io.containerd.runc.v2");
                if (r >= 0)
                        r = write_header(f, "  ", runtimes, req->runtimes[i].name, "options");
                if (r >= 0)
                        r = write_string_key(f, "    ", "BinaryName", req->runtimes[i].path);
        }
        if (r < 0) {
                fclose(f);
                return rw_error_set(err, ENOMEM, "out of memory");
        }
        return stream_done(f, &buf, ret, err);
}

/* ---- podman ---- */

#define PODMAN_ENGINE_TAG   "podman [engine]"
#define PODMAN_RUNTIMES_TAG "podman [engine.runtimes]"

struct podman_scan {
        size_t engine_header, runtimes_header; /* outside the blocks; SIZE_MAX: none */
        size_t json_item, runtime_item;        /* in [engine], outside the blocks */
        size_t *managed;                       /* managed runtimes in [engine.runtimes] */
        size_t n_managed;
        size_t engine_last, runtimes_last; /* last key/value outside the blocks in each table */
};

static int podman_scan(const char *src, const struct rw_toml *t, const struct block *eb,
                       const struct block *rb, struct podman_scan *ps, struct rw_error *err)
{
        char *engine[] = {"engine", NULL};
        char *runtimes[] = {"engine", "runtimes", NULL};
        int r;

        (void)src;
        for (size_t i = 0; i < t->n; i++) {
                const struct rw_toml_item *item = &t->items[i];
                _cleanup_(pathp_free) char **path = NULL;
                size_t n, nh;

                if (in_block(eb, i) || in_block(rb, i) || item->key == NULL)
                        continue;
                r = rw_toml_item_path(t, i, &path, err);
                if (r < 0)
                        return r;
                n = path_len(path);
                if (item->kind == RW_TOML_TABLE && rw_toml_path_equal(path, engine))
                        ps->engine_header = i;
                if (item->kind == RW_TOML_TABLE && rw_toml_path_equal(path, runtimes))
                        ps->runtimes_header = i;
                if (item->kind != RW_TOML_KEYVAL)
                        continue;
                nh = item->table == SIZE_MAX ? 0 : path_len(t->items[item->table].key);
                if (n <= 2 && rw_toml_path_has_prefix(runtimes, path))
                        return rw_error_set(err, EINVAL,
                                            "line %d: %s is written as an inline value; write it "
                                            "as a [table] so that runwardenctl can add to it",
                                            item->line, path[n - 1]);
                if ((rw_toml_path_has_prefix(path, engine) && nh < 1) ||
                    (rw_toml_path_has_prefix(path, runtimes) && nh < 2))
                        return rw_error_set(err, EINVAL,
                                            "line %d: [engine] keys are written as dotted keys; "
                                            "write them under [engine] and [engine.runtimes] "
                                            "headers so that runwardenctl can add to them",
                                            item->line);
                if (nh == 1 && rw_toml_path_has_prefix(path, engine) && n == 2) {
                        ps->engine_last = i;
                        if (strcmp(path[1], "runtime_supports_json") == 0)
                                ps->json_item = i;
                        else if (strcmp(path[1], "runtime") == 0)
                                ps->runtime_item = i;
                }
                if (nh == 2 && rw_toml_path_has_prefix(path, runtimes)) {
                        ps->runtimes_last = i;
                        if (n == 3 && rw_engine_name_is_managed(path[2])) {
                                size_t *grown =
                                    reallocarray(ps->managed, ps->n_managed + 1, sizeof(*grown));

                                if (grown == NULL)
                                        return rw_error_set(err, ENOMEM, "out of memory");
                                ps->managed = grown;
                                grown[ps->n_managed++] = i;
                        }
                }
        }
        return 0;
}

/* A TOML array of strings on one line. */
static char *string_array(char *const *items, char *const *more)
{
        _cleanup_free_ char *buf = NULL;
        size_t size = 0, k = 0;
        FILE *f = open_memstream(&buf, &size);
        bool failed = false;

        if (f == NULL)
                return NULL;
        fputc('[', f);
        for (char *const *list = items; list != NULL; list = list == items ? more : NULL)
                for (size_t i = 0; list[i] != NULL; i++) {
                        _cleanup_free_ char *q = rw_toml_quote(list[i]);

                        failed = failed || q == NULL;
                        if (q != NULL)
                                fprintf(f, "%s%s", k++ > 0 ? ", " : "", q);
                }
        fputc(']', f);
        if (fclose(f) != 0 || failed)
                return NULL;
        return TAKE_PTR(buf);
}

static bool strv_contains(char *const *v, const char *s)
{
        for (; v != NULL && *v != NULL; v++)
                if (strcmp(*v, s) == 0)
                        return true;
        return false;
}

struct podman_edits {
        struct rw_toml_edit *v;
        size_t n;
        char **owned; /* texts the edits point to */
        size_t n_owned;
};

static void podman_edits_clear(struct podman_edits *e)
{
        for (size_t i = 0; i < e->n_owned; i++)
                free(e->owned[i]);
        free(e->owned);
        free(e->v);
}

/* Add an edit that replaces [start, end) by `with`, which the list then owns. */
static int add_edit(struct podman_edits *e, size_t start, size_t end, char *with)
{
        struct rw_toml_edit *v;
        char **owned;

        if (with == NULL)
                return -ENOMEM;
        v = reallocarray(e->v, e->n + 1, sizeof(*v));
        if (v != NULL)
                e->v = v;
        owned = reallocarray(e->owned, e->n_owned + 1, sizeof(*owned));
        if (owned != NULL)
                e->owned = owned;
        if (v == NULL || owned == NULL) {
                free(with);
                return -ENOMEM;
        }
        e->owned[e->n_owned++] = with;
        e->v[e->n++] = (struct rw_toml_edit){start, end, with};
        return 0;
}

/* The BEGIN/END lines around `body`, with `header` first when the table has none yet. */
static char *podman_block(const char *tag, const char *header, const char *body)
{
        char *out = NULL;

        if (asprintf(&out,
                     "# BEGIN runwardenctl setup %s (generated: run it again after a policy "
                     "change instead of editing)\n%s%s# END runwardenctl setup %s\n",
                     tag, header != NULL ? header : "", body, tag) < 0)
                return NULL;
        return out;
}

/*
 * Where a block of lines for a table goes: in place of the old block when that sits in the
 * table; else after the table's last key/value (or its header), the old block removed.
 */
static int place_block(struct podman_edits *e, const char *src, size_t len, const struct rw_toml *t,
                       const struct block *old, size_t header, size_t last, char *text,
                       char **eof_text)
{
        size_t at;

        if (header == SIZE_MAX) {
                /* No table: the block brings its header; it stays where it was, else goes last. */
                if (old->found)
                        return add_edit(e, t->items[old->begin].start, t->items[old->end].end,
                                        text);
                char *joined = NULL;

                if (asprintf(&joined, "%s%s", *eof_text != NULL ? *eof_text : "", text) < 0) {
                        free(text);
                        return -ENOMEM;
                }
                free(text);
                free(*eof_text);
                *eof_text = joined;
                return 0;
        }
        if (old->found && old->begin > header && old->begin < rw_toml_table_end(t, header))
                return add_edit(e, t->items[old->begin].start, t->items[old->end].end, text);
        if (old->found &&
            add_edit(e, t->items[old->begin].start, t->items[old->end].end, strdup("")) < 0) {
                free(text);
                return -ENOMEM;
        }
        at = last != SIZE_MAX ? t->items[last].end : t->items[header].end;
        if (at == len && len > 0 && src[len - 1] != '\n') {
                char *with_newline = NULL;

                if (asprintf(&with_newline, "\n%s", text) < 0) {
                        free(text);
                        return -ENOMEM;
                }
                free(text);
                text = with_newline;
        }
        return add_edit(e, at, at, text);
}

int rw_engine_podman(const char *text, size_t len, const struct rw_engine_request *req, char **ret,
                     struct rw_engine_notes *notes, struct rw_error *err)
{
        _cleanup_(toml_clearp) struct rw_toml t = {0};
        _cleanup_(podman_edits_clear) struct podman_edits e = {0};
        _cleanup_free_ size_t *managed = NULL;
        _cleanup_free_ char *engine_body = NULL, *runtimes_body = NULL, *eof_text = NULL;
        const char *src = text != NULL ? text : "";
        struct podman_scan ps = {SIZE_MAX, SIZE_MAX, SIZE_MAX, SIZE_MAX,
                                 NULL,     0,        SIZE_MAX, SIZE_MAX};
        size_t body_size = 0;
        struct block eb, rb;
        FILE *f;
        int r;

        r = check_request(req, err);
        if (r < 0)
                return r;
        if (text == NULL)
                len = 0;
        if (req->default_runtime != NULL && requested(req, req->default_runtime) == NULL)
                return rw_error_set(err, EINVAL, "default runtime %s is not registered",
                                    req->default_runtime);
        r = rw_toml_scan(src, len, &t, err);
        if (r >= 0)
                r = find_block(src, &t, PODMAN_ENGINE_TAG, &eb, err);
        if (r >= 0)
                r = find_block(src, &t, PODMAN_RUNTIMES_TAG, &rb, err);
        if (r >= 0)
                r = podman_scan(src, &t, &eb, &rb, &ps, err);
        managed = ps.managed;
        if (r < 0)
                return r;

        /* [engine]: the JSON list and the default runtime, where they are or in the block. */
        f = open_memstream(&engine_body, &body_size);
        if (f == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        r = 0;
        if (ps.json_item != SIZE_MAX) {
                _cleanup_(pathp_free) char **have = NULL;
                _cleanup_(pathp_free) char **missing = calloc(req->n_runtimes + 1, sizeof(char *));
                size_t n_missing = 0;

                r = rw_toml_value_string_array(src, &t.items[ps.json_item], &have, err);
                if (r < 0) {
                        fclose(f);
                        return rw_error_prefix(err, "runtime_supports_json");
                }
                for (size_t i = 0; missing != NULL && i < req->n_runtimes; i++)
                        if (!strv_contains(have, req->runtimes[i].name) &&
                            (missing[n_missing++] = strdup(req->runtimes[i].name)) == NULL)
                                r = -ENOMEM;
                if (missing == NULL)
                        r = -ENOMEM;
                if (r >= 0 && n_missing > 0)
                        r = add_edit(&e, t.items[ps.json_item].value_start,
                                     t.items[ps.json_item].value_end, string_array(have, missing));
        } else {
                _cleanup_free_ char **names = calloc(req->n_runtimes + 1, sizeof(char *));
                _cleanup_free_ char *list = NULL;

                for (size_t i = 0; names != NULL && i < req->n_runtimes; i++)
                        names[i] = (char *)req->runtimes[i].name;
                if (names != NULL)
                        list = string_array((char *const *)rw_engine_podman_json_defaults, names);
                if (list == NULL)
                        r = -ENOMEM;
                else
                        fprintf(f, "runtime_supports_json = %s\n", list);
        }
        if (r >= 0 && req->default_runtime != NULL) {
                _cleanup_free_ char *q = rw_toml_quote(req->default_runtime);
                _cleanup_free_ char *have = NULL;

                if (q == NULL)
                        r = -ENOMEM;
                else if (ps.runtime_item == SIZE_MAX)
                        fprintf(f, "runtime = %s\n", q);
                else if (rw_toml_value_string(src, &t.items[ps.runtime_item], &have, NULL) < 0 ||
                         strcmp(have, req->default_runtime) != 0)
                        r = add_edit(&e, t.items[ps.runtime_item].value_start,
                                     t.items[ps.runtime_item].value_end, TAKE_PTR(q));
        }
        if (fclose(f) != 0 || r < 0)
                return rw_error_set(err, ENOMEM, "out of memory");

        /* [engine.runtimes]: managed names the operator wrote are updated where they are. */
        f = open_memstream(&runtimes_body, &body_size);
        if (f == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        for (size_t k = 0; r >= 0 && k < ps.n_managed; k++) {
                const struct rw_toml_item *item = &t.items[managed[k]];
                const struct rw_engine_runtime *rt = requested(req, item->key[0]);
                _cleanup_(pathp_free) char **have = NULL;
                char *want[2] = {NULL, NULL};

                if (rt == NULL) {
                        r = note(notes, "removed runtime %s: the policy has no such tier any more",
                                 item->key[0]);
                        if (r >= 0)
                                r = add_edit(&e, item->start, item->end, strdup(""));
                        continue;
                }
                want[0] = (char *)rt->path;
                if (rw_toml_value_string_array(src, item, &have, NULL) >= 0 && have[0] != NULL &&
                    have[1] == NULL && strcmp(have[0], rt->path) == 0)
                        continue;
                r = add_edit(&e, item->value_start, item->value_end, string_array(want, NULL));
        }
        for (size_t i = 0; r >= 0 && i < req->n_runtimes; i++) {
                bool outside = false;
                _cleanup_free_ char *k = NULL, *q = NULL;

                for (size_t m = 0; m < ps.n_managed; m++)
                        outside = outside ||
                                  strcmp(t.items[managed[m]].key[0], req->runtimes[i].name) == 0;
                if (outside)
                        continue;
                k = rw_toml_key(req->runtimes[i].name);
                q = rw_toml_quote(req->runtimes[i].path);
                if (k == NULL || q == NULL)
                        r = -ENOMEM;
                else
                        fprintf(f, "%s = [%s]\n", k, q);
        }
        if (fclose(f) != 0 || r < 0)
                return rw_error_set(err, ENOMEM, "out of memory");

        /* The blocks; an empty one is not written (and an old one goes). */
        if (engine_body[0] != '\0' || eb.found) {
                char *block = engine_body[0] != '\0'
                                  ? podman_block(PODMAN_ENGINE_TAG,
                                                 ps.engine_header == SIZE_MAX ? "[engine]\n" : NULL,
                                                 engine_body)
                                  : strdup("");

                r = block == NULL ? -ENOMEM
                                  : place_block(&e, src, len, &t, &eb, ps.engine_header,
                                                ps.engine_last, block, &eof_text);
        }
        if (r >= 0 && (runtimes_body[0] != '\0' || rb.found)) {
                char *block = runtimes_body[0] != '\0' ? podman_block(PODMAN_RUNTIMES_TAG,
                                                                      ps.runtimes_header == SIZE_MAX
                                                                          ? "[engine.runtimes]\n"
                                                                          : NULL,
                                                                      runtimes_body)
                                                       : strdup("");

                r = block == NULL ? -ENOMEM
                                  : place_block(&e, src, len, &t, &rb, ps.runtimes_header,
                                                ps.runtimes_last, block, &eof_text);
        }
        if (r >= 0 && eof_text != NULL) {
                _cleanup_free_ char *buf = NULL;
                size_t size = 0;

                f = open_memstream(&buf, &size);
                if (f == NULL)
                        return rw_error_set(err, ENOMEM, "out of memory");
                append_separator(f, src, len);
                fputs(eof_text, f);
                if (fclose(f) != 0)
                        return rw_error_set(err, ENOMEM, "out of memory");
                r = add_edit(&e, len, len, TAKE_PTR(buf));
        }
        if (r < 0)
                return r == -ENOMEM ? rw_error_set(err, ENOMEM, "out of memory") : r;
        return rw_toml_splice(src, len, e.v, e.n, ret, err);
}
