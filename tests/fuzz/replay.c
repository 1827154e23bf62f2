/* Replay driver: runs a fuzz target's LLVMFuzzerTestOneInput over every file
 * of the directories (or the files) named on the command line, so the seed
 * corpora and every past crash replay as ordinary CTest tests in any build,
 * with any compiler. A crash or a failed invariant aborts the process. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs larger than this are not fuzz inputs: refuse rather than guess. */
#define REPLAY_MAX_BYTES (64u * 1024u * 1024u)

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	int rc = -1;
	if (!buf)
		goto out;
	for (;;) {
		if (n == cap) {
			if (cap >= REPLAY_MAX_BYTES) {
				fprintf(stderr, "replay: %s: larger than %u bytes\n", path,
				        REPLAY_MAX_BYTES);
				goto out;
			}
			uint8_t *bigger = realloc(buf, cap * 2);
			if (!bigger)
				goto out;
			buf = bigger;
			cap *= 2;
		}
		size_t k = fread(buf + n, 1, cap - n, f);
		if (k == 0)
			break;
		n += k;
	}
	if (ferror(f)) {
		fprintf(stderr, "replay: %s: read error\n", path);
		goto out;
	}
	/* An exact-size copy, so ASan sees reads past the end of the input. */
	uint8_t *exact = malloc(n ? n : 1);
	if (!exact)
		goto out;
	memcpy(exact, buf, n);
	LLVMFuzzerTestOneInput(exact, n);
	free(exact);
	rc = 0;
out:
	free(buf);
	fclose(f);
	return rc;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replays the regular files directly inside dir, in name order. */
static int replay_dir(const char *dir, unsigned *count)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue; /* ".", "..", hidden files (editor leftovers) */
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **bigger = realloc(names, cap * sizeof *names);
			if (!bigger) {
				rc = -1;
				goto out;
			}
			names = bigger;
		}
		size_t len = strlen(dir) + strlen(de->d_name) + 2;
		names[n] = malloc(len);
		if (!names[n]) {
			rc = -1;
			goto out;
		}
		snprintf(names[n], len, "%s/%s", dir, de->d_name);
		n++;
	}
	qsort(names, n, sizeof *names, cmp_names);
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct stat st;
		if (stat(names[i], &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		rc = replay_file(names[i]);
		(*count)++;
	}
out:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
		return 2;
	}
	unsigned count = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		int rc;
		if (S_ISDIR(st.st_mode)) {
			rc = replay_dir(argv[i], &count);
		} else {
			rc = replay_file(argv[i]);
			count++;
		}
		if (rc != 0)
			return 1;
	}
	if (count == 0) {
		fprintf(stderr, "replay: no inputs found\n");
		return 1;
	}
	printf("replay: %u inputs ok\n", count);
	return 0;
}
