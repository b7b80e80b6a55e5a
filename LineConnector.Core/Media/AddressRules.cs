using System.Net;
using System.Net.Sockets;

namespace LineConnector.Core.Media;

/// <summary>
/// Which IP addresses media may be fetched from. Everything but the public internet is refused
/// (server-side request forgery, DESIGN §5): loopback, private, link-local (with the cloud
/// metadata address 169.254.169.254), CGNAT, unique-local IPv6, multicast, reserved and
/// documentation ranges, IPv6 outside global unicast (2000::/3), and IPv6 forms that embed such an
/// IPv4 address (IPv4-mapped, NAT64, 6to4).
/// </summary>
public static class AddressRules
{
    private const string Loopback = "loopback";

    private static readonly Range[] V4 =
    [
        new("0.0.0.0", 8, "'this network'"),
        new("10.0.0.0", 8, "private"),
        new("100.64.0.0", 10, "shared (CGNAT)"),
        new("127.0.0.0", 8, Loopback),
        new("169.254.0.0", 16, "link-local (cloud metadata)"),
        new("172.16.0.0", 12, "private"),
        new("192.0.0.0", 24, "IETF protocol assignment"),
        new("192.0.2.0", 24, "documentation"),
        new("192.88.99.0", 24, "6to4 relay"),
        new("192.168.0.0", 16, "private"),
        new("198.18.0.0", 15, "benchmarking"),
        new("198.51.100.0", 24, "documentation"),
        new("203.0.113.0", 24, "documentation"),
        new("224.0.0.0", 4, "multicast"),
        new("240.0.0.0", 4, "reserved"),
    ];

    private static readonly Range[] V6 =
    [
        new("::", 128, "unspecified"),
        new("::1", 128, Loopback),
        new("::", 96, "IPv4-compatible (deprecated)"),
        new("64:ff9b:1::", 48, "local-use NAT64"),
        new("100::", 64, "discard-only"),
        new("2001::", 23, "IETF protocol assignment (Teredo and others)"),
        new("2001:db8::", 32, "documentation"),
        new("3fff::", 20, "documentation"),
        new("fc00::", 7, "unique-local"),
        new("fe80::", 10, "link-local"),
        new("fec0::", 10, "site-local (deprecated)"),
        new("ff00::", 8, "multicast"),
    ];

    /// <summary>IPv6 global unicast: anything outside it is not on the public internet.</summary>
    private static readonly Range GlobalUnicast = new("2000::", 3, "global unicast");
    private static readonly Range Nat64 = new("64:ff9b::", 96, "NAT64");
    private static readonly Range SixToFour = new("2002::", 16, "6to4");

    /// <summary>Null when media may be fetched from <paramref name="address"/>; otherwise the kind of address it is.</summary>
    /// <param name="allowLoopback">Lets tests reach a local server; never set in production.</param>
    public static string? Refusal(IPAddress address, bool allowLoopback = false)
    {
        ArgumentNullException.ThrowIfNull(address);
        var refusal = Classify(address);
        return refusal == Loopback && allowLoopback ? null : refusal;
    }

    private static string? Classify(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return Match(V4, address.GetAddressBytes());
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "not an IP address";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return Classify(address.MapToIPv4());
        }

        var bytes = address.GetAddressBytes();
        // IPv6 forms that carry an IPv4 address are judged by it.
        if (Nat64.Contains(bytes))
        {
            return Classify(new IPAddress(bytes.AsSpan(12, 4)));
        }

        if (SixToFour.Contains(bytes))
        {
            return Classify(new IPAddress(bytes.AsSpan(2, 4)));
        }

        return Match(V6, bytes) ?? (GlobalUnicast.Contains(bytes) ? null : "non-global (outside 2000::/3)");
    }

    private static string? Match(Range[] ranges, byte[] address)
    {
        foreach (var range in ranges)
        {
            if (range.Contains(address))
            {
                return range.Name;
            }
        }

        return null;
    }

    private sealed class Range(string network, int prefixLength, string name)
    {
        private readonly byte[] _network = IPAddress.Parse(network).GetAddressBytes();

        public string Name => name;

        public bool Contains(byte[] address)
        {
            if (address.Length != _network.Length)
            {
                return false;
            }

            var whole = prefixLength / 8;
            if (!address.AsSpan(0, whole).SequenceEqual(_network.AsSpan(0, whole)))
            {
                return false;
            }

            var bits = prefixLength % 8;
            if (bits == 0)
            {
                return true;
            }

            var mask = (byte)(0xFF << (8 - bits));
            return (address[whole] & mask) == (_network[whole] & mask);
        }
    }
}
