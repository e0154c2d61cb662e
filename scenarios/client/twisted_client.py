"""twisted_client.py SERVER PORT NAME [TYPE] - resolve NAME with the
Twisted Names client (twisted.names.client, Debian python3-twisted)
against one name server, for the client suites. Prints one line per
answer record ("www.example. A 192.0.2.80", "alias.example. CNAME
www.example" - Twisted's names have no final dot -, other types as
Twisted prints them) or "error: CLASS" (DNSNameError for NXDOMAIN,
DNSServerError for SERVFAIL, TimeoutError, ...), and exits 0 on an
answer, 1 on an error. Queries go over UDP with a 2 s timeout, and over
TCP when the answer is truncated (Twisted does that itself)."""
import sys

from twisted.internet import defer, task
from twisted.names import client, dns


def show(result):
    answers = result[0]
    for rr in answers:
        p = rr.payload
        data = (p.dottedQuad() if rr.type == dns.A
                else p.name if hasattr(p, "name") else p)
        print("%s. %s %s" % (rr.name, dns.QUERY_TYPES.get(rr.type, rr.type),
                             data))
    return 0


def fail(failure):
    print("error: %s" % failure.type.__name__)
    return 1


@defer.inlineCallbacks
def main(reactor, server, port, name, qtype="A"):
    resolver = client.Resolver(servers=[(server, int(port))], timeout=(2,))
    code = getattr(dns, qtype.upper())
    query = dns.Query(name, code, dns.IN)
    rc = yield resolver.query(query).addCallbacks(show, fail)
    sys.stdout.flush()
    if rc:
        raise SystemExit(rc)


if __name__ == "__main__":
    task.react(main, sys.argv[1:])
