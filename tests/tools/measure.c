/*
 * measure - run a command N times and report its median wall time and
 * peak resident memory, for `make bench`.
 *
 *   measure [-n runs] [-s setup] [-o start-file] -- command [args ...]
 *
 * setup (a sh command) runs before each run and is not measured.  Peak
 * RSS is the child's ru_maxrss from wait4(2).  With -o, the wall-clock
 * start of each run (seconds since the epoch, microseconds) is appended to
 * start-file, so the harness can compare it with the fake services'
 * arrival times.  Prints one JSON line; exits non-zero if any run failed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 1000

static int
compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run argv once; wall seconds into *wall, peak RSS (KiB) into *rss. */
static int
run_once(char **argv, const char *start_file, double *wall, long *rss)
{
	struct rusage ru;
	struct timeval tv;
	double t0;
	pid_t pid;
	int status;
	FILE *f;

	gettimeofday(&tv, NULL);
	if (start_file != NULL && (f = fopen(start_file, "a")) != NULL) {
		fprintf(f, "%ld.%06ld\n", (long)tv.tv_sec, (long)tv.tv_usec);
		fclose(f);
	}
	t0 = now_s();
	if ((pid = fork()) < 0)
		return -1;
	if (pid == 0) {
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	*wall = now_s() - t0;
	*rss = ru.ru_maxrss;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int
main(int argc, char *argv[])
{
	static double walls[MAX_RUNS];
	const char *setup = NULL, *start_file = NULL;
	int ch, n = 5, i, failed = 0, rc;
	long rss = 0, peak = 0;

	while ((ch = getopt(argc, argv, "n:s:o:")) != -1) {
		switch (ch) {
		case 'n':
			n = atoi(optarg);
			break;
		case 's':
			setup = optarg;
			break;
		case 'o':
			start_file = optarg;
			break;
		default:
			return 64;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || n < 1 || n > MAX_RUNS) {
		fprintf(stderr, "usage: measure [-n runs] [-s setup] "
		    "[-o start-file] -- command [args ...]\n");
		return 64;
	}
	for (i = 0; i < n; i++) {
		if (setup != NULL && system(setup) != 0) {
			fprintf(stderr, "measure: setup failed: %s\n", setup);
			return 70;
		}
		if ((rc = run_once(argv, start_file, &walls[i], &rss)) != 0)
			failed++;
		if (rss > peak)
			peak = rss;
	}
	qsort(walls, (size_t)n, sizeof walls[0], compare_doubles);
	printf("{\"runs\":%d,\"failed\":%d,\"median_ms\":%.1f,\"min_ms\":%.1f,"
	    "\"max_ms\":%.1f,\"peak_rss_kb\":%ld}\n", n, failed,
	    (n % 2 ? walls[n / 2] : (walls[n / 2 - 1] + walls[n / 2]) / 2) * 1e3,
	    walls[0] * 1e3, walls[n - 1] * 1e3, peak);
	return failed ? 1 : 0;
}
