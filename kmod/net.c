// SPDX-License-Identifier: GPL-2.0
/*
 * net.c - packets between a component's rings and a Linux net_device.
 *
 * COS_IO_NET attaches to an existing device of any driver through an rx
 * handler: frames for the component system's MAC are copied into the rx
 * ring and consumed; broadcasts and multicasts (ARP, say) are copied and
 * left to Linux as well; everything else stays with Linux untouched. The
 * MAC is added to the device's unicast filter (promiscuous mode where the
 * driver has none). COS_IO_NET_VDEV creates the module's own Ethernet
 * device instead: what Linux sends on it goes to the rx ring, what the
 * component sends arrives on it.
 *
 * Transmit: the component's kick (COS_OP_IO_KICK, once per batch) drains
 * the tx ring into dev_queue_xmit() (or netif_rx() on the virtual device)
 * from the run loop's slow path: Linux context, process context, never
 * the invocation fast path, and no worker to wake. At most one ring's
 * worth per call: should the component publish more meanwhile (from
 * another thread), the worker (cos_io_wq) takes the rest, a ring's worth
 * per run, so nothing waits for a producer that never stops.
 */
#include <linux/netdevice.h>
#include <linux/if_arp.h>
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <linux/skbuff.h>
#include <linux/nsproxy.h>
#include <linux/nospec.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/net_namespace.h>
#include "io.h"
#include "kcompat.h"

static struct cos_io_frame *cos_net_frame(struct cos_io *io, unsigned long off,
					  u32 idx)
{
	return cos_io_slot(io, off + (idx & (io->nslots - 1)) * COS_IO_FRAME_SIZE);
}

/*
 * Copy a frame into the rx ring: @hlen bytes before skb->data (the MAC
 * header, linear), then the skb's data, with @flags (COS_IO_FRAME_*). BH
 * context (rx handler, xmit).
 */
static void cos_net_rx_push(struct cos_io *io, struct sk_buff *skb,
			    unsigned int hlen, u32 flags)
{
	unsigned int len = hlen + skb->len;
	struct cos_io_frame *f;
	u32 head;

	if (unlikely(len > COS_IO_FRAME_MAX || len < ETH_HLEN)) {
		atomic64_inc(&io->rx_errors);
		return;
	}
	spin_lock(&io->rx_lock);
	head = io->rx_head;
	/* a garbage tail from the component only looks like a full ring */
	if (unlikely(head - smp_load_acquire(&io->ctl->rx.tail) >= io->nslots)) {
		spin_unlock(&io->rx_lock);
		atomic64_inc(&io->rx_drops);
		return;
	}
	f = cos_net_frame(io, io->rx_off, head);
	memcpy(f->data, skb->data - hlen, hlen);
	if (unlikely(skb_copy_bits(skb, 0, f->data + hlen, skb->len))) {
		spin_unlock(&io->rx_lock);
		atomic64_inc(&io->rx_errors);
		return;
	}
	WRITE_ONCE(f->len, len);
	WRITE_ONCE(f->flags, flags);
	io->rx_head = head + 1;
	smp_store_release(&io->ctl->rx.head, head + 1);
	spin_unlock(&io->rx_lock);
	atomic64_inc(&io->rx);
	cos_io_event(io);
}

/* The TCP/UDP checksum is good or the data is as this machine sent it. */
static u32 cos_net_csum_flags(const struct sk_buff *skb)
{
	return skb->ip_summed == CHECKSUM_UNNECESSARY ||
	       skb->ip_summed == CHECKSUM_PARTIAL ? COS_IO_FRAME_CSUM_OK : 0;
}

/*
 * A component gets whole Ethernet frames, as a wire carries them: what
 * the stack hands a device or GRO merged (a veth peer's TSO, a NIC's GRO)
 * is cut into frames in software here, checksums left partial (offloaded
 * as to a device that does them), and the frames say so
 * (COS_IO_FRAME_CSUM_OK). BH context; @skb stays the caller's. Failures
 * count as rx_errors.
 */
static void cos_net_rx_whole(struct cos_io *io, struct sk_buff *skb,
			     unsigned int hlen)
{
	struct sk_buff *segs, *seg, *next;

	if (likely(!skb_is_gso(skb))) {
		cos_net_rx_push(io, skb, hlen, cos_net_csum_flags(skb));
		return;
	}
	/* skb_gso_segment wants the data at the MAC header, as on transmit */
	__skb_push(skb, hlen);
	segs = skb_gso_segment(skb, NETIF_F_HW_CSUM);
	__skb_pull(skb, hlen);
	if (IS_ERR_OR_NULL(segs)) {
		atomic64_inc(&io->rx_errors);
		return;
	}
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		cos_net_rx_push(io, seg, 0, cos_net_csum_flags(seg));
		consume_skb(seg);
	}
}

static rx_handler_result_t cos_net_rx_handler(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct cos_io *io = rcu_dereference(skb->dev->rx_handler_data);
	const struct ethhdr *eth = eth_hdr(skb);
	bool mine;

	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;
	mine = ether_addr_equal(eth->h_dest, io->mac);
	if (!mine && !is_multicast_ether_addr(eth->h_dest))
		return RX_HANDLER_PASS;		/* Linux's */
	if (!mine) {			/* broadcasts: both; Linux's untouched */
		cos_net_rx_push(io, skb, skb->data - skb_mac_header(skb), 0);
		return RX_HANDLER_PASS;
	}
	cos_net_rx_whole(io, skb, skb->data - skb_mac_header(skb));
	consume_skb(skb);
	return RX_HANDLER_CONSUMED;
}

/* ---- the module's own device ------------------------------------------------ */

static netdev_tx_t cos_vdev_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct cos_io *io = *(struct cos_io **)netdev_priv(dev);

	dev_sw_netstats_tx_add(dev, 1, skb->len);
	cos_net_rx_whole(io, skb, 0);
	consume_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops cos_vdev_ops = {
	.ndo_start_xmit = cos_vdev_xmit,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
	.ndo_get_stats64 = dev_get_tstats64,
};

static void cos_vdev_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &cos_vdev_ops;
	dev->priv_flags |= IFF_NO_QUEUE;
	cos_netdev_set_lltx(dev);
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = COS_IO_FRAME_MAX - ETH_HLEN;
	eth_hw_addr_random(dev);
}

static struct net_device *cos_vdev_create(struct cos_io *io, const char *name)
{
	struct net_device *dev;
	int err;

	dev = alloc_netdev(sizeof(io), name[0] ? name : "cos%d", NET_NAME_USER,
			   cos_vdev_setup);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	*(struct cos_io **)netdev_priv(dev) = io;
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats) {
		free_netdev(dev);
		return ERR_PTR(-ENOMEM);
	}
	dev_net_set(dev, current->nsproxy->net_ns);
	err = register_netdev(dev);
	if (err) {
		free_percpu(dev->tstats);
		free_netdev(dev);
		return ERR_PTR(err);
	}
	return dev;
}

static void cos_vdev_free(struct net_device *dev)
{
	free_percpu(dev->tstats);
	free_netdev(dev);
}

/* ---- attach and detach ------------------------------------------------------ */

static int cos_net_attach_dev(struct cos_io *io, const char *name)
{
	struct net_device *dev;
	int err;

	dev = dev_get_by_name(current->nsproxy->net_ns, name);
	if (!dev)
		return -ENODEV;
	rtnl_lock();
	err = -EINVAL;
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN)
		goto out;
	err = -ENETDOWN;
	if (!(dev->flags & IFF_UP))
		goto out;
	err = netdev_rx_handler_register(dev, cos_net_rx_handler, io);
	if (err)
		goto out;		/* EBUSY: a bridge, a bond, or us */
	err = dev_uc_add(dev, io->mac);
	if (err) {
		netdev_rx_handler_unregister(dev);
		goto out;
	}
	io->dev = dev;		/* keeps dev_get_by_name's reference */
out:
	rtnl_unlock();
	if (err)
		dev_put(dev);
	return err;
}

int cos_net_start(struct cos_io *io, const char *name, bool vdev)
{
	int err = 0;

	if (is_zero_ether_addr(io->mac))
		eth_random_addr(io->mac);
	if (!is_valid_ether_addr(io->mac))
		return -EINVAL;
	memcpy(io->ctl->mac, io->mac, ETH_ALEN);
	io->vdev = vdev;
	if (vdev) {
		struct net_device *dev = cos_vdev_create(io, name);

		if (IS_ERR(dev))
			return PTR_ERR(dev);
		io->dev = dev;
	} else {
		err = cos_net_attach_dev(io, name);
	}
	if (err)
		return err;
	strscpy(io->ifname, io->dev->name, sizeof(io->ifname));
	io->ifindex = io->dev->ifindex;
	return 0;
}

/* Let go of the device (rtnl held); the worker is stopped already. */
static struct net_device *cos_net_release(struct cos_io *io)
{
	struct net_device *dev = io->dev;

	ASSERT_RTNL();
	if (!dev)
		return NULL;
	io->dev = NULL;
	if (io->vdev) {
		unregister_netdevice(dev);	/* waits out its xmit */
	} else {
		netdev_rx_handler_unregister(dev);	/* and synchronize_net */
		dev_uc_del(dev, io->mac);
	}
	return dev;
}

/* Detach or teardown (io->stop_lock held, kicks stopped). */
void cos_net_stop(struct cos_io *io)
{
	struct net_device *dev;

	rtnl_lock();
	dev = cos_net_release(io);
	rtnl_unlock();
	if (!dev)
		return;		/* unregistered under us already */
	if (io->vdev)
		cos_vdev_free(dev);
	else
		dev_put(dev);
}

/* A device we are attached to goes away (rtnl held): detach now. */
static int cos_net_notify(struct notifier_block *nb, unsigned long event,
			  void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct cos_io *io;

	if (event != NETDEV_UNREGISTER ||
	    rcu_access_pointer(dev->rx_handler) != cos_net_rx_handler)
		return NOTIFY_DONE;
	io = rtnl_dereference(dev->rx_handler_data);
	cos_io_stop_kicks(io);
	if (cos_net_release(io))
		dev_put(dev);
	WRITE_ONCE(io->ctl->detached, 1);
	cos_io_event(io);
	return NOTIFY_OK;
}

static struct notifier_block cos_net_notifier = {
	.notifier_call = cos_net_notify,
};

/* ---- transmit ----------------------------------------------------------- */

/*
 * COS_IO_FRAME_CSUM_TCP: the TCP checksum of @skb (an Ethernet frame at
 * skb->data) left to the device, as Linux's stack leaves it: the pseudo
 * header's sum in the field, CHECKSUM_PARTIAL (validate_xmit_skb computes
 * it for a device that cannot). Nothing but IPv4 TCP with consistent
 * lengths is touched.
 */
static void cos_net_tx_csum(struct sk_buff *skb)
{
	const struct iphdr *iph;
	struct tcphdr *th;
	unsigned int ihl, tot;

	if (skb->len < ETH_HLEN + sizeof(*iph) + sizeof(*th) ||
	    eth_hdr(skb)->h_proto != htons(ETH_P_IP))
		return;
	iph = (const struct iphdr *)(skb->data + ETH_HLEN);
	ihl = iph->ihl * 4;
	tot = ntohs(iph->tot_len);
	if (iph->version != 4 || iph->protocol != IPPROTO_TCP || ihl < sizeof(*iph) ||
	    tot < ihl + sizeof(*th) || ETH_HLEN + tot > skb->len ||
	    (iph->frag_off & htons(IP_MF | IP_OFFSET)))
		return;
	th = (struct tcphdr *)(skb->data + ETH_HLEN + ihl);
	if (!skb_partial_csum_set(skb, ETH_HLEN + ihl, offsetof(struct tcphdr, check)))
		return;
	th->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr, tot - ihl, IPPROTO_TCP, 0);
}

static void cos_net_xmit_one(struct cos_io *io, struct net_device *dev,
			     const struct cos_io_frame *f)
{
	u32 len = READ_ONCE(f->len);
	struct sk_buff *skb;

	if (unlikely(len < ETH_HLEN || len > COS_IO_FRAME_MAX ||
		     len - ETH_HLEN > dev->mtu))
		goto err;
	len = array_index_nospec(len, COS_IO_FRAME_MAX + 1);	/* Spectre v1 */
	skb = __netdev_alloc_skb_ip_align(dev, len, GFP_KERNEL);
	if (unlikely(!skb))
		goto err;
	skb_put_data(skb, f->data, len);
	skb_reset_mac_header(skb);
	if (READ_ONCE(f->flags) & COS_IO_FRAME_CSUM_TCP)
		cos_net_tx_csum(skb);
	if (io->vdev) {
		skb->protocol = eth_type_trans(skb, dev);
		dev_sw_netstats_rx_add(dev, len);
		netif_rx(skb);
	} else {
		/* as a packet socket's frame: the taps (tcpdump, AF_PACKET)
		 * look for the network header after the MAC header */
		skb_set_network_header(skb, ETH_HLEN);
		skb->protocol = eth_hdr(skb)->h_proto;
		skb->dev = dev;
		if (dev_queue_xmit(skb) != NET_XMIT_SUCCESS)
			goto err;
	}
	atomic64_inc(&io->tx);
	return;
err:
	atomic64_inc(&io->tx_errors);
}

/*
 * Send at most one ring's worth of tx (io->tx_lock held): the frames
 * published when it starts, no more than nslots, and none once io->stopped
 * is set. Then the kick protocol (cos_io_ctl.kicked): clear kicked, look
 * at head once more, and if more came, take kicked back. True if that
 * made the rest ours: the caller queues the worker (cos_net_work) for it.
 * So a producer that never stops (a second thread of the component on
 * another CPU) cannot keep one call going, and stop (which sets stopped,
 * then takes tx_lock) waits for one frame at most.
 */
bool cos_net_tx(struct cos_io *io)
{
	struct cos_io_ctl *c = io->ctl;
	struct net_device *dev = READ_ONCE(io->dev);
	u32 tail = io->tx_tail, head;

	if (!dev || READ_ONCE(io->stopped))
		return false;
	head = smp_load_acquire(&c->tx.head);
	if (unlikely(head - tail > io->nslots)) {
		atomic64_inc(&io->tx_errors);	/* a garbage index */
		WRITE_ONCE(c->kicked, 0);	/* its next kick retries */
		return false;
	}
	while (tail != head && !READ_ONCE(io->stopped)) {	/* <= nslots */
		cos_net_xmit_one(io, dev, cos_net_frame(io, io->tx_off, tail));
		io->tx_tail = ++tail;
		smp_store_release(&c->tx.tail, tail);
		if (!(tail & 63))
			cond_resched();
	}
	return cos_io_drain_more(io, tail);
}

/* The rest of a drain the kick left (cos_io_wq): one batch a run. */
void cos_net_work(struct work_struct *w)
{
	struct cos_io *io = container_of(w, struct cos_io, work);
	bool more;

	mutex_lock(&io->tx_lock);
	more = cos_net_tx(io);
	mutex_unlock(&io->tx_lock);
	if (more)
		cos_io_queue(io);
}

int cos_net_init(void)
{
	return register_netdevice_notifier(&cos_net_notifier);
}

void cos_net_exit(void)
{
	unregister_netdevice_notifier(&cos_net_notifier);
}
