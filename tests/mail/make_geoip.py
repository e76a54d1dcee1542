#!/usr/bin/env python3
"""Writes a small GeoIP country database in the legacy binary format that
Debian's geoip-database package ships (GeoIP.dat, GeoIPv6.dat), for tests
that need addresses of their own (127.0.0.x) to belong to a country.

Usage: make_geoip.py OUT.dat CIDR=CC [CIDR=CC ...]
All CIDRs are IPv4 (GeoIP.dat) or all IPv6 (GeoIPv6.dat); every address not
listed has no country ("--"). The format: a binary tree of nodes, each two
3-byte little-endian records (bit 0, bit 1); a record of 16776960 or more
is a leaf whose country is that much into libGeoIP's table; then the
structure info, three 0xFF bytes and the database type (1: IPv4 country,
12: IPv6 country)."""
import ipaddress
import sys

COUNTRY_BEGIN = 16776960
# The start of libGeoIP's table (GeoIP_country_code); enough for tests.
CODES = ["--", "AP", "EU", "AD", "AE", "AF", "AG", "AI", "AL", "AM", "CW", "AO", "AQ", "AR", "AS", "AT", "AU",
         "AW", "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BM", "BN", "BO", "BR", "BS", "BT", "BV",
         "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV",
         "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ",
         "FK", "FM", "FO", "FR"]


def main():
    out, pairs = sys.argv[1], [a.split("=") for a in sys.argv[2:]]
    nets = [(ipaddress.ip_network(c), CODES.index(cc)) for c, cc in pairs]
    bits = nets[0][0].max_prefixlen
    nodes = [[COUNTRY_BEGIN, COUNTRY_BEGIN]]  # every child a "--" leaf until set
    for net, country in nets:
        node, addr = 0, int(net.network_address)
        for depth in range(net.prefixlen):
            bit = (addr >> (bits - 1 - depth)) & 1
            if depth == net.prefixlen - 1:
                nodes[node][bit] = COUNTRY_BEGIN + country
            else:
                if nodes[node][bit] >= COUNTRY_BEGIN:
                    nodes.append([COUNTRY_BEGIN, COUNTRY_BEGIN])
                    nodes[node][bit] = len(nodes) - 1
                node = nodes[node][bit]
    data = b"".join(r.to_bytes(3, "little") for pair in nodes for r in pair)
    with open(out, "wb") as f:
        f.write(data + b"\xff\xff\xff" + bytes([1 if bits == 32 else 12]))


main()
