// SPDX-License-Identifier: GPL-2.0
/*
 * cos_io_abi - COS_IO_ATTACH and COS_IO_DETACH answer bad input with exact
 * errnos and leak nothing (docs/io.md). Needs root and iproute2: it makes
 * a veth pair cosabi0/cosabi1 (left down) and removes it again.
 */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include "harness.h"

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

int main(void)
{
	const char *file = "/tmp/cos_io_abi.img";
	struct cos_io_attach a;
	struct cos_io_detach d = { 0 };
	int fd, comp, i, err, ids = 0;

	tap_plan(25);
	if (system("ip link add cosabi0 type veth peer name cosabi1"))
		tap_diag("cannot make the veth pair: the down/busy tests will fail");
	fd = must_open();
	comp = cos_comp_create(fd, 2, NULL);
	tap_ok(comp >= 0, "a component to attach to (%d)", comp);
	i = open(file, O_CREAT | O_TRUNC | O_RDWR, 0600);
	tap_ok(i >= 0 && !ftruncate(i, 1 << 20), "a 1 MiB file for the block tests");
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

	/* Up, attached once; a second attachment finds it taken. */
	err = system("ip link set cosabi0 up");
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
	if (system("ip link del cosabi0"))
		tap_diag("cannot remove cosabi0");
	tap_ok(stat_of("systems") == 0 && stat_of("pages") == 0,
	       "nothing left allocated once the fd is closed");
	return tap_exit();
}
