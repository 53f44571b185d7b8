package io.imagefleet.worker.source;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which network addresses outbound HTTP (sources and PUT targets) may connect to. Refused:
 * loopback, any-local (0.0.0.0, ::), private (10/8, 172.16/12, 192.168/16, fc00::/7), shared
 * (100.64/10), link-local (169.254/16, fe80::/10) and the cloud metadata addresses, multicast,
 * broadcast, reserved and documentation ranges, and the IPv6 forms that embed an IPv4 address
 * (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16) of any of these. A host
 * written as a non-canonical number (decimal {@code 2130706433}, hex {@code 0x7f000001}, octal
 * {@code 0177.0.0.1}, short {@code 127.1}) is refused outright.
 *
 * <p>{@code IMAGEFLEET_HTTP_ALLOW_PRIVATE} opens loopback, private, unique-local and shared
 * addresses (never link-local or metadata); a host named in {@code IMAGEFLEET_HTTP_ALLOW_HOSTS}
 * may resolve to anything but any-local, multicast or broadcast. Callers connect to exactly the
 * addresses {@link #addressesFor} returns, so a name cannot resolve to a different address
 * between the check and the connection (no DNS rebinding window). Immutable and thread-safe.
 */
public final class AddressPolicy {
    private static final Pattern NUMERIC_HOST = Pattern.compile(
            "(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+))*\\.?", Pattern.CASE_INSENSITIVE);
    private static final Pattern CANONICAL_IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])");

    /** What kind of address an address is; only PUBLIC is allowed by default. */
    enum Kind {
        PUBLIC, LOOPBACK, PRIVATE, SHARED, LINK_LOCAL, METADATA, ANY_LOCAL, MULTICAST, BROADCAST, RESERVED;

        String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Set<String> allowHosts;
    private final boolean allowPrivate;

    /**
     * @param allowHosts   host names (lower case; a leading {@code *.} matches any subdomain)
     *                     whose addresses are not checked except for any-local and multicast
     * @param allowPrivate whether loopback, private, unique-local and shared addresses are allowed
     */
    public AddressPolicy(List<String> allowHosts, boolean allowPrivate) {
        this.allowHosts = allowHosts.stream().map(AddressPolicy::normaliseHost).collect(Collectors.toUnmodifiableSet());
        this.allowPrivate = allowPrivate;
    }

    /** The policy of the defaults: public addresses only. */
    public static AddressPolicy publicOnly() {
        return new AddressPolicy(List.of(), false);
    }

    /**
     * Resolves a URI host and returns the addresses that may be connected to.
     *
     * @throws Refused             when the host, or any address it resolves to, is not allowed
     * @throws UnknownHostException when the name does not resolve
     */
    public List<InetAddress> addressesFor(String uriHost) throws Refused, UnknownHostException {
        if (uriHost == null || uriHost.isEmpty()) {
            throw new Refused("the URI has no host");
        }
        String host = normaliseHost(uriHost);
        boolean literalV6 = uriHost.startsWith("[");
        if (!literalV6 && NUMERIC_HOST.matcher(host).matches() && !CANONICAL_IPV4.matcher(host).matches()) {
            throw new Refused("host " + uriHost + " is a non-canonical numeric address");
        }
        if (host.contains("%")) {
            throw new Refused("host " + uriHost + " names a network interface (a scoped address)");
        }
        boolean listed = isListed(host);
        InetAddress[] resolved = InetAddress.getAllByName(host);
        List<InetAddress> allowed = new ArrayList<>(resolved.length);
        for (InetAddress a : resolved) {
            Kind kind = kindOf(a);
            if (!allows(kind, listed)) {
                String via = a.getHostAddress().equals(host) ? "" : " (resolved from " + host + ")";
                throw new Refused("address " + a.getHostAddress() + via + " is " + kind.label()
                        + hint(kind, listed));
            }
            allowed.add(a);
        }
        return List.copyOf(allowed);
    }

    private boolean allows(Kind kind, boolean listed) {
        if (kind == Kind.PUBLIC) {
            return true;
        }
        if (listed) {
            return kind != Kind.ANY_LOCAL && kind != Kind.MULTICAST && kind != Kind.BROADCAST;
        }
        return allowPrivate && (kind == Kind.LOOPBACK || kind == Kind.PRIVATE || kind == Kind.SHARED);
    }

    private String hint(Kind kind, boolean listed) {
        if (listed) {
            return "";
        }
        if (kind == Kind.LOOPBACK || kind == Kind.PRIVATE || kind == Kind.SHARED) {
            return "; set IMAGEFLEET_HTTP_ALLOW_PRIVATE=true or list the host in IMAGEFLEET_HTTP_ALLOW_HOSTS to allow it";
        }
        return "; only a host listed in IMAGEFLEET_HTTP_ALLOW_HOSTS may resolve to it";
    }

    private boolean isListed(String host) {
        if (allowHosts.contains(host)) {
            return true;
        }
        for (int dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
            if (allowHosts.contains("*" + host.substring(dot))) {
                return true;
            }
        }
        return false;
    }

    static String normaliseHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".") && h.length() > 1) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    /** Classifies an address. */
    static Kind kindOf(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return kindOfV4(b);
        }
        if (address instanceof Inet6Address) {
            return kindOfV6(b);
        }
        return Kind.RESERVED;
    }

    private static Kind kindOfV4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        int a2 = b[2] & 0xff;
        int a3 = b[3] & 0xff;
        if (a0 == 0) {
            return a1 == 0 && a2 == 0 && a3 == 0 ? Kind.ANY_LOCAL : Kind.RESERVED;
        }
        if (a0 == 127) {
            return Kind.LOOPBACK;
        }
        if (a0 == 10 || (a0 == 172 && a1 >= 16 && a1 <= 31) || (a0 == 192 && a1 == 168)) {
            return Kind.PRIVATE;
        }
        if (a0 == 100 && a1 >= 64 && a1 <= 127) {
            return Kind.SHARED;
        }
        if (a0 == 169 && a1 == 254) {
            return (a2 == 169 && a3 == 254) || (a2 == 170 && a3 == 2) ? Kind.METADATA : Kind.LINK_LOCAL;
        }
        if (a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2)) {
            return Kind.RESERVED; // IETF protocol assignments, TEST-NET-1
        }
        if ((a0 == 192 && a1 == 88 && a2 == 99) || (a0 == 198 && (a1 == 18 || a1 == 19))
                || (a0 == 198 && a1 == 51 && a2 == 100) || (a0 == 203 && a1 == 0 && a2 == 113)) {
            return Kind.RESERVED; // 6to4 relay, benchmarking, TEST-NET-2 and -3
        }
        if (a0 >= 224 && a0 <= 239) {
            return Kind.MULTICAST;
        }
        if (a0 == 255 && a1 == 255 && a2 == 255 && a3 == 255) {
            return Kind.BROADCAST;
        }
        if (a0 >= 240) {
            return Kind.RESERVED;
        }
        return Kind.PUBLIC;
    }

    private static Kind kindOfV6(byte[] b) {
        if (zeros(b, 0, 15)) {
            return b[15] == 0 ? Kind.ANY_LOCAL : b[15] == 1 ? Kind.LOOPBACK : kindOfV4(tail(b, 12));
        }
        if (zeros(b, 0, 12)) {
            return kindOfV4(tail(b, 12)); // IPv4-compatible ::a.b.c.d
        }
        if (zeros(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
            return kindOfV4(tail(b, 12)); // IPv4-mapped ::ffff:a.b.c.d
        }
        int w0 = ((b[0] & 0xff) << 8) | (b[1] & 0xff);
        int w1 = ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        if (w0 == 0x0064 && w1 == 0xff9b && zeros(b, 4, 12)) {
            return kindOfV4(tail(b, 12)); // NAT64 64:ff9b::a.b.c.d
        }
        if (w0 == 0x2002) {
            return kindOfV4(new byte[] {b[2], b[3], b[4], b[5]}); // 6to4 2002:aabb:ccdd::
        }
        if ((b[0] & 0xfe) == 0xfc) {
            // fd00:ec2::254 is the AWS instance metadata service over IPv6.
            return w0 == 0xfd00 && w1 == 0x0ec2 && zeros(b, 4, 14) && b[15] == 0x54 && b[14] == 0x02
                    ? Kind.METADATA : Kind.PRIVATE;
        }
        if ((b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) {
            return Kind.LINK_LOCAL;
        }
        if ((b[0] & 0xff) == 0xff) {
            return Kind.MULTICAST;
        }
        if (w0 == 0x2001 && (w1 < 0x0200 || w1 == 0x0db8)) {
            return Kind.RESERVED; // IETF protocol assignments (Teredo, ORCHID...) and documentation
        }
        if ((b[0] & 0xe0) == 0x20 && !(w0 == 0x3fff && (w1 & 0xf000) == 0)) {
            return Kind.PUBLIC; // global unicast 2000::/3, less documentation 3fff::/20
        }
        return Kind.RESERVED; // site-local fec0::/10, discard 100::/64, unassigned space
    }

    private static boolean zeros(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static byte[] tail(byte[] b, int from) {
        return new byte[] {b[from], b[from + 1], b[from + 2], b[from + 3]};
    }

    /** A host or address the policy does not allow; the message says which and why. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        public Refused(String message) {
            super(message);
        }
    }
}
