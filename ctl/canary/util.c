/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "canary.h"
#include "cleanup.h"

/* Kernel numbering (linux/capability.h), up to CAP_CHECKPOINT_RESTORE (40). */
static const char *const cap_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};

const char *rw_canary_cap_name(int cap)
{
        return cap >= 0 && (size_t)cap < RW_ELEMENTSOF(cap_names) ? cap_names[cap] : NULL;
}

const char *rw_canary_errname(int e)
{
        static __thread char buf[32];
        const char *name = strerrorname_np(e);

        if (name != NULL)
                return name;
        snprintf(buf, sizeof(buf), "errno %d", e);
        return buf;
}

int rw_canary_in_child(int (*fn)(void *arg), void *arg, int *ret_signal)
{
        int pipefd[2];
        int result = -EIO;
        int status = 0;
        pid_t pid;

        *ret_signal = 0;
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return -errno;
        fflush(stdout);
        pid = fork();
        if (pid < 0) {
                int saved = errno;

                close(pipefd[0]);
                close(pipefd[1]);
                return -saved;
        }
        if (pid == 0) {
                int r;

                close(pipefd[0]);
                r = fn(arg);
                _exit(write(pipefd[1], &r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : 2);
        }
        close(pipefd[1]);
        if (read(pipefd[0], &result, sizeof(result)) != (ssize_t)sizeof(result))
                result = -EIO;
        close(pipefd[0]);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        if (WIFSIGNALED(status))
                *ret_signal = WTERMSIG(status);
        return result;
}

/* mountinfo escapes space, tab, newline and backslash as \NNN (octal). In place. */
static void unescape(char *s)
{
        char *w = s;

        for (char *r = s; *r != '\0'; r++) {
                if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
                    r[3] >= '0' && r[3] <= '7') {
                        *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
                        r += 3;
                } else {
                        *w++ = *r;
                }
        }
        *w = '\0';
}

static void mount_clear(struct rw_canary_mount *m)
{
        free(m->root);
        free(m->point);
        free(m->opts);
        free(m->fstype);
        free(m->source);
        *m = (struct rw_canary_mount){0};
}

void rw_canary_mounts_free(struct rw_canary_mount *m, size_t n)
{
        for (size_t i = 0; m != NULL && i < n; i++)
                mount_clear(&m[i]);
        free(m);
}

/* "ID PARENT MAJ:MIN ROOT POINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS" */
static int parse_mount_line(char *line, struct rw_canary_mount *ret)
{
        char *fields[6] = {0};
        char *sep = strstr(line, " - ");
        char *save = NULL;
        char *tail[2] = {0};
        char *tok;
        size_t n = 0;

        if (sep == NULL)
                return -EINVAL;
        *sep = '\0';
        for (tok = strtok_r(line, " ", &save); tok != NULL && n < 6;
             tok = strtok_r(NULL, " ", &save))
                fields[n++] = tok;
        if (n < 6)
                return -EINVAL;
        save = NULL;
        tail[0] = strtok_r(sep + 3, " \n", &save);
        tail[1] = tail[0] != NULL ? strtok_r(NULL, " \n", &save) : NULL;
        if (tail[0] == NULL)
                return -EINVAL;
        unescape(fields[3]);
        unescape(fields[4]);
        unescape(tail[0]);
        if (tail[1] != NULL)
                unescape(tail[1]);
        *ret = (struct rw_canary_mount){
            .root = strdup(fields[3]),
            .point = strdup(fields[4]),
            .opts = strdup(fields[5]),
            .fstype = strdup(tail[0]),
            .source = strdup(tail[1] ? tail[1] : ""),
        };
        if (!ret->root || !ret->point || !ret->opts || !ret->fstype || !ret->source) {
                mount_clear(ret);
                return -ENOMEM;
        }
        return 0;
}

int rw_canary_mounts(struct rw_canary_mount **ret, size_t *ret_n)
{
        _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
        _cleanup_free_ char *line = NULL;
        struct rw_canary_mount *list = NULL;
        size_t n = 0, size = 0;

        if (f == NULL)
                return -errno;
        while (getline(&line, &size, f) > 0) {
                struct rw_canary_mount m;
                struct rw_canary_mount *grown;

                if (parse_mount_line(line, &m) < 0)
                        continue;
                grown = reallocarray(list, n + 1, sizeof(*list));
                if (grown == NULL) {
                        mount_clear(&m);
                        rw_canary_mounts_free(list, n);
                        return -ENOMEM;
                }
                list = grown;
                list[n++] = m;
        }
        *ret = list;
        *ret_n = n;
        return 0;
}

bool rw_canary_has_opt(const char *opts, const char *opt)
{
        size_t len = strlen(opt);

        for (const char *p = opts; p != NULL && *p != '\0';) {
                if (strncmp(p, opt, len) == 0 && (p[len] == ',' || p[len] == '\0'))
                        return true;
                p = strchr(p, ',');
                if (p != NULL)
                        p++;
        }
        return false;
}

bool rw_canary_path_below(const char *path, const char *dir)
{
        size_t len = strlen(dir);

        if (strcmp(dir, "/") == 0)
                return path[0] == '/';
        return strncmp(path, dir, len) == 0 && (path[len] == '/' || path[len] == '\0');
}
