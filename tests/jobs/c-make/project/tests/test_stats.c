#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static int failed;

static void expect_near(const char *what, double expected, double actual)
{
        if (fabs(expected - actual) > 1e-9) {
                printf("FAIL %s: expected %f, got %f\n", what, expected, actual);
                failed++;
        } else {
                printf("ok %s\n", what);
        }
}

int main(void)
{
        double v[] = {2, 4, 4, 4, 5, 5, 7, 9};
        static double big[100000];

        for (size_t i = 0; i < 100000; i++)
                big[i] = 1;
        expect_near("mean", 5, stats_mean(v, 8));
        expect_near("stddev", 2, stats_stddev(v, 8));
        expect_near("parallel sum", 100000, stats_parallel_sum(big, 100000, 8));
        expect_near("empty mean", 0, stats_mean(v, 0));
        return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
