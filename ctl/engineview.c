/* SPDX-License-Identifier: Apache-2.0 */
#include "engineview.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "hostutil.h"
#include "json.h"
#include "toml.h"

void rw_cri_view_clear(struct rw_cri_view *v)
{
        for (size_t i = 0; i < v->n; i++) {
                free(v->names[i]);
                free(v->binary[i]);
        }
        free(v->names);
        free(v->binary);
        free(v->default_name);
        *v = (struct rw_cri_view){0};
}

static bool is_cri_plugin(const char *name)
{
        return strcmp(name, "io.containerd.grpc.v1.cri") == 0 || strcmp(name, "cri") == 0;
}

int rw_cri_view_parse(const char *dump, size_t len, struct rw_cri_view *v, struct rw_error *err)
{
        struct rw_toml t = {0};
        int r = rw_toml_scan(dump, len, &t, err);

        for (size_t i = 0; r >= 0 && i < t.n; i++) {
                char **path = NULL;
                size_t n = 0;

                r = rw_toml_item_path(&t, i, &path, err);
                while (r >= 0 && path != NULL && path[n] != NULL)
                        n++;
                if (r < 0 || n < 4 || strcmp(path[0], "plugins") != 0 || !is_cri_plugin(path[1]) ||
                    strcmp(path[2], "containerd") != 0) {
                        rw_toml_path_free(path);
                        continue;
                }
                if (t.items[i].kind == RW_TOML_TABLE && n == 5 &&
                    strcmp(path[3], "runtimes") == 0) {
                        char **names = reallocarray(v->names, v->n + 1, sizeof(char *));
                        char **binary = names != NULL
                                            ? reallocarray(v->binary, v->n + 1, sizeof(char *))
                                            : NULL;

                        if (names != NULL)
                                v->names = names;
                        if (binary != NULL)
                                v->binary = binary;
                        if (names == NULL || binary == NULL ||
                            (names[v->n] = strdup(path[4])) == NULL)
                                r = rw_error_set(err, ENOMEM, "out of memory");
                        else if ((binary[v->n++] = strdup("")) == NULL)
                                r = rw_error_set(err, ENOMEM, "out of memory");
                } else if (t.items[i].kind == RW_TOML_KEYVAL && n == 7 &&
                           strcmp(path[3], "runtimes") == 0 && strcmp(path[5], "options") == 0 &&
                           strcmp(path[6], "BinaryName") == 0) {
                        for (size_t k = 0; k < v->n; k++)
                                if (strcmp(v->names[k], path[4]) == 0) {
                                        free(v->binary[k]);
                                        v->binary[k] = NULL;
                                        r = rw_toml_value_string(dump, &t.items[i], &v->binary[k],
                                                                 err);
                                }
                } else if (t.items[i].kind == RW_TOML_KEYVAL && n == 4 &&
                           strcmp(path[3], "default_runtime_name") == 0) {
                        free(v->default_name);
                        v->default_name = NULL;
                        r = rw_toml_value_string(dump, &t.items[i], &v->default_name, err);
                }
                rw_toml_path_free(path);
        }
        rw_toml_clear(&t);
        return r;
}

const char *rw_cri_view_binary(const struct rw_cri_view *v, const char *name)
{
        for (size_t i = 0; i < v->n; i++)
                if (strcmp(v->names[i], name) == 0)
                        return v->binary[i] != NULL ? v->binary[i] : "";
        return NULL;
}

/* `containerd --config TEXT config dump`, the text handed over in a memfd (containerd's standard
 * input, which it opens by name: rw_run() passes on no other descriptor) so that a dry run
 * writes nothing. */
int rw_containerd_dump(const char *text, size_t len, struct rw_cri_view *ret, struct rw_error *err)
{
        _cleanup_close_ int fd = memfd_create("runwardenctl-config.toml", MFD_CLOEXEC);
        struct rw_run_output out = {0};
        char *argv[] = {"containerd", "--config", "/proc/self/fd/0", "config", "dump", NULL};
        int r;

        if (fd < 0)
                return rw_error_set_errno(err, errno, "memfd_create");
        if (write(fd, text, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0)
                return rw_error_set_errno(err, errno, "writing the memfd");
        r = rw_ctl_run(argv, fd, 20000, &out, err);
        if (r >= 0 && out.status != 0)
                r = rw_error_set(err, EINVAL, "containerd config dump failed: %s", out.err);
        if (r >= 0)
                r = rw_cri_view_parse(out.out, out.out_len, ret, err);
        rw_run_output_clear(&out);
        return r;
}

/* Answers above this size are not an /info document. */
#define INFO_MAX (8u * 1024u * 1024u)

int rw_docker_info(const char *socket_path, json_t **ret, struct rw_error *err)
{
        static const char request[] = "GET /info HTTP/1.0\r\nHost: docker\r\n\r\n";
        struct sockaddr_un addr = {.sun_family = AF_UNIX};
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        _cleanup_free_ char *buf = NULL;
        size_t len = 0, cap = 0;
        const char *body;
        int status = 0;

        if (fd < 0)
                return rw_error_set_errno(err, errno, "socket");
        if (strlen(socket_path) >= sizeof(addr.sun_path))
                return rw_error_set(err, ENAMETOOLONG, "%s: path too long", socket_path);
        memcpy(addr.sun_path, socket_path, strlen(socket_path) + 1);
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
                return rw_error_set_errno(err, errno, "%s", socket_path);
        if (write(fd, request, sizeof(request) - 1) != (ssize_t)(sizeof(request) - 1))
                return rw_error_set_errno(err, errno, "%s: sending the request", socket_path);
        /* HTTP/1.0: the daemon answers without chunks and closes the connection. */
        for (;;) {
                struct pollfd p = {fd, POLLIN, 0};
                ssize_t n;

                if (poll(&p, 1, 10000) <= 0)
                        return rw_error_set(err, ETIMEDOUT, "%s: no answer", socket_path);
                if (len + 65536 + 1 > cap) {
                        char *grown;

                        cap = cap == 0 ? 131072 : cap * 2;
                        if (cap > INFO_MAX)
                                return rw_error_set(err, EFBIG, "%s: answer too large",
                                                    socket_path);
                        grown = realloc(buf, cap);
                        if (grown == NULL)
                                return rw_error_set(err, ENOMEM, "out of memory");
                        buf = grown;
                }
                n = read(fd, buf + len, cap - len - 1);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return rw_error_set_errno(err, errno, "%s: reading the answer",
                                                  socket_path);
                if (n == 0)
                        break;
                len += (size_t)n;
        }
        if (buf == NULL)
                return rw_error_set(err, EPROTO, "%s: empty answer", socket_path);
        buf[len] = '\0';
        if (sscanf(buf, "HTTP/%*d.%*d %d", &status) != 1 || status != 200)
                return rw_error_set(err, EPROTO, "%s: GET /info answered %d", socket_path, status);
        body = strstr(buf, "\r\n\r\n");
        if (body == NULL)
                return rw_error_set(err, EPROTO, "%s: no body in the answer", socket_path);
        body += 4;
        return rw_json_parse(body, len - (size_t)(body - buf), ret, err);
}
