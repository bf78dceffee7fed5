#include "stats.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
        double v[64];
        size_t n = 0;

        for (int i = 1; i < argc && n < 64; i++)
                v[n++] = strtod(argv[i], NULL);
        printf("mean %.2f stddev %.2f sum %.2f\n", stats_mean(v, n), stats_stddev(v, n),
               stats_parallel_sum(v, n, 2));
        return 0;
}
