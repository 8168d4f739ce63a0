// SPDX-License-Identifier: GPL-2.0
/*
 * cos_blkpat - the Linux side of the storage tests: write or check the
 * test pattern (components/interfaces/blk_pattern.h) on 4 KiB blocks of a
 * block device or file, with O_DIRECT where the file allows it.
 * Usage: cos_blkpat write|check PATH FIRST COUNT SEED
 * Exit 0 on success; check prints the first block and word that differ.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../components/interfaces/blk_pattern.h"

int main(int argc, char **argv)
{
	unsigned long long first, count, seed, b, i, *w;
	int fd, write_it;

	if (argc != 6 || (strcmp(argv[1], "write") && strcmp(argv[1], "check"))) {
		fprintf(stderr, "usage: cos_blkpat write|check PATH FIRST COUNT SEED\n");
		return 2;
	}
	write_it = !strcmp(argv[1], "write");
	first = strtoull(argv[3], NULL, 0);
	count = strtoull(argv[4], NULL, 0);
	seed = strtoull(argv[5], NULL, 0);
	fd = open(argv[2], (write_it ? O_RDWR : O_RDONLY) | O_DIRECT);
	if (fd < 0 && errno == EINVAL)
		fd = open(argv[2], write_it ? O_RDWR : O_RDONLY);
	if (fd < 0 || posix_memalign((void **)&w, 4096, 4096)) {
		fprintf(stderr, "cos_blkpat: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	for (b = first; b < first + count; b++) {
		if (write_it) {
			for (i = 0; i < 512; i++)
				w[i] = blk_pattern(b, i, seed);
			if (pwrite(fd, w, 4096, (off_t)b * 4096) != 4096)
				goto io;
			continue;
		}
		if (pread(fd, w, 4096, (off_t)b * 4096) != 4096)
			goto io;
		for (i = 0; i < 512; i++)
			if (w[i] != blk_pattern(b, i, seed)) {
				printf("cos_blkpat: block %llu word %llu: %#llx, want %#llx\n",
				       b, i, w[i], blk_pattern(b, i, seed));
				return 1;
			}
	}
	if (write_it && fsync(fd))
		goto io;
	printf("cos_blkpat: %s %llu blocks from %llu: ok\n", argv[1], count, first);
	free(w);
	close(fd);
	return 0;
io:
	fprintf(stderr, "cos_blkpat: block %llu: %s\n", b, strerror(errno ? errno : EIO));
	return 1;
}
