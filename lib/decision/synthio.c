/* SPDX-License-Identifier: Apache-2.0 */
#include "synthio.h"

#include <errno.h>
#include <stdio.h>

#include "config.h"
#include "seccomp_profile.h"

static int io_read_document(void *userdata, enum rw_document which, const char *where,
                            const char *root, json_t **ret, struct rw_error *err)
{
        struct rw_synthetic_io *s = userdata;
        const json_t *doc = NULL;

        (void)root;
        switch (which) {
        case RW_DOC_BUNDLE_CONFIG:
        case RW_DOC_CONTAINER_CONFIG:
                doc = s->config;
                break;
        case RW_DOC_PROCESS:
                doc = s->process;
                break;
        case RW_DOC_RESOURCES:
                doc = s->resources;
                break;
        default:
                break;
        }
        if (doc == NULL)
                return rw_error_set(err, ENOENT, "%s: no such document in this case", where);
        *ret = json_deep_copy(doc);
        return *ret != NULL ? 0 : rw_error_set(err, ENOMEM, "copying %s", where);
}

static int io_load_record(void *userdata, const char *root, const char *id,
                          struct rw_container_state *ret, bool *ret_found, struct rw_error *err)
{
        struct rw_synthetic_io *s = userdata;

        (void)root;
        (void)id;
        (void)err;
        *ret_found = s->record != NULL;
        if (s->record != NULL)
                *ret = *s->record;
        return 0;
}

static int io_load_profile(void *userdata, const char *name, const char *const *capabilities,
                           bool verbatim, json_t **ret, struct rw_error *err)
{
        struct rw_synthetic_io *s = userdata;
        int r;

        (void)verbatim; /* explain and policy test show the profile: always a tree */
        r = rw_seccomp_profile_for(s->seccomp_dir != NULL ? s->seccomp_dir : RW_SECCOMP_DIR, name,
                                   capabilities, NULL, ret, err);
        return r < 0 ? r : 0;
}

static int io_gather_facts(void *userdata, const struct rw_fact_request *req,
                           struct rw_host_facts *ret, struct rw_error *err)
{
        const struct rw_egress_fact_options egress = {
            .settings = req->settings->egress,
            .hook = req->egress_hook,
            .delegate = req->delegate,
            .runsc_network = req->cli->runsc_network,
            .runsc_flag_override = req->cli->runsc_flag_override,
        };
        int r;

        (void)userdata;
        r = rw_facts_synthetic(req->spec, ret, err);
        if (r < 0)
                return r;
        return rw_facts_synthetic_egress(&egress, ret, err);
}

static int io_policy_stamp(void *userdata, const char *path, char ret[RW_FILE_STAMP_MAX],
                           struct rw_error *err)
{
        struct rw_synthetic_io *s = userdata;

        (void)path;
        s->n_policy_stamps++;
        if (s->policy_stamp == NULL)
                return rw_error_set(err, ENOENT, "no policy file in this case");
        snprintf(ret, RW_FILE_STAMP_MAX, "%s", s->policy_stamp);
        return 0;
}

void rw_synthetic_io_init(struct rw_synthetic_io *s)
{
        *s = (struct rw_synthetic_io){
            .io =
                {
                    .userdata = s,
                    .read_document = io_read_document,
                    .load_record = io_load_record,
                    .load_profile = io_load_profile,
                    .gather_facts = io_gather_facts,
                    .policy_stamp = io_policy_stamp,
                },
        };
}
