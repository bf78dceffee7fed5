/* SPDX-License-Identifier: Apache-2.0 */
/*
 * egress-probe: the network side of the egress test, static so that it runs in a bare busybox
 * rootfs. Each attempt prints one line "NAME: RESULT MS": RESULT is "ok" or an errno name
 * (ECONNREFUSED, EPERM, ETIMEDOUT ...), MS the milliseconds it took, so the test can tell a
 * rejection (at once) from a timeout. The verdict belongs to the test: the probe exits 0.
 *
 *   egress-probe tcp ADDR PORT        connect and read the server's greeting
 *   egress-probe udp ADDR PORT        send a datagram and wait for its echo
 *   egress-probe nft-delete           ask nf_tables to delete table inet runwarden
 *   egress-probe route-add            ask rtnetlink for a route to 203.0.113.0/24
 *   egress-probe packet-socket        open an AF_PACKET socket (frames that skip netfilter's
 *                                     inet hooks)
 *   egress-probe raw-syn IFACE MAC SRC DST PORT
 *                                     send one TCP SYN as a raw Ethernet frame to MAC
 *   egress-probe serve ADDR PORT      a TCP greeter and UDP echo server on ADDR:PORT (forever)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define TIMEOUT_MS 3000

static const char *errname(int e)
{
        const char *name = strerrorname_np(e);

        return name ? name : "EUNKNOWN";
}

static long now_ms(void)
{
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void report(const char *name, int error, long start)
{
        printf("%s: %s %ld\n", name, error == 0 ? "ok" : errname(error), now_ms() - start);
        fflush(stdout);
}

static int parse_addr(const char *addr, const char *port, struct sockaddr_storage *ss,
                      socklen_t *len)
{
        struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

        memset(ss, 0, sizeof(*ss));
        if (inet_pton(AF_INET, addr, &in4->sin_addr) == 1) {
                in4->sin_family = AF_INET;
                in4->sin_port = htons((uint16_t)atoi(port));
                *len = sizeof(*in4);
                return 0;
        }
        if (inet_pton(AF_INET6, addr, &in6->sin6_addr) == 1) {
                in6->sin6_family = AF_INET6;
                in6->sin6_port = htons((uint16_t)atoi(port));
                *len = sizeof(*in6);
                return 0;
        }
        return -1;
}

/* Wait for `events` on fd; 0, or the socket error, or ETIMEDOUT. */
static int wait_for(int fd, short events)
{
        struct pollfd p = {.fd = fd, .events = events};
        int r = poll(&p, 1, TIMEOUT_MS);

        if (r < 0)
                return errno;
        if (r == 0)
                return ETIMEDOUT;
        return 0;
}

static int try_tcp(const struct sockaddr_storage *ss, socklen_t len)
{
        char buf[16];
        socklen_t elen = sizeof(int);
        int fd, e = 0;
        ssize_t n;

        fd = socket(ss->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return errno;
        if (connect(fd, (const struct sockaddr *)ss, len) < 0 && errno != EINPROGRESS) {
                e = errno;
                goto out;
        }
        e = wait_for(fd, POLLOUT);
        if (e == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &elen) < 0)
                e = errno;
        if (e != 0)
                goto out;
        e = wait_for(fd, POLLIN);
        if (e != 0)
                goto out;
        n = recv(fd, buf, sizeof(buf), 0);
        e = n > 0 ? 0 : n == 0 ? ECONNRESET : errno;
out:
        close(fd);
        return e;
}

static int try_udp(const struct sockaddr_storage *ss, socklen_t len)
{
        char buf[16];
        int fd, e = 0;
        ssize_t n;

        fd = socket(ss->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return errno;
        if (connect(fd, (const struct sockaddr *)ss, len) < 0 || send(fd, "ping", 4, 0) < 0) {
                e = errno;
                goto out;
        }
        e = wait_for(fd, POLLIN);
        if (e != 0)
                goto out;
        n = recv(fd, buf, sizeof(buf), 0);
        e = n > 0 ? 0 : errno;
out:
        close(fd);
        return e;
}

/* Send one netlink request and return the error its answer carries (0 for an ack). */
static int netlink_talk(int protocol, const void *msg, size_t len)
{
        struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
        char buf[8192];
        int fd, e = 0;
        ssize_t n;

        fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
        if (fd < 0)
                return errno;
        if (sendto(fd, msg, len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
                e = errno;
                goto out;
        }
        e = wait_for(fd, POLLIN);
        if (e != 0)
                goto out;
        n = recv(fd, buf, sizeof(buf), 0);
        if (n < 0) {
                e = errno;
                goto out;
        }
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
             h = NLMSG_NEXT(h, n))
                if (h->nlmsg_type == NLMSG_ERROR) {
                        e = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
                        break;
                }
out:
        close(fd);
        return e;
}

static size_t put_msg(char *buf, uint16_t type, uint16_t flags, uint32_t seq, uint8_t family,
                      uint16_t res_id)
{
        struct nlmsghdr *h = (struct nlmsghdr *)buf;
        struct nfgenmsg *g = NLMSG_DATA(h);

        h->nlmsg_len = NLMSG_LENGTH(sizeof(*g));
        h->nlmsg_type = type;
        h->nlmsg_flags = NLM_F_REQUEST | flags;
        h->nlmsg_seq = seq;
        g->nfgen_family = family;
        g->version = NFNETLINK_V0;
        g->res_id = htons(res_id);
        return h->nlmsg_len;
}

static int nft_delete(void)
{
        char buf[512] = {0};
        size_t off = 0;
        struct nlmsghdr *h;
        struct nlattr *a;

        off +=
            NLMSG_ALIGN(put_msg(buf, NFNL_MSG_BATCH_BEGIN, 0, 1, AF_UNSPEC, NFNL_SUBSYS_NFTABLES));
        h = (struct nlmsghdr *)(buf + off);
        put_msg(buf + off, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_DELTABLE, NLM_F_ACK, 2,
                NFPROTO_INET, 0);
        a = (struct nlattr *)(buf + off + NLMSG_ALIGN(h->nlmsg_len));
        a->nla_type = NFTA_TABLE_NAME;
        a->nla_len = NLA_HDRLEN + sizeof("runwarden");
        memcpy((char *)a + NLA_HDRLEN, "runwarden", sizeof("runwarden"));
        h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + NLA_ALIGN(a->nla_len);
        off += NLMSG_ALIGN(h->nlmsg_len);
        off += NLMSG_ALIGN(
            put_msg(buf + off, NFNL_MSG_BATCH_END, 0, 3, AF_UNSPEC, NFNL_SUBSYS_NFTABLES));
        return netlink_talk(NETLINK_NETFILTER, buf, off);
}

static int route_add(void)
{
        struct {
                struct nlmsghdr h;
                struct rtmsg rt;
                char attrs[64];
        } req = {0};
        struct rtattr *a;
        uint32_t dst = htonl(0xcb007100), oif = 1; /* 203.0.113.0 */

        req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.rt));
        req.h.nlmsg_type = RTM_NEWROUTE;
        req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
        req.rt.rtm_family = AF_INET;
        req.rt.rtm_dst_len = 24;
        req.rt.rtm_table = RT_TABLE_MAIN;
        req.rt.rtm_protocol = RTPROT_BOOT;
        req.rt.rtm_scope = RT_SCOPE_LINK;
        req.rt.rtm_type = RTN_UNICAST;
        a = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.h.nlmsg_len));
        a->rta_type = RTA_DST;
        a->rta_len = RTA_LENGTH(4);
        memcpy(RTA_DATA(a), &dst, 4);
        req.h.nlmsg_len = NLMSG_ALIGN(req.h.nlmsg_len) + RTA_ALIGN(a->rta_len);
        a = (struct rtattr *)((char *)&req + req.h.nlmsg_len);
        a->rta_type = RTA_OIF;
        a->rta_len = RTA_LENGTH(4);
        memcpy(RTA_DATA(a), &oif, 4);
        req.h.nlmsg_len += RTA_ALIGN(a->rta_len);
        return netlink_talk(NETLINK_ROUTE, &req, req.h.nlmsg_len);
}

static uint16_t checksum(const void *data, size_t len, uint32_t sum)
{
        const uint8_t *p = data;

        for (size_t i = 0; i + 1 < len; i += 2)
                sum += (uint32_t)(p[i] << 8 | p[i + 1]);
        if (len % 2)
                sum += (uint32_t)(p[len - 1] << 8);
        while (sum >> 16)
                sum = (sum & 0xffff) + (sum >> 16);
        return (uint16_t)~sum;
}

/* What a user-space network stack (gVisor's netstack) does: build the frame and hand it to the
 * device through a packet socket, below netfilter's inet hooks. */
static int raw_syn(const char *iface, const char *mac, const char *src, const char *dst,
                   const char *port)
{
        uint8_t frame[14 + 20 + 20] = {0}, *ip = frame + 14, *tcp = frame + 34, pseudo[12 + 20];
        struct sockaddr_ll ll = {.sll_family = AF_PACKET, .sll_halen = ETH_ALEN};
        unsigned m[6];
        uint32_t s, d;
        uint16_t c;
        int fd, e = 0;

        if (sscanf(mac, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4], &m[5]) != 6 ||
            inet_pton(AF_INET, src, &s) != 1 || inet_pton(AF_INET, dst, &d) != 1)
                return EINVAL;
        for (int i = 0; i < 6; i++)
                frame[i] = ll.sll_addr[i] = (uint8_t)m[i];
        frame[12] = 0x08; /* IPv4; the source MAC stays zero, the peer does not care */
        ip[0] = 0x45;
        ip[3] = 40;
        ip[8] = 64;
        ip[9] = IPPROTO_TCP;
        memcpy(ip + 12, &s, 4);
        memcpy(ip + 16, &d, 4);
        c = htons(checksum(ip, 20, 0));
        memcpy(ip + 10, &c, 2);
        tcp[0] = 0x9c; /* source port 40000 */
        tcp[1] = 0x40;
        tcp[2] = (uint8_t)(atoi(port) >> 8);
        tcp[3] = (uint8_t)atoi(port);
        tcp[7] = 1;
        tcp[12] = 5 << 4;
        tcp[13] = 0x02; /* SYN */
        tcp[14] = 0xfa;
        memcpy(pseudo, ip + 12, 8);
        pseudo[9] = IPPROTO_TCP;
        pseudo[11] = 20;
        memcpy(pseudo + 12, tcp, 20);
        c = htons(checksum(pseudo, sizeof(pseudo), 0));
        memcpy(tcp + 16, &c, 2);
        ll.sll_ifindex = (int)if_nametoindex(iface);
        if (ll.sll_ifindex == 0)
                return errno;
        fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return errno;
        if (sendto(fd, frame, sizeof(frame), 0, (struct sockaddr *)&ll, sizeof(ll)) < 0)
                e = errno;
        close(fd);
        return e;
}

static int serve(const struct sockaddr_storage *ss, socklen_t len)
{
        int one = 1, tcp, udp;

        signal(SIGCHLD, SIG_IGN);
        tcp = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
        udp = socket(ss->ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (tcp < 0 || udp < 0)
                return errno;
        setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        if (ss->ss_family == AF_INET6) {
                setsockopt(tcp, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
                setsockopt(udp, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
        }
        if (bind(tcp, (const struct sockaddr *)ss, len) < 0 || listen(tcp, 64) < 0 ||
            bind(udp, (const struct sockaddr *)ss, len) < 0)
                return errno;
        printf("serving\n");
        fflush(stdout);
        for (;;) {
                struct pollfd p[2] = {{.fd = tcp, .events = POLLIN}, {.fd = udp, .events = POLLIN}};

                if (poll(p, 2, -1) < 0 && errno != EINTR)
                        return errno;
                if (p[0].revents & POLLIN) {
                        int c = accept4(tcp, NULL, NULL, SOCK_CLOEXEC);

                        if (c >= 0) {
                                (void)!write(c, "hello\n", 6);
                                close(c);
                        }
                }
                if (p[1].revents & POLLIN) {
                        struct sockaddr_storage from;
                        socklen_t flen = sizeof(from);
                        char buf[64];
                        ssize_t n =
                            recvfrom(udp, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);

                        if (n > 0)
                                sendto(udp, buf, (size_t)n, 0, (struct sockaddr *)&from, flen);
                }
        }
}

int main(int argc, char **argv)
{
        struct sockaddr_storage ss;
        socklen_t len;
        char name[128];
        long start = now_ms();

        if (argc == 2 && strcmp(argv[1], "nft-delete") == 0) {
                int e = nft_delete();

                report("nft-delete", e, start);
                return 0;
        }
        if (argc == 2 && strcmp(argv[1], "route-add") == 0) {
                int e = route_add();

                report("route-add", e, start);
                return 0;
        }
        if (argc == 2 && strcmp(argv[1], "packet-socket") == 0) {
                int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));

                report("packet-socket", fd < 0 ? errno : 0, start);
                return 0;
        }
        if (argc == 7 && strcmp(argv[1], "raw-syn") == 0) {
                report("raw-syn", raw_syn(argv[2], argv[3], argv[4], argv[5], argv[6]), start);
                return 0;
        }
        if (argc != 4 || parse_addr(argv[2], argv[3], &ss, &len) < 0) {
                fprintf(stderr, "usage: egress-probe tcp|udp|serve ADDR PORT | nft-delete | "
                                "route-add\n");
                return 2;
        }
        snprintf(name, sizeof(name), "%s %s %s", argv[1], argv[2], argv[3]);
        if (strcmp(argv[1], "tcp") == 0)
                report(name, try_tcp(&ss, len), start);
        else if (strcmp(argv[1], "udp") == 0)
                report(name, try_udp(&ss, len), start);
        else if (strcmp(argv[1], "serve") == 0)
                return serve(&ss, len) == 0 ? 0 : 1;
        else
                return 2;
        return 0;
}
