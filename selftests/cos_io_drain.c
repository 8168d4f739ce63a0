// SPDX-License-Identifier: GPL-2.0
/*
 * cos_io_drain - a producer that never stops cannot hold the kernel's
 * drain of its ring (docs/io.md, "Kicks"). The ioflood component keeps
 * its tx ring full (components/systems/ioflood-*.sys, no scheduler: on a
 * network device one host thread produces and another kicks, since a
 * kick drains there; on a disk one thread kicks once and the worker
 * keeps going). The device is then taken away, while the producer is
 * still going, and that must finish within a second:
 *   net   ip link del (RTM_DELLINK) of the veth end it is attached to
 *         (rtnl is held meanwhile: a drain that never ends would stall
 *         the host's network)
 *   vnet  COS_IO_DETACH of the module's own interface
 *   disk  COS_IO_DETACH of a file (the block worker)
 * Each run stops cleanly: the producer sees detached, the kicker
 * -ENODEV, and nothing is left once the fd is closed. Traffic stays in
 * the guest: a veth pair cosdr0 / cosdr1, the latter in the namespace
 * cosdr-peer. A run that is not stopped ends by its budget (BUDGET_NS),
 * so a kernel without the bound shows up as a slow detach, not a hang.
 */
#include <pthread.h>
#include <time.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include "sysdesc.h"
#include "harness.h"

/* the largest rings: a drain must fall far behind to catch up */
#define NSLOTS_NET	2048
#define NSLOTS_BLK	128
#define BUDGET_NS	6000000000ull	/* a run's wall time at most */
#define MAX_S		1.0		/* the detach's */
#define DISK		"/tmp/cos_io_drain.img"
#define NS		"cosdr-peer"

struct runner {
	int fd;
	unsigned int thd;
	int err;
	struct cos_run run;
};

static struct cos_sysdesc sd;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One thread of the system, on this host thread, to its end. */
static void *runner(void *arg)
{
	struct runner *r = arg;

	do {
		memset(&r->run, 0, sizeof(r->run));
		r->run.thd = r->thd;
		r->run.budget_ns = BUDGET_NS;
		r->err = cos_run(r->fd, &r->run) ? -errno : 0;
	} while (!r->err && (r->run.exit_reason == COS_EXIT_PRINT ||
			     r->run.exit_reason == COS_EXIT_SIGNAL));
	return NULL;
}

/* debugfs cos/io: FIELD of the first attachment, -1 if none. */
static long long io_field(const char *field)
{
	FILE *f = fopen("/sys/kernel/debug/cos/io", "r");
	char word[64];
	long long v = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s", word) == 1)
		if (!strcmp(word, field)) {
			if (fscanf(f, "%lld", &v) != 1)
				v = -1;
			break;
		}
	fclose(f);
	return v;
}

static int io_empty(void)
{
	struct stat st;

	return !stat("/sys/kernel/debug/cos/io", &st) && io_field("io") < 0;
}

/*
 * Load @sys with the device @dev (@blk: a disk; @vdev: a new interface),
 * start its threads (at most 2), wait until the kernel has drained several rings:
 * the fd, or -1.
 */
static int start(const char *sys, int blk, int vdev, const char *dev,
		 struct runner r[2], pthread_t t[2])
{
	char err[512] = "";
	long long tx = -1;
	unsigned int nslots;
	double end;
	int fd, i;

	cos_sd_free(&sd);
	memset(&sd, 0, sizeof(sd));
	if (cos_sd_parse(sys, &sd, err, sizeof(err)) ||
	    cos_sd_set_io(&sd, blk, dev, vdev, NULL)) {
		tap_diag("%s: %s", sys, err);
		return -1;
	}
	nslots = blk ? NSLOTS_BLK : NSLOTS_NET;
	sd.ios[0].nslots = nslots;
	fd = must_open();
	if (cos_sd_load(fd, &sd, err, sizeof(err))) {
		tap_diag("%s", err);
		close(fd);
		return -1;
	}
	for (i = 0; i < sd.nthreads; i++) {
		r[i] = (struct runner){ .fd = fd, .thd = sd.thread_ids[i] };
		pthread_create(&t[i], NULL, runner, &r[i]);
	}
	for (end = now() + 3; now() < end; usleep(10000)) {
		tx = io_field("tx") + io_field("tx_errors");
		if (tx >= 4 * nslots)
			break;
	}
	tap_diag("%s: %lld requests or frames taken from the ring so far", dev, tx);
	return fd;
}

/* Join the threads; one TAP line: each stopped by the detach. */
static void finish(int fd, struct runner r[2], pthread_t t[2], const char *what)
{
	int i, ok = 1;

	for (i = 0; i < sd.nthreads; i++) {
		pthread_join(t[i], NULL);
		if (r[i].err || r[i].run.exit_reason != COS_EXIT_EXIT ||
		    r[i].run.exit.status != 0) {
			tap_diag("%s: err %d exit %s status %llu", i ? "kick_main" : "flood_main",
				 r[i].err, cos_exit_name(r[i].run.exit_reason),
				 (unsigned long long)r[i].run.exit.status);
			ok = 0;
		}
	}
	tap_ok(ok, "%s: %s", what, sd.nthreads > 1 ? "the producer saw detached, the kicker -ENODEV" :
	       "the producer saw detached");
	close(fd);
	tap_ok(stat_of("systems") == 0 && stat_of("pages") == 0 && io_empty(),
	       "%s: no system, page or attachment left", what);
}

/* What `ip link del NAME` does, without the fork and exec: 0 or -errno. */
static int link_del(const char *name)
{
	struct {
		struct nlmsghdr n;
		struct ifinfomsg i;
	} req = {
		.n = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_DELLINK,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK },
		.i = { .ifi_family = AF_UNSPEC, .ifi_index = (int)if_nametoindex(name) },
	};
	char buf[1024];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	int fd, err = -EIO;

	if (!req.i.ifi_index)
		return -ENODEV;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (send(fd, &req, sizeof(req), 0) < 0)
		err = -errno;
	else if (recv(fd, buf, sizeof(buf), 0) >= (ssize_t)NLMSG_SPACE(sizeof(struct nlmsgerr)) &&
		 h->nlmsg_type == NLMSG_ERROR)
		err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
	close(fd);
	return err;
}

static void net_del(void)
{
	struct runner r[2];
	pthread_t t[2];
	double t0, dt;
	int fd, rc, err;

	/* how long a deletion takes here without the flood */
	rc = system("ip link add cosdr0 type veth peer name cosdr1 && ip link set cosdr0 up");
	t0 = now();
	err = rc ? -EIO : link_del("cosdr0");
	tap_diag("deleting an idle veth pair takes %.3f s here (%s)", now() - t0,
		 err ? strerror(-err) : "ok");
	rc = system("ip netns add " NS " && "
		    "ip link add cosdr0 type veth peer name cosdr1 netns " NS " && "
		    "ip link set cosdr0 up && ip -n " NS " link set cosdr1 up");
	fd = rc ? -1 : start("components/systems/ioflood-net.sys", 0, 0, "cosdr0", r, t);
	if (fd < 0) {
		tap_ok(0, "net: the flood on cosdr0 started");
		tap_skip("net: threads", "not started");
		tap_skip("net: nothing left", "not started");
		system("ip link del cosdr0 2>/dev/null; ip netns del " NS " 2>/dev/null");
		return;
	}
	t0 = now();
	err = link_del("cosdr0");
	dt = now() - t0;
	tap_ok(!err && dt < MAX_S, "net: ip link del while the producer runs: %s in %.3f s (want < %.1f s)",
	       err ? strerror(-err) : "ok", dt, MAX_S);
	finish(fd, r, t, "net");
	system("ip netns del " NS);
}

/* COS_IO_DETACH from this thread while the two run. */
static void detach(const char *sys, int blk, int vdev, const char *dev,
		   const char *what)
{
	struct runner r[2];
	pthread_t t[2];
	double t0, dt;
	int fd, err;

	fd = start(sys, blk, vdev, dev, r, t);
	if (fd < 0) {
		tap_ok(0, "%s: the flood on %s started", what, dev);
		tap_skip("threads", "not started");
		tap_skip("nothing left", "not started");
		return;
	}
	t0 = now();
	err = cos_io_detach(fd, 0);
	dt = now() - t0;
	tap_ok(!err && dt < MAX_S, "%s: COS_IO_DETACH while the producer runs: %s in %.3f s (want < %.1f s)",
	       what, err ? strerror(-err) : "ok", dt, MAX_S);
	finish(fd, r, t, what);
}

int main(void)
{
	int fd;

	tap_plan(9);
	if (system("mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug") ||
	    system("modprobe veth"))
		tap_diag("no debugfs or no veth: the tests will fail");
	net_del();
	detach("components/systems/ioflood-net.sys", 0, 1, "cosdrv0", "vnet");
	fd = open(DISK, O_CREAT | O_TRUNC | O_RDWR, 0600);
	if (fd < 0 || ftruncate(fd, 1 << 20))
		tap_diag("cannot make %s: %s", DISK, strerror(errno));
	if (fd >= 0)
		close(fd);
	detach("components/systems/ioflood-disk.sys", 1, 0, DISK, "disk");
	unlink(DISK);
	cos_sd_free(&sd);
	return tap_exit();
}
