/* gai.c - dnsharness-gai: resolve a name with the C library's stub
 * resolver (getaddrinfo, or res_query from libresolv) against one given
 * name server, for the client suites (scenarios/client/).
 *
 *   dnsharness-gai -s ADDR [-p PORT] [-t SECONDS] [-a ATTEMPTS] [-4|-6]
 *                  NAME                      getaddrinfo
 *   dnsharness-gai -s ADDR [-p PORT] ... -q TYPE NAME   res_query
 *
 * The name server is set through the resolver state (_res): res_init()
 * reads /etc/resolv.conf, then _res.nsaddr_list is replaced by ADDR:PORT
 * (PORT defaults to 53). glibc (2.26 and later) notices that the state
 * no longer matches the file and uses the application's servers for
 * getaddrinfo too, so no mount namespace and no root are needed. Names
 * are looked up as given (RES_DEFNAMES and RES_DNSRCH off: no search
 * list), and "hosts: files" in nsswitch.conf still applies, so use names
 * that are not in /etc/hosts.
 *
 * Output: one line per address ("A 192.0.2.1", "AAAA 2001:db8::1"), the
 * canonical name when it differs ("CNAME www.example."), or for -q the
 * answer's rcode and counts ("NOERROR an=1") and each answer record's
 * type; errors as "error: EAI_NONAME (Name or service not known)" or
 * "error: HOST_NOT_FOUND". Exit 0 on success, 1 when the name does not
 * exist (EAI_NONAME / HOST_NOT_FOUND), 2 for no data (EAI_NODATA /
 * NO_DATA), 3 for a temporary failure (EAI_AGAIN / TRY_AGAIN), 4 for
 * any other resolver error, 64 for bad usage.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define EXIT_NONAME 1
#define EXIT_NODATA 2
#define EXIT_AGAIN  3
#define EXIT_OTHER  4
#define EXIT_USAGE  64

typedef struct opts {
	const char *server;
	unsigned port;
	int timeout, attempts;
	int family;
	const char *qtype; /* res_query when set */
	const char *name;
} opts_t;

static int usage(void)
{
	fputs("usage: dnsharness-gai -s ADDR [-p PORT] [-t SECONDS] "
	      "[-a ATTEMPTS] [-4|-6] [-q TYPE] NAME\n",
	      stderr);
	return EXIT_USAGE;
}

static int parse(int argc, char **argv, opts_t *o)
{
	int c;
	*o = (opts_t){NULL, 53, 2, 2, AF_UNSPEC, NULL, NULL};
	while ((c = getopt(argc, argv, "s:p:t:a:46q:")) != -1) {
		switch (c) {
		case 's':
			o->server = optarg;
			break;
		case 'p':
			o->port = (unsigned)strtoul(optarg, NULL, 10);
			break;
		case 't':
			o->timeout = atoi(optarg);
			break;
		case 'a':
			o->attempts = atoi(optarg);
			break;
		case '4':
			o->family = AF_INET;
			break;
		case '6':
			o->family = AF_INET6;
			break;
		case 'q':
			o->qtype = optarg;
			break;
		default:
			return usage();
		}
	}
	if (optind != argc - 1 || o->server == NULL || o->port == 0 ||
	    o->port > 65535 || o->timeout < 1 || o->attempts < 1)
		return usage();
	o->name = argv[optind];
	return 0;
}

/* Point the resolver state at the one server of o. */
static int use_server(const opts_t *o)
{
	struct sockaddr_in sin = {0};
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)o->port);
	if (inet_pton(AF_INET, o->server, &sin.sin_addr) != 1) {
		fprintf(stderr, "dnsharness-gai: not an IPv4 address: %s\n",
			o->server);
		return EXIT_USAGE;
	}
	if (res_init() != 0) {
		fputs("dnsharness-gai: res_init failed\n", stderr);
		return EXIT_OTHER;
	}
	_res.nscount = 1;
	_res.nsaddr_list[0] = sin;
	_res.retrans = o->timeout;
	_res.retry = o->attempts;
	_res.options &= ~(unsigned long)(RES_DEFNAMES | RES_DNSRCH);
	_res.ndots = 1;
	return 0;
}

static int gai_exit(int rc)
{
	printf("error: %s (%s)\n",
	       rc == EAI_NONAME	  ? "EAI_NONAME"
	       : rc == EAI_NODATA ? "EAI_NODATA"
	       : rc == EAI_AGAIN  ? "EAI_AGAIN"
	       : rc == EAI_FAIL	  ? "EAI_FAIL"
	       : rc == EAI_SYSTEM ? "EAI_SYSTEM"
				  : "EAI_OTHER",
	       gai_strerror(rc));
	return rc == EAI_NONAME	  ? EXIT_NONAME
	       : rc == EAI_NODATA ? EXIT_NODATA
	       : rc == EAI_AGAIN  ? EXIT_AGAIN
				  : EXIT_OTHER;
}

/* Equal but for case and a final dot? */
static bool same_name(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	na -= na > 1 && a[na - 1] == '.';
	nb -= nb > 1 && b[nb - 1] == '.';
	return na == nb && strncasecmp(a, b, na) == 0;
}

static int run_gai(const opts_t *o)
{
	struct addrinfo hints = {0}, *res = NULL;
	hints.ai_family = o->family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_CANONNAME;
	int rc = getaddrinfo(o->name, NULL, &hints, &res);
	if (rc != 0)
		return gai_exit(rc);
	if (res->ai_canonname != NULL && !same_name(res->ai_canonname, o->name))
		printf("CNAME %s\n", res->ai_canonname);
	for (const struct addrinfo *a = res; a != NULL; a = a->ai_next) {
		char text[INET6_ADDRSTRLEN];
		const void *p =
		    a->ai_family == AF_INET
			? (const void *)&((struct sockaddr_in *)a->ai_addr)
			      ->sin_addr
			: (const void *)&((struct sockaddr_in6 *)a->ai_addr)
			      ->sin6_addr;
		inet_ntop(a->ai_family, p, text, sizeof(text));
		printf("%s %s\n", a->ai_family == AF_INET ? "A" : "AAAA", text);
	}
	freeaddrinfo(res);
	return 0;
}

static int qtype_of(const char *s)
{
	static const struct {
		const char *name;
		int type;
	} t[] = {{"A", ns_t_a},	    {"NS", ns_t_ns},	 {"CNAME", ns_t_cname},
		 {"SOA", ns_t_soa}, {"PTR", ns_t_ptr},	 {"MX", ns_t_mx},
		 {"TXT", ns_t_txt}, {"AAAA", ns_t_aaaa}, {"SRV", ns_t_srv}};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcasecmp(s, t[i].name) == 0)
			return t[i].type;
	return atoi(s);
}

static int herr_exit(void)
{
	int e = h_errno;
	printf("error: %s\n", e == HOST_NOT_FOUND ? "HOST_NOT_FOUND"
			      : e == NO_DATA	  ? "NO_DATA"
			      : e == TRY_AGAIN	  ? "TRY_AGAIN"
			      : e == NO_RECOVERY  ? "NO_RECOVERY"
						  : "OTHER");
	return e == HOST_NOT_FOUND ? EXIT_NONAME
	       : e == NO_DATA	   ? EXIT_NODATA
	       : e == TRY_AGAIN	   ? EXIT_AGAIN
				   : EXIT_OTHER;
}

static int run_query(const opts_t *o)
{
	unsigned char ans[NS_MAXMSG];
	int type = qtype_of(o->qtype);
	if (type <= 0 || type > 65535)
		return usage();
	int n = res_query(o->name, ns_c_in, type, ans, sizeof(ans));
	if (n < 0)
		return herr_exit();
	ns_msg msg;
	if (ns_initparse(ans, n, &msg) != 0) {
		puts("error: answer does not parse");
		return EXIT_OTHER;
	}
	int rcode = ns_msg_getflag(msg, ns_f_rcode);
	printf("%s an=%d\n", rcode == 0 ? "NOERROR" : "RCODE",
	       ns_msg_count(msg, ns_s_an));
	for (int i = 0; i < ns_msg_count(msg, ns_s_an); i++) {
		ns_rr rr;
		if (ns_parserr(&msg, ns_s_an, i, &rr) != 0) {
			puts("error: answer record does not parse");
			return EXIT_OTHER;
		}
		printf("%s %s\n", ns_rr_name(rr),
		       ns_rr_type(rr) == ns_t_a	      ? "A"
		       : ns_rr_type(rr) == ns_t_cname ? "CNAME"
		       : ns_rr_type(rr) == ns_t_aaaa  ? "AAAA"
						      : "OTHER");
	}
	return 0;
}

int main(int argc, char **argv)
{
	opts_t o;
	int rc = parse(argc, argv, &o);
	if (rc == 0)
		rc = use_server(&o);
	if (rc != 0)
		return rc;
	rc = o.qtype != NULL ? run_query(&o) : run_gai(&o);
	fflush(stdout);
	return rc;
}
