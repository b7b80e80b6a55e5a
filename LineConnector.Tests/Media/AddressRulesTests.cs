using System.Buffers.Binary;
using System.Net;
using LineConnector.Core.Media;

namespace LineConnector.Tests.Media;

public class AddressRulesTests
{
    // The IPv4 ranges media must never be fetched from, written independently of the implementation.
    private static readonly (uint Network, int Bits, string Kind)[] RefusedV4 =
    [
        (0x00000000, 8, "'this network'"),
        (0x0A000000, 8, "private"),
        (0x64400000, 10, "shared (CGNAT)"),
        (0x7F000000, 8, "loopback"),
        (0xA9FE0000, 16, "link-local (cloud metadata)"),
        (0xAC100000, 12, "private"),
        (0xC0000000, 24, "IETF protocol assignment"),
        (0xC0000200, 24, "documentation"),
        (0xC0586300, 24, "6to4 relay"),
        (0xC0A80000, 16, "private"),
        (0xC6120000, 15, "benchmarking"),
        (0xC6336400, 24, "documentation"),
        (0xCB007100, 24, "documentation"),
        (0xE0000000, 4, "multicast"),
        (0xF0000000, 4, "reserved"),
    ];

    private static string? Expected(uint address)
    {
        foreach (var (network, bits, kind) in RefusedV4)
        {
            var mask = uint.MaxValue << (32 - bits);
            if ((address & mask) == network)
            {
                return kind;
            }
        }

        return null;
    }

    private static IPAddress V4(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return new IPAddress(bytes);
    }

    [Fact]
    public void Every_ipv4_range_is_refused_from_its_first_to_its_last_address_and_not_beyond()
    {
        foreach (var (network, bits, kind) in RefusedV4)
        {
            var last = network | (uint.MaxValue >> bits);
            AddressRules.Refusal(V4(network)).Should().Be(kind, $"{V4(network)} is the first address of a {kind} range");
            AddressRules.Refusal(V4(last)).Should().Be(kind, $"{V4(last)} is the last address of a {kind} range");
            if (network > 0)
            {
                AddressRules.Refusal(V4(network - 1)).Should().Be(Expected(network - 1), $"{V4(network - 1)} is just below");
            }

            if (last < uint.MaxValue)
            {
                AddressRules.Refusal(V4(last + 1)).Should().Be(Expected(last + 1), $"{V4(last + 1)} is just above");
            }
        }
    }

    [Fact]
    public void Every_ipv4_block_of_4096_addresses_is_judged_as_the_ranges_say()
    {
        // All million /20 blocks at their first and last address; the narrower ranges' edges are tested above.
        for (var block = 0u; block < 1u << 20; block++)
        {
            var first = block << 12;
            var last = first | 0xFFF;
            var firstRefusal = AddressRules.Refusal(V4(first));
            var lastRefusal = AddressRules.Refusal(V4(last));
            if (firstRefusal != Expected(first) || lastRefusal != Expected(last))
            {
                Assert.Fail($"{V4(first)}: '{firstRefusal}', {V4(last)}: '{lastRefusal}'; expected '{Expected(first)}', '{Expected(last)}'");
            }
        }
    }

    [Theory]
    [InlineData("1.1.1.1")]
    [InlineData("8.8.8.8")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.0")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.0")]
    [InlineData("126.255.255.255")]
    [InlineData("128.0.0.0")]
    [InlineData("169.253.255.255")]
    [InlineData("169.255.0.0")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.0")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.0")]
    [InlineData("223.255.255.255")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2a00:1450:4001:80b::200e")]
    [InlineData("2001:200::1")]
    [InlineData("3ffe::1")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:808:808::1")]
    public void Public_addresses_are_allowed(string address)
    {
        AddressRules.Refusal(IPAddress.Parse(address)).Should().BeNull();
    }

    [Theory]
    [InlineData("::", "unspecified")]
    [InlineData("::1", "loopback")]
    [InlineData("::127.0.0.1", "IPv4-compatible (deprecated)")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("::ffff:169.254.169.254", "link-local (cloud metadata)")]
    [InlineData("::ffff:100.64.0.1", "shared (CGNAT)")]
    [InlineData("::ffff:0.0.0.0", "'this network'")]
    [InlineData("::ffff:224.0.0.1", "multicast")]
    [InlineData("64:ff9b::a9fe:a9fe", "link-local (cloud metadata)")]
    [InlineData("64:ff9b::a00:1", "private")]
    [InlineData("64:ff9b:1::1", "local-use NAT64")]
    [InlineData("2002:a00:1::1", "private")]
    [InlineData("2002:7f00:1::1", "loopback")]
    [InlineData("100::1", "discard-only")]
    [InlineData("2001::1", "IETF protocol assignment (Teredo and others)")]
    [InlineData("2001:1ff:ffff::1", "IETF protocol assignment (Teredo and others)")]
    [InlineData("2001:db8::1", "documentation")]
    [InlineData("3fff::1", "documentation")]
    [InlineData("fc00::", "unique-local")]
    [InlineData("fd12:3456:789a::1", "unique-local")]
    [InlineData("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "unique-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fe80::1%2", "link-local")]
    [InlineData("febf:ffff::1", "link-local")]
    [InlineData("fec0::1", "site-local (deprecated)")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("ff0e::1", "multicast")]
    [InlineData("4000::1", "non-global (outside 2000::/3)")]
    [InlineData("1fff:ffff::1", "non-global (outside 2000::/3)")]
    [InlineData("fbff::1", "non-global (outside 2000::/3)")]
    public void Internal_ipv6_addresses_and_ipv6_forms_of_internal_ipv4_addresses_are_refused(string address, string kind)
    {
        AddressRules.Refusal(IPAddress.Parse(address)).Should().Be(kind);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public void The_test_switch_allows_loopback(string address)
    {
        AddressRules.Refusal(IPAddress.Parse(address), allowLoopback: true).Should().BeNull();
        AddressRules.Refusal(IPAddress.Parse(address)).Should().Be("loopback");
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("192.168.1.1")]
    [InlineData("fd00::1")]
    [InlineData("fe80::1")]
    [InlineData("0.0.0.0")]
    public void The_test_switch_allows_nothing_but_loopback(string address)
    {
        AddressRules.Refusal(IPAddress.Parse(address), allowLoopback: true).Should().NotBeNull();
    }
}
