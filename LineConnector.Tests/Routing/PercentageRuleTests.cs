using LineConnector.Core.Channels;
using LineConnector.Core.Routing;
using static LineConnector.Tests.Routing.RoutingFixtures;

namespace LineConnector.Tests.Routing;

public class PercentageRuleTests
{
    private const int Enquiries = 10_000;
    private static readonly RoutingRule Rule = Percentage(("a", 50), ("b", 30), ("c", 20));
    private static readonly Router Router = RouterAt(Local(Tokyo, 2024, 6, 3, 10, 0));
    private static readonly DestinationStatus[] AllPresent = [Present("a"), Present("b"), Present("c")];

    /// <summary>Enquiry ids as the connector makes them: random GUIDs (seeded here, so the test is repeatable).</summary>
    private static readonly string[] EnquiryIds = MakeIds(Enquiries, seed: 20240603);

    [Theory]
    [InlineData("enquiry-1", 7546)]
    [InlineData("E-42", 6275)]
    [InlineData("ülr😀", 9582)]
    public void The_bucket_is_the_SHA_256_of_the_id_modulo_10000(string enquiryId, int bucket)
    {
        // Expected values computed independently (first 8 bytes of SHA-256 of the UTF-8 id, big-endian, mod 10,000).
        EnquiryBucket.Of(enquiryId).Should().Be(bucket);
    }

    [Fact]
    public void Ten_thousand_enquiries_land_within_two_points_of_each_weight()
    {
        var counts = CountChoices(Rule, AllPresent);

        counts.Should().HaveCount(3);
        Percent(counts["a"]).Should().BeApproximately(50, 2);
        Percent(counts["b"]).Should().BeApproximately(30, 2);
        Percent(counts["c"]).Should().BeApproximately(20, 2);
    }

    [Fact]
    public void Five_uneven_shares_also_land_within_two_points()
    {
        var rule = Percentage(("a", 40), ("b", 25), ("c", 20), ("d", 10), ("e", 5));
        var counts = CountChoices(rule, [Present("a"), Present("b"), Present("c"), Present("d"), Present("e")]);

        foreach (var share in rule.Targets)
        {
            Percent(counts[share.Destination]).Should().BeApproximately(share.Weight!.Value, 2, share.Destination);
        }
    }

    [Fact]
    public void The_same_enquiry_always_gets_the_same_answer()
    {
        var first = EnquiryIds.Select(id => Router.Route(Rule, Request(id, Tokyo, AllPresent)).DestinationId).ToList();
        var laterRouter = RouterAt(Local(Tokyo, 2025, 1, 1, 0, 0));
        var again = EnquiryIds.Select(id => laterRouter.Route(Rule, Request(id, Tokyo, AllPresent)).DestinationId).ToList();

        again.Should().Equal(first);
        first.Should().NotContainNulls();
    }

    [Fact]
    public void An_unavailable_destinations_share_goes_to_the_others_in_proportion_and_comes_back_with_it()
    {
        var before = EnquiryIds.ToDictionary(id => id, id => Router.Route(Rule, Request(id, Tokyo, AllPresent)).DestinationId);
        var bAway = EnquiryIds.ToDictionary(id => id, id => Router.Route(Rule, Request(id, Tokyo, [Present("a"), Absent("b"), Present("c")])).DestinationId);
        var bBack = EnquiryIds.ToDictionary(id => id, id => Router.Route(Rule, Request(id, Tokyo, AllPresent)).DestinationId);

        // Enquiries of available destinations stay where they were; only b's move.
        EnquiryIds.Where(id => before[id] != "b").Should().OnlyContain(id => bAway[id] == before[id]);
        var moved = EnquiryIds.Where(id => before[id] == "b").Select(id => bAway[id]).ToList();
        moved.Should().OnlyContain(d => d == "a" || d == "c");

        // a and c share b's 30 % as 50:20, so overall 71.43 % and 28.57 %.
        Percent(bAway.Values.Count(d => d == "a")).Should().BeApproximately(100.0 * 50 / 70, 2);
        Percent(bAway.Values.Count(d => d == "c")).Should().BeApproximately(100.0 * 20 / 70, 2);
        (100.0 * moved.Count(d => d == "a") / moved.Count).Should().BeApproximately(100.0 * 50 / 70, 2);

        // With b available again every enquiry id maps where it did at first.
        bBack.Should().Equal(before);
    }

    [Fact]
    public void A_destination_that_failed_on_this_attempt_is_treated_as_unavailable()
    {
        var enquiryId = EnquiryIds.First(id => Router.Route(Rule, Request(id, Tokyo, AllPresent)).DestinationId == "b");

        var retry = Router.Route(Rule, Request(enquiryId, Tokyo, AllPresent, failed: "b"));

        retry.DestinationId.Should().BeOneOf("a", "c");
        retry.Explanation.Should().Contain("b is not chosen: it answered as unavailable on this attempt.");
    }

    [Fact]
    public void The_explanation_shows_the_bucket_and_the_range()
    {
        // "enquiry-1" is bucket 75.46: in b's range 50.00–79.99.
        var choice = Router.Route(Rule, Request("enquiry-1", Tokyo, AllPresent));

        choice.DestinationId.Should().Be("b");
        choice.Explanation.Should().Equal(
            "Percentage routing splits enquiries: a 50 %, b 30 %, c 20 %.",
            "Enquiry enquiry-1 falls in bucket 75.46 of 0.00–99.99 (from the SHA-256 of its id).",
            "That bucket is in b's range 50.00–79.99.",
            "b is chosen: it is present and has no schedule.");
    }

    [Fact]
    public void The_explanation_shows_where_an_unavailable_destinations_bucket_goes()
    {
        // Bucket 75.46 is 84.87 % into b's range (50.00–79.99); a has 0–71.43 % of it and c 71.43–100 %.
        var choice = Router.Route(Rule, Request("enquiry-1", Tokyo, [Present("a"), Absent("b"), Present("c")]));

        choice.DestinationId.Should().Be("c");
        choice.Explanation.Should().Equal(
            "Percentage routing splits enquiries: a 50 %, b 30 %, c 20 %.",
            "Enquiry enquiry-1 falls in bucket 75.46 of 0.00–99.99 (from the SHA-256 of its id).",
            "That bucket is in b's range 50.00–79.99.",
            "b is not chosen: it is marked not present.",
            "Its range is shared among the available destinations in proportion to their shares: a 50, c 20.",
            "The bucket lies 84.87 % into that range, in c's part (71.43–100.00 %).",
            "c is chosen: it is present and has no schedule.");
    }

    [Fact]
    public void Nobody_available_means_no_choice()
    {
        var choice = Router.Route(Rule, Request("enquiry-1", Tokyo, [Absent("a"), Absent("b"), Absent("c")]));

        choice.Found.Should().BeFalse();
        choice.Explanation.Should().EndWith("No destination in the split is available.");
    }

    [Fact]
    public void A_single_destination_at_100_percent_always_gets_it()
    {
        var rule = Percentage(("only", 100));
        DestinationStatus[] only = [Present("only")];

        EnquiryIds.Take(500).Select(id => Router.Route(rule, Request(id, Tokyo, only)).DestinationId).Should().AllBe("only");
    }

    private static Dictionary<string, int> CountChoices(RoutingRule rule, IReadOnlyList<DestinationStatus> destinations) =>
        EnquiryIds
            .Select(id => Router.Route(rule, Request(id, Tokyo, destinations)).DestinationId!)
            .GroupBy(d => d)
            .ToDictionary(g => g.Key, g => g.Count());

    private static double Percent(int count) => 100.0 * count / Enquiries;

    private static string[] MakeIds(int count, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[16];
        return Enumerable.Range(0, count).Select(_ =>
        {
            random.NextBytes(bytes);
            return new Guid(bytes).ToString();
        }).ToArray();
    }
}
