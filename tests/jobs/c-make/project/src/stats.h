#pragma once
#include <stddef.h>

double stats_mean(const double *v, size_t n);
double stats_stddev(const double *v, size_t n);
/* Sums v in nthreads threads; returns the sum. */
double stats_parallel_sum(const double *v, size_t n, unsigned nthreads);
