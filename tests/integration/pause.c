/* SPDX-License-Identifier: Apache-2.0 */
/* The pod sandbox's process for the CRI test: holds the pod's namespaces open and does nothing.
 * No registry is reachable, so the test builds its own pause image around this static binary.
 * Like Kubernetes' pause it reaps orphans (it is pid 1 of the pod when the pod shares its pid
 * namespace) and exits 0 on SIGINT or SIGTERM, so a stopped sandbox is not reported as killed. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig)
{
        (void)sig;
        _exit(0);
}

static void on_child(int sig)
{
        (void)sig;
        while (waitpid(-1, NULL, WNOHANG) > 0)
                ;
}

int main(void)
{
        struct sigaction stop = {.sa_handler = on_stop};
        struct sigaction child = {.sa_handler = on_child, .sa_flags = SA_NOCLDSTOP};

        if (getpid() != 1)
                return 1;
        if (sigaction(SIGINT, &stop, NULL) < 0 || sigaction(SIGTERM, &stop, NULL) < 0 ||
            sigaction(SIGCHLD, &child, NULL) < 0)
                return 1;
        for (;;)
                pause();
}
