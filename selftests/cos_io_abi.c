// SPDX-License-Identifier: GPL-2.0
/*
 * cos_io_abi - COS_IO_ATTACH and COS_IO_DETACH answer bad input with exact
 * errnos and leak nothing (docs/io.md). Needs root and iproute2: it makes
 * a veth pair cosabi0/cosabi1 (left down) and removes it again. Who may
 * attach: children that open /dev/cos as root and then give up
 * CAP_NET_ADMIN and CAP_SYS_ADMIN (capset), or become nobody (setresuid),
 * get EPERM for a network device and the open's errno for a disk.
 */
#include <fcntl.h>
#include <grp.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/capability.h>
#include "harness.h"

#define FILE_ROOT	"/tmp/cos_io_abi.img"		/* 0600, root's */
#define FILE_ALL	"/tmp/cos_io_abi_all.img"	/* 0666 */
#define NOBODY		65534

static int attach(int fd, struct cos_io_attach *a)
{
	return ioc(fd, COS_IO_ATTACH, a);
}


static struct cos_io_attach req(unsigned int kind, unsigned int comp,
				const char *name)
{
	struct cos_io_attach a = { .kind = kind, .comp = comp };

	snprintf(a.name, sizeof(a.name), "%s", name);
	return a;
}

/* Drop CAP_NET_ADMIN and CAP_SYS_ADMIN from every set, staying uid 0. */
static int drop_admin_caps(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	int i;

	if (syscall(SYS_capget, &h, d))
		return -errno;
	for (i = 0; i < 2; i++) {
		__u32 drop = 0;

		if (CAP_NET_ADMIN / 32 == i)
			drop |= 1u << (CAP_NET_ADMIN % 32);
		if (CAP_SYS_ADMIN / 32 == i)
			drop |= 1u << (CAP_SYS_ADMIN % 32);
		d[i].effective &= ~drop;
		d[i].permitted &= ~drop;
		d[i].inheritable &= ~drop;
	}
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

#define UNPRIV_N	4

/*
 * In a child: open /dev/cos and make a component as root, then @nobody ?
 * become uid 65534 (no capability left) : give up CAP_NET_ADMIN and
 * CAP_SYS_ADMIN. Attach: cosabi0 (up, free), a virtual interface, the
 * root-only file, the file anyone may write. The 4 results (0 or -errno)
 * come back in @res; false if the child did not get that far.
 */
static int unpriv_attach(int nobody, int res[UNPRIV_N])
{
	int p[2], st, ok;
	pid_t pid;

	if (pipe(p))
		return 0;
	pid = fork();
	if (pid == 0) {
		static const char *const names[UNPRIV_N] = { "cosabi0", "", FILE_ROOT, FILE_ALL };
		static const unsigned int kinds[UNPRIV_N] = {
			COS_IO_NET, COS_IO_NET_VDEV, COS_IO_BLK, COS_IO_BLK };
		int fd = cos_open(), comp, i, r[UNPRIV_N];

		comp = fd < 0 ? -1 : cos_comp_create(fd, 2, NULL);
		if (comp < 0 || (nobody ? setgroups(0, NULL) ||
					  setresgid(NOBODY, NOBODY, NOBODY) ||
					  setresuid(NOBODY, NOBODY, NOBODY) :
					  drop_admin_caps()))
			_exit(1);
		for (i = 0; i < UNPRIV_N; i++) {
			struct cos_io_attach a = req(kinds[i], (unsigned int)comp, names[i]);

			r[i] = attach(fd, &a);
		}
		_exit(write(p[1], r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(p[1]);
	ok = pid > 0 && read(p[0], res, sizeof(int) * UNPRIV_N) == sizeof(int) * UNPRIV_N;
	close(p[0]);
	if (pid > 0)
		waitpid(pid, &st, 0);
	return ok && WIFEXITED(st) && !WEXITSTATUS(st);
}

/* 8 TAP lines: who may attach (docs/io.md, "Who may attach"). */
static void unpriv_tests(void)
{
	static const char *const what[2] = {
		"uid 0 without CAP_NET_ADMIN and CAP_SYS_ADMIN", "uid 65534, /dev/cos opened as root" };
	int nobody, res[UNPRIV_N], want;

	for (nobody = 0; nobody < 2; nobody++) {
		if (!unpriv_attach(nobody, res)) {
			for (int i = 0; i < UNPRIV_N; i++)
				tap_ok(0, "%s: the child did not run", what[nobody]);
			continue;
		}
		tap_diag("%s:", what[nobody]);
		EXPECT(res[0], -EPERM, "  attach to an existing interface");
		EXPECT(res[1], -EPERM, "  create a virtual interface");
		want = nobody ? -EACCES : 0;
		EXPECT(res[2], want, "  a disk only root may open (0600)");
		EXPECT(res[3], 0, "  a disk anyone may open for writing (0666)");
	}
}

int main(void)
{
	const char *file = FILE_ROOT;
	struct cos_io_attach a;
	struct cos_io_detach d = { 0 };
	int fd, comp, i, err, ids = 0;

	tap_plan(34);
	if (system("ip link add cosabi0 type veth peer name cosabi1"))
		tap_diag("cannot make the veth pair: the down/busy tests will fail");
	fd = must_open();
	comp = cos_comp_create(fd, 2, NULL);
	tap_ok(comp >= 0, "a component to attach to (%d)", comp);
	i = open(file, O_CREAT | O_TRUNC | O_RDWR, 0600);
	tap_ok(i >= 0 && !ftruncate(i, 1 << 20), "a 1 MiB file for the block tests");
	close(i);
	i = open(FILE_ALL, O_CREAT | O_TRUNC | O_RDWR, 0600);
	if (i < 0 || fchmod(i, 0666) || ftruncate(i, 1 << 20))
		tap_diag("cannot make %s: the tests that use it will fail", FILE_ALL);
	close(i);

	a = req(0, comp, "x");
	EXPECT(attach(fd, &a), -EINVAL, "kind 0");
	a = req(COS_IO_BLK + 1, comp, "x");
	EXPECT(attach(fd, &a), -EINVAL, "kind past COS_IO_BLK");
	a = req(COS_IO_BLK, comp, file);
	a.reserved[1] = 1;
	EXPECT(attach(fd, &a), -EINVAL, "reserved word set");
	a = req(COS_IO_NET, comp, "cosabi0");
	a.nslots = 3;
	EXPECT(attach(fd, &a), -EINVAL, "3 slots (not a power of two)");
	a.nslots = 4096;
	EXPECT(attach(fd, &a), -EINVAL, "4096 slots (more than 2048)");
	a = req(COS_IO_NET, comp, "cosabi0");
	a.ndata = 4;
	EXPECT(attach(fd, &a), -EINVAL, "data pages for a network device");
	a = req(COS_IO_NET, comp, "");
	EXPECT(attach(fd, &a), -EINVAL, "no interface name");
	a = req(COS_IO_NET, comp, "");
	memset(a.name, 'a', sizeof(a.name));
	EXPECT(attach(fd, &a), -ENAMETOOLONG, "a name without its NUL");
	a = req(COS_IO_NET, comp, "cosabi0");
	a.mac[0] = 1;
	EXPECT(attach(fd, &a), -EINVAL, "a multicast MAC");
	a = req(COS_IO_NET, 77, "cosabi0");
	EXPECT(attach(fd, &a), -ENOENT, "no such component");
	a = req(COS_IO_NET, comp, "cosnothere");
	EXPECT(attach(fd, &a), -ENODEV, "no such interface");
	a = req(COS_IO_NET, comp, "lo");
	EXPECT(attach(fd, &a), -EINVAL, "lo is not Ethernet");
	a = req(COS_IO_NET, comp, "cosabi0");
	EXPECT(attach(fd, &a), -ENETDOWN, "an interface that is down");
	a = req(COS_IO_BLK, comp, "/nonexistent/disk");
	EXPECT(attach(fd, &a), -ENOENT, "no such disk");
	a = req(COS_IO_BLK, comp, "/tmp");
	EXPECT(attach(fd, &a), -EISDIR, "a directory as a disk");

	/* Up: first who may attach, then root attaches; a second attachment
	 * finds it taken. */
	err = system("ip link set cosabi0 up");
	unpriv_tests();
	a = req(COS_IO_NET_VDEV, comp, "");
	i = attach(fd, &a);
	ids += !i;
	EXPECT(i, 0, "root creates a virtual interface");
	a = req(COS_IO_NET, comp, "cosabi0");
	err = err ? -EIO : attach(fd, &a);
	ids += !err;
	EXPECT(err, 0, "attach to cosabi0");
	a = req(COS_IO_NET, comp, "cosabi0");
	EXPECT(attach(fd, &a), -EBUSY, "cosabi0 a second time");

	/* Ids run out at COS_IO_MAX. */
	for (i = ids, err = 0; i < COS_IO_MAX && !err; i++) {
		a = req(COS_IO_BLK, comp, file);
		a.ndata = 2;
		err = attach(fd, &a);
	}
	tap_ok(!err && a.nblocks == 256, "%d attachments, a 1 MiB file has %llu blocks",
	       COS_IO_MAX, (unsigned long long)a.nblocks);
	a = req(COS_IO_BLK, comp, file);
	EXPECT(attach(fd, &a), -ENOSPC, "one attachment more than COS_IO_MAX");

	d.id = 99;
	EXPECT(ioc(fd, COS_IO_DETACH, &d), -ENOENT, "detach id 99");
	d.id = 0;
	EXPECT(ioc(fd, COS_IO_DETACH, &d), 0, "detach id 0");
	EXPECT(ioc(fd, COS_IO_DETACH, &d), -ENODEV, "detach id 0 again");

	close(fd);
	unlink(file);
	unlink(FILE_ALL);
	if (system("ip link del cosabi0"))
		tap_diag("cannot remove cosabi0");
	tap_ok(stat_of("systems") == 0 && stat_of("pages") == 0,
	       "nothing left allocated once the fd is closed");
	return tap_exit();
}
