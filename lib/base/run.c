/* SPDX-License-Identifier: Apache-2.0 */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"

#define OUTPUT_MAX (4u * 1024u * 1024u)

void rw_run_output_clear(struct rw_run_output *o)
{
        free(o->out);
        free(o->err);
        *o = (struct rw_run_output){0};
}

struct sink {
        int fd;
        char *data;
        size_t len, cap;
};

/* Read what is there; 0 at end of file, -errno on error. Beyond OUTPUT_MAX, bytes are dropped. */
static int drain(struct sink *s)
{
        char buf[8192];
        ssize_t n = read(s->fd, buf, sizeof(buf));

        if (n < 0)
                return errno == EINTR || errno == EAGAIN ? 1 : -errno;
        if (n == 0)
                return 0;
        if (s->len + (size_t)n + 1 > s->cap && s->len < OUTPUT_MAX) {
                size_t cap = s->cap == 0 ? 16384 : s->cap;
                char *grown;

                while (cap < s->len + (size_t)n + 1)
                        cap *= 2;
                grown = realloc(s->data, cap);
                if (grown == NULL)
                        return -ENOMEM;
                s->data = grown;
                s->cap = cap;
        }
        if (s->len + (size_t)n + 1 <= s->cap) {
                memcpy(s->data + s->len, buf, (size_t)n);
                s->len += (size_t)n;
        }
        return 1;
}

static long long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int rw_run(const char *program, char *const argv[], char *const envp[], int input_fd,
           int timeout_ms, struct rw_run_output *ret, struct rw_error *err)
{
        int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1}, in_pipe[2] = {-1, -1};
        struct sink sinks[2] = {{.fd = -1}, {.fd = -1}};
        long long deadline = now_ms() + timeout_ms;
        posix_spawn_file_actions_t actions;
        bool timed_out = false, have_actions = false;
        int status = 0, r = 0;
        pid_t pid, waited;

        *ret = (struct rw_run_output){0};
        /* Standard input is an empty pipe rather than /dev/null, which a scratch root may lack. */
        if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0 ||
            (input_fd < 0 && pipe2(in_pipe, O_CLOEXEC) < 0)) {
                r = rw_error_set_errno(err, errno, "pipe");
                goto out;
        }
        r = posix_spawn_file_actions_init(&actions);
        if (r != 0) {
                r = rw_error_set_errno(err, r, "posix_spawn");
                goto out;
        }
        have_actions = true;
        r = posix_spawn_file_actions_adddup2(&actions, input_fd >= 0 ? input_fd : in_pipe[0], 0);
        if (r == 0)
                r = posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
        if (r == 0)
                r = posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);
        /* nothing else of the caller's: runwarden's own descriptors are the engine's */
        if (r == 0)
                r = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
        /* glibc's posix_spawn is vfork-like: the exec's failure is its answer */
        if (r == 0)
                r = posix_spawn(&pid, program, &actions, NULL, argv, envp != NULL ? envp : environ);
        if (r != 0) {
                r = rw_error_set_errno(err, r, "cannot run %s", program);
                goto out;
        }
        close(out_pipe[1]);
        close(err_pipe[1]);
        out_pipe[1] = err_pipe[1] = -1;
        if (in_pipe[1] >= 0) {
                close(in_pipe[1]);
                in_pipe[1] = -1;
        }
        sinks[0].fd = out_pipe[0];
        sinks[1].fd = err_pipe[0];
        while (sinks[0].fd >= 0 || sinks[1].fd >= 0) {
                struct pollfd p[2] = {{sinks[0].fd, POLLIN, 0}, {sinks[1].fd, POLLIN, 0}};
                long long left = deadline - now_ms();
                int n;

                if (left <= 0) {
                        timed_out = true;
                        kill(pid, SIGKILL);
                        break;
                }
                n = poll(p, 2, (int)left);
                if (n < 0 && errno != EINTR) {
                        r = rw_error_set_errno(err, errno, "poll");
                        kill(pid, SIGKILL);
                        break;
                }
                for (int k = 0; n > 0 && k < 2; k++) {
                        int d;

                        if (sinks[k].fd < 0 || p[k].revents == 0)
                                continue;
                        d = drain(&sinks[k]);
                        if (d < 0 && r == 0)
                                r = rw_error_set_errno(err, -d, "reading the output of %s",
                                                       argv[0]);
                        if (d <= 0)
                                sinks[k].fd = -1; /* closed below through the pipe arrays */
                }
        }
        while ((waited = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
                ;
        /* SIGCHLD ignored (a caller may hand that down across exec): the kernel reaped the child
         * and its status is lost, which must not read as an exit status of 0 */
        if (waited < 0 && r == 0 && !timed_out)
                r = rw_error_set_errno(err, errno, "cannot learn the exit status of %s", argv[0]);
        if (r == 0 && timed_out)
                r = rw_error_set(err, ETIMEDOUT, "%s did not finish within %d ms", argv[0],
                                 timeout_ms);
        if (r == 0) {
                ret->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                for (int k = 0; k < 2; k++) {
                        char *text = sinks[k].data != NULL ? sinks[k].data : strdup("");

                        if (text == NULL) {
                                r = rw_error_set(err, ENOMEM, "out of memory");
                                break;
                        }
                        text[sinks[k].len] = '\0';
                        sinks[k].data = NULL;
                        if (k == 0) {
                                ret->out = text;
                                ret->out_len = sinks[k].len;
                        } else {
                                ret->err = text;
                        }
                }
                if (r < 0)
                        rw_run_output_clear(ret);
        }
out:
        if (have_actions)
                posix_spawn_file_actions_destroy(&actions);
        for (int k = 0; k < 2; k++) {
                free(sinks[k].data);
                if (out_pipe[k] >= 0)
                        close(out_pipe[k]);
                if (err_pipe[k] >= 0)
                        close(err_pipe[k]);
                if (in_pipe[k] >= 0)
                        close(in_pipe[k]);
        }
        return r;
}
