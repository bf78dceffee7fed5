/* SPDX-License-Identifier: Apache-2.0 */
#include "hostio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "config.h"
#include "fileio.h"
#include "json.h"
#include "jsonpos.h"
#include "paths.h"
#include "pins.h"
#include "seccomp_profile.h"

#define RUNC_STATE_MAX (4u * 1024u * 1024u)

static void host_file_clear(struct rw_host_file *f)
{
        if (f->dirfd >= 0)
                close(f->dirfd);
        free(f->name);
        free(f->bytes);
        *f = (struct rw_host_file){.dirfd = -1};
}

void rw_host_io_clear(struct rw_host_io *h)
{
        host_file_clear(&h->doc);
        free(h->stdin_bytes);
        h->stdin_bytes = NULL;
        h->stdin_len = 0;
}

int rw_host_canonical_root(const char *root, char **ret, struct rw_error *err)
{
        _cleanup_free_ char *joined = NULL;
        _cleanup_free_ char *clean = NULL;
        char cwd[PATH_MAX];
        size_t cut;
        int r;

        if (root == NULL || root[0] == '\0')
                root = RW_RUNC_DEFAULT_ROOT;
        if (root[0] != '/') {
                if (getcwd(cwd, sizeof(cwd)) == NULL)
                        return rw_error_set_errno(err, errno, "the working directory");
                if (asprintf(&joined, "%s/%s", cwd, root) < 0)
                        return rw_error_set(err, ENOMEM, "state root");
                root = joined;
        }
        r = rw_path_normalize(root, &clean, err);
        if (r < 0)
                return r;
        /* Resolve the longest part that exists; runc creates the rest as it is written. */
        cut = strlen(clean);
        for (;;) {
                char saved = clean[cut];
                _cleanup_free_ char *real = NULL;

                clean[cut] = '\0';
                real = rw_file_realpath(cut == 0 ? "/" : clean);
                clean[cut] = saved;
                if (real != NULL) {
                        const char *rest = clean + cut;

                        if (asprintf(ret, "%s%s%s", strcmp(real, "/") == 0 ? "" : real,
                                     rest[0] == '\0' && strcmp(real, "/") == 0 ? "/" : "",
                                     rest) < 0)
                                return rw_error_set(err, ENOMEM, "state root");
                        return 0;
                }
                if (errno == ENOMEM)
                        return rw_error_set(err, ENOMEM, "state root");
                if (cut == 0)
                        return rw_error_set_errno(err, errno, "resolving %s", clean);
                while (cut > 0 && clean[cut - 1] != '/')
                        cut--;
                if (cut > 1)
                        cut--; /* drop the "/" before the component too */
                else
                        cut = 0;
        }
}

/* runc's container id rule: [A-Za-z0-9_+.-]+, not "." or "..". */
static bool valid_id(const char *id)
{
        if (id == NULL || id[0] == '\0' || strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
                return false;
        for (const char *c = id; *c != '\0'; c++)
                if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                      (*c >= '0' && *c <= '9') || *c == '_' || *c == '+' || *c == '-' || *c == '.'))
                        return false;
        return true;
}

/* Open `dir` and read `name` in it into `f` (kept open for a rewrite when `keep`). */
static int read_in_dir(const char *dir, const char *name, struct rw_host_file *f,
                       struct rw_error *err)
{
        int r;

        r = rw_dir_open(dir, &f->dirfd, err);
        if (r < 0)
                return rw_error_prefix(err, "opening %s", dir);
        f->name = strdup(name);
        if (f->name == NULL)
                return rw_error_set(err, ENOMEM, "reading %s", name);
        r = rw_file_read_at(f->dirfd, name, RW_JSON_MAX_SIZE, &f->bytes, &f->len, &f->st, err);
        if (r < 0)
                return rw_error_prefix(err, "%s/%s", dir, name);
        return 0;
}

static int read_path(const char *path, struct rw_host_file *f, struct rw_error *err)
{
        _cleanup_free_ char *dir = NULL;
        _cleanup_free_ char *base = NULL;
        int r;

        r = rw_path_split(path, &dir, &base, err);
        if (r < 0)
                return r;
        return read_in_dir(dir, base, f, err);
}

static int read_stdin(struct rw_host_io *h, struct rw_error *err)
{
        size_t cap = 0;

        for (;;) {
                ssize_t n;

                if (h->stdin_len == cap) {
                        char *p;

                        if (cap >= RW_JSON_MAX_SIZE)
                                return rw_error_set(err, EFBIG,
                                                    "standard input is larger than %u bytes",
                                                    RW_JSON_MAX_SIZE);
                        cap = cap == 0 ? 4096 : cap * 2;
                        p = realloc(h->stdin_bytes, cap + 1);
                        if (p == NULL)
                                return rw_error_set(err, ENOMEM, "reading standard input");
                        h->stdin_bytes = p;
                }
                n = read(STDIN_FILENO, h->stdin_bytes + h->stdin_len, cap - h->stdin_len);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return rw_error_set_errno(err, errno, "reading standard input");
                if (n == 0)
                        break;
                h->stdin_len += (size_t)n;
        }
        if (h->stdin_bytes == NULL && (h->stdin_bytes = malloc(1)) == NULL)
                return rw_error_set(err, ENOMEM, "reading standard input");
        h->stdin_bytes[h->stdin_len] = '\0';
        h->read_stdin = true;
        return 0;
}

/* runc's state.json holds the container's whole configuration, its seccomp filter included: tens
 * of KB, most of an exec's work to parse. The labels are what is wanted: the scanner finds
 * config.labels and only that array is parsed (jsonpos.h). A text it cannot place is parsed
 * whole, as runc would refuse to exec in a container whose state it cannot read. */
static int state_labels(const char *text, size_t len, json_t **ret_state, const json_t **ret,
                        struct rw_error *err)
{
        struct rw_json_path p = rw_jsonpos_path_key(&(struct rw_json_path){0}, "config");
        size_t start, end;
        int r;

        p = rw_jsonpos_path_key(&p, "labels");
        if (rw_jsonpos_locate(text, len, &p, false, &start) && text[start] == '[') {
                end = rw_jsonpos_skip_value(text, len, start);
                if (rw_json_parse(text + start, end - start, ret_state, err) >= 0) {
                        *ret = *ret_state;
                        return 0;
                }
        }
        r = rw_json_parse(text, len, ret_state, err);
        if (r < 0)
                return r;
        *ret = json_object_get(json_object_get(*ret_state, "config"), "labels");
        return 0;
}

/* The bundle runc recorded for container `id` under its state root: the "bundle=" label of
 * ROOT/ID/state.json, which is where runc's own exec reads config.json from. */
static int container_bundle(const char *root, const char *id, char **ret, struct rw_error *err)
{
        _cleanup_free_ char *canonical = NULL;
        _cleanup_free_ char *dir = NULL;
        _cleanup_json_ json_t *state = NULL;
        struct rw_host_file f = {.dirfd = -1};
        const json_t *labels = NULL;
        json_t *label;
        size_t i;
        int r;

        if (!valid_id(id))
                return rw_error_set(err, EINVAL, "invalid container id \"%s\"",
                                    id != NULL ? id : "");
        r = rw_host_canonical_root(root, &canonical, err);
        if (r < 0)
                return r;
        if (asprintf(&dir, "%s/%s", canonical, id) < 0)
                return rw_error_set(err, ENOMEM, "container state");
        r = read_in_dir(dir, "state.json", &f, err);
        if (r >= 0)
                r = state_labels(f.bytes, f.len, &state, &labels, err);
        host_file_clear(&f);
        if (r < 0)
                return rw_error_prefix(err, "runc's state of container %s", id);
        json_array_foreach(labels, i, label)
        {
                const char *s = json_string_value(label);

                if (s != NULL && strncmp(s, "bundle=", 7) == 0) {
                        *ret = strdup(s + 7);
                        return *ret != NULL ? 0 : rw_error_set(err, ENOMEM, "container state");
                }
        }
        return rw_error_set(err, ENOENT, "runc's state of container %s names no bundle", id);
}

static int io_read_document(void *userdata, enum rw_document which, const char *where,
                            const char *root, json_t **ret, struct rw_error *err)
{
        struct rw_host_io *h = userdata;
        struct rw_host_file scratch = {.dirfd = -1};
        _cleanup_free_ char *bundle = NULL;
        const char *bytes;
        size_t len;
        int r;

        switch (which) {
        case RW_DOC_BUNDLE_CONFIG:
                host_file_clear(&h->doc);
                r = h->bundle_is_file ? read_path(where, &h->doc, err)
                                      : read_in_dir(where, "config.json", &h->doc, err);
                bytes = h->doc.bytes;
                len = h->doc.len;
                break;
        case RW_DOC_PROCESS:
                host_file_clear(&h->doc);
                r = read_path(where, &h->doc, err);
                bytes = h->doc.bytes;
                len = h->doc.len;
                break;
        case RW_DOC_RESOURCES:
                if (strcmp(where, "-") == 0) {
                        r = read_stdin(h, err);
                        bytes = h->stdin_bytes;
                        len = h->stdin_len;
                } else {
                        r = read_path(where, &scratch, err);
                        bytes = scratch.bytes;
                        len = scratch.len;
                }
                break;
        case RW_DOC_CONTAINER_CONFIG:
                r = container_bundle(root, where, &bundle, err);
                if (r >= 0)
                        r = read_in_dir(bundle, "config.json", &scratch, err);
                bytes = scratch.bytes;
                len = scratch.len;
                break;
        default:
                return rw_error_set(err, EINVAL, "no document to read");
        }
        if (r >= 0 && rw_json_parse(bytes, len, ret, err) < 0)
                r = rw_error_prefix(err, "%s is not valid JSON", where);
        host_file_clear(&scratch);
        return r;
}

static int io_load_record(void *userdata, const char *root, const char *id,
                          struct rw_container_state *ret, bool *ret_found, struct rw_error *err)
{
        struct rw_host_io *h = userdata;
        _cleanup_free_ char *canonical = NULL;
        int r;

        r = rw_host_canonical_root(root, &canonical, err);
        if (r < 0)
                return r;
        return rw_state_load(h->state_dir, canonical, id, ret, ret_found, err);
}

static int io_load_profile(void *userdata, const char *name, const char *const *capabilities,
                           bool verbatim, json_t **ret, struct rw_error *err)
{
        struct rw_host_io *h = userdata;
        const char *dir = h->seccomp_dir != NULL ? h->seccomp_dir : RW_SECCOMP_DIR;
        int r;

        r = verbatim
                ? rw_seccomp_profile_verbatim_for(dir, name, capabilities, h->cache_dir, ret, err)
                : rw_seccomp_profile_for(dir, name, capabilities, h->cache_dir, ret, err);
        return r < 0 ? r : 0;
}

static int io_policy_stamp(void *userdata, const char *path, char ret[RW_FILE_STAMP_MAX],
                           struct rw_error *err)
{
        (void)userdata;
        return rw_policy_stamp(path, ret, err);
}

static int io_gather_facts(void *userdata, const struct rw_fact_request *req,
                           struct rw_host_facts *ret, struct rw_error *err)
{
        struct rw_host_io *h = userdata;
        _cleanup_free_ char *dir = NULL;
        _cleanup_free_ char *base = NULL;
        _cleanup_free_ char *root = NULL;
        _cleanup_free_ char *pins = NULL;
        struct rw_error ignored = {0};
        const char *scratch[16];
        const char **prefixes = NULL;
        size_t n = 0, n_prefixes = 0;
        struct rw_facts_options o = {
            .bundle = req->bundle,
            .container_id = req->container_id,
            .state_dir = h->state_dir,
            .engines = req->policy != NULL ? &req->policy->engines : NULL,
            .egress =
                {
                    .settings = req->settings->egress,
                    .hook = req->egress_hook,
                    .delegate = req->delegate,
                    .runsc_network = req->cli->runsc_network,
                    .runsc_flag_override = req->cli->runsc_flag_override,
                },
        };
        int r;

        if (h->bundle_is_file) {
                r = rw_path_split(req->bundle, &dir, &base, err);
                if (r < 0)
                        return r;
                o.bundle = dir;
        }
        r = rw_host_canonical_root(req->cli->root, &root, err);
        if (r < 0)
                return r;
        o.runtime_root = root;
        /* an id that cannot name a pin directory: no pin, the rule refuses what needs one */
        if (req->container_id != NULL &&
            rw_pins_dir(h->pin_dir, root, req->container_id, &pins, &ignored) == 0)
                o.pin_dir = pins;
        for (const struct rw_scratch_mount *s = req->settings->scratch;
             s != NULL && s->size_bytes > 0 && n + 1 < RW_ELEMENTSOF(scratch); s++)
                scratch[n++] = s->destination != NULL ? s->destination : "$HOME";
        scratch[n] = NULL;
        o.scratch = scratch;
        for (const struct rw_bind_prefix *p = req->settings->extra_bind_prefixes;
             p != NULL && p->path != NULL; p++)
                n_prefixes++;
        prefixes = calloc(n_prefixes + 1, sizeof(*prefixes));
        if (prefixes == NULL)
                return rw_error_set(err, ENOMEM, "facts");
        for (size_t i = 0; i < n_prefixes; i++)
                prefixes[i] = req->settings->extra_bind_prefixes[i].path;
        o.bind_prefixes = prefixes;
        r = rw_facts_gather(req->spec, &o, ret, err);
        free(prefixes);
        return r;
}

void rw_host_io_init(struct rw_host_io *h)
{
        *h = (struct rw_host_io){
            .io =
                {
                    .userdata = h,
                    .read_document = io_read_document,
                    .load_record = io_load_record,
                    .load_profile = io_load_profile,
                    .gather_facts = io_gather_facts,
                    .policy_stamp = io_policy_stamp,
                },
            .doc = {.dirfd = -1},
        };
}
