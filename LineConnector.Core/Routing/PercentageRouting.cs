using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using LineConnector.Core.Channels;
using static System.FormattableString;

namespace LineConnector.Core.Routing;

/// <summary>
/// Percentage routing: each destination gets a share of the enquiries (whole percents summing to 100).
/// The choice is deterministic per enquiry: its id is hashed into one of 10,000 buckets
/// (<see cref="EnquiryBucket"/>, shown as 0.00–99.99) and the shares are laid end to end over them.
/// </summary>
/// <remarks>
/// When the destination owning the bucket is unavailable, its range is divided among the available
/// destinations in proportion to their shares, and the bucket's position inside that range picks one.
/// So an enquiry whose bucket belongs to an available destination always goes there, whatever else is
/// unavailable; only enquiries of an unavailable destination move, spread proportionally. The decision
/// depends only on the enquiry id, the shares and who is available: once the destination is available
/// again the same enquiry id maps to it again. An enquiry is routed when it opens (and again only when
/// its destination fails on that attempt), so an enquiry already routed keeps its destination.
/// </remarks>
internal sealed class PercentageRouting
{
    private readonly IReadOnlyList<RoutingTarget> _targets;

    /// <summary>Each target's whole percent, in rule order (validated to be 1 to 100 and to sum to 100).</summary>
    private readonly int[] _percents;

    private PercentageRouting(IReadOnlyList<RoutingTarget> targets)
    {
        _targets = targets;
        _percents = [.. targets.Select(t => t.Weight ?? 0)];
    }

    public static RoutingPick Decide(IReadOnlyList<RoutingTarget> targets, RoutingContext context, List<string> explanation) =>
        new PercentageRouting(targets).Decide(context, explanation);

    private RoutingPick Decide(RoutingContext context, List<string> explanation)
    {
        explanation.Add("Percentage routing splits enquiries: " + string.Join(", ", _targets.Select(s => $"{s.Destination} {s.Weight} %")) + ".");
        var available = _targets.Select(s => context.AvailabilityOf(s.Destination).IsAvailable).ToArray();

        if (context.EnquiryId is null)
        {
            return Undetermined(context, available, explanation);
        }

        var bucket = EnquiryBucket.Of(context.EnquiryId);
        explanation.Add(Invariant($"Enquiry {context.EnquiryId} falls in bucket {Percent(bucket)} of 0.00–99.99 (from the SHA-256 of its id)."));

        var owner = OwnerOf(bucket);
        var (start, end) = RangeOf(owner);
        var ownerId = _targets[owner].Destination;
        explanation.Add(Invariant($"That bucket is in {ownerId}'s range {Percent(start)}–{Percent(end - 1)}."));

        var ownerAvailability = context.AvailabilityOf(ownerId);
        if (ownerAvailability.IsAvailable)
        {
            explanation.Add($"{ownerId} is chosen: it {ownerAvailability.Reason}.");
            return RoutingPick.Of(ownerId);
        }

        explanation.Add($"{ownerId} is not chosen: it {ownerAvailability.Reason}.");
        var availableWeight = _percents.Where((_, i) => available[i]).Sum();
        if (availableWeight == 0)
        {
            explanation.Add("No destination in the split is available.");
            return RoutingPick.None;
        }

        explanation.Add($"Its range is shared among the available destinations in proportion to their shares: "
            + string.Join(", ", _targets.Where((_, i) => available[i]).Select(s => $"{s.Destination} {s.Weight}")) + ".");
        var heir = Redistribute(bucket, owner, available, availableWeight);
        var heirId = _targets[heir].Destination;
        var (heirFrom, heirTo) = PartOfRange(heir, available, availableWeight);
        explanation.Add(Invariant(
            $"The bucket lies {100.0 * (bucket - start) / (end - start):F2} % into that range, in {heirId}'s part ({heirFrom:F2}–{heirTo:F2} %)."));
        explanation.Add($"{heirId} is chosen: it {context.AvailabilityOf(heirId).Reason}.");
        return RoutingPick.Of(heirId);
    }

    /// <summary>The index of the share whose range holds <paramref name="bucket"/>.</summary>
    private int OwnerOf(int bucket)
    {
        var end = 0;
        for (var i = 0; i < _targets.Count; i++)
        {
            end += _percents[i] * EnquiryBucket.PerPercent;
            if (bucket < end)
            {
                return i;
            }
        }

        throw new InvalidOperationException("The shares do not cover every bucket.");
    }

    private (int Start, int End) RangeOf(int index)
    {
        var start = _percents.Take(index).Sum() * EnquiryBucket.PerPercent;
        return (start, start + _percents[index] * EnquiryBucket.PerPercent);
    }

    /// <summary>
    /// Picks the available share for a bucket in an unavailable one's range: the range is cut into parts
    /// sized by the available shares (in rule order) and the bucket's offset picks the part.
    /// Integer arithmetic, so the same inputs give the same answer on every machine.
    /// </summary>
    private int Redistribute(int bucket, int owner, bool[] available, int availableWeight)
    {
        var (start, end) = RangeOf(owner);
        var offset = (long)(bucket - start);
        var width = (long)(end - start);
        long cumulative = 0;
        for (var i = 0; i < _targets.Count; i++)
        {
            if (!available[i])
            {
                continue;
            }

            cumulative += _percents[i];

            // offset / width < cumulative / availableWeight; true at the last available share at the latest.
            if (offset * availableWeight < cumulative * width)
            {
                return i;
            }
        }

        throw new InvalidOperationException("No available share to redistribute to.");
    }

    private (double From, double To) PartOfRange(int heir, bool[] available, int availableWeight)
    {
        var before = _percents.Take(heir).Where((_, i) => available[i]).Sum();
        return (100.0 * before / availableWeight, 100.0 * (before + _percents[heir]) / availableWeight);
    }

    /// <summary>What-if before the enquiry exists: each available destination's chance over all buckets.</summary>
    private RoutingPick Undetermined(RoutingContext context, bool[] available, List<string> explanation)
    {
        foreach (var share in _targets)
        {
            var availability = context.AvailabilityOf(share.Destination);
            explanation.Add($"{share.Destination} {availability.Reason}.");
        }

        var availableWeight = _percents.Where((_, i) => available[i]).Sum();
        if (availableWeight == 0)
        {
            explanation.Add("No destination in the split is available.");
            return RoutingPick.None;
        }

        var counts = new int[_targets.Count];
        for (var bucket = 0; bucket < EnquiryBucket.Count; bucket++)
        {
            var owner = OwnerOf(bucket);
            counts[available[owner] ? owner : Redistribute(bucket, owner, available, availableWeight)]++;
        }

        var shares = _targets
            .Select((s, i) => new DestinationShare(s.Destination, 100.0 * counts[i] / EnquiryBucket.Count))
            .Where(s => s.Percent > 0)
            .ToList();
        explanation.Add("The choice depends on the enquiry's id, which exists only once the enquiry opens; the chances now are: "
            + string.Join(", ", shares.Select(s => Invariant($"{s.DestinationId} {s.Percent:F2} %"))) + ".");
        return RoutingPick.Undetermined(shares);
    }

    private static string Percent(int bucket) => Invariant($"{bucket / (double)EnquiryBucket.PerPercent:F2}");
}

/// <summary>
/// Maps an enquiry id to one of 10,000 buckets (0.00–99.99 %): the first 8 bytes of the SHA-256 of its
/// UTF-8 bytes, big-endian, modulo 10,000. Stable across processes, machines and .NET versions, which
/// <see cref="string.GetHashCode()"/> is not.
/// </summary>
public static class EnquiryBucket
{
    public const int Count = 10_000;

    public const int PerPercent = Count / 100;

    public static int Of(string enquiryId)
    {
        ArgumentNullException.ThrowIfNull(enquiryId);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(enquiryId), hash);

        // 2^64 is not a multiple of 10,000; the bias this leaves is below 10^-15 per bucket.
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % Count);
    }
}
