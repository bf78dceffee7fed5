#include "stats.h"

#include <math.h>
#include <pthread.h>

double stats_mean(const double *v, size_t n)
{
        double sum = 0;

        for (size_t i = 0; i < n; i++)
                sum += v[i];
        return n ? sum / (double)n : 0;
}

double stats_stddev(const double *v, size_t n)
{
        double mean = stats_mean(v, n), acc = 0;

        for (size_t i = 0; i < n; i++)
                acc += (v[i] - mean) * (v[i] - mean);
        return n ? sqrt(acc / (double)n) : 0;
}

struct part {
        const double *v;
        size_t n;
        double sum;
};

static void *sum_part(void *arg)
{
        struct part *p = arg;

        for (size_t i = 0; i < p->n; i++)
                p->sum += p->v[i];
        return NULL;
}

double stats_parallel_sum(const double *v, size_t n, unsigned nthreads)
{
        pthread_t tid[16];
        struct part parts[16];
        double sum = 0;

        if (nthreads == 0 || nthreads > 16)
                nthreads = 4;
        for (unsigned t = 0; t < nthreads; t++) {
                size_t lo = n * t / nthreads, hi = n * (t + 1) / nthreads;
                parts[t] = (struct part){v + lo, hi - lo, 0};
                if (pthread_create(&tid[t], NULL, sum_part, &parts[t]) != 0)
                        return NAN;
        }
        for (unsigned t = 0; t < nthreads; t++) {
                pthread_join(tid[t], NULL);
                sum += parts[t].sum;
        }
        return sum;
}
