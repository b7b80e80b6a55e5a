using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;

namespace LineConnector.Tests.Enquiries;

public class EnquiryIdsTests
{
    [Fact]
    public void An_id_is_derived_from_channel_and_event_and_names_its_channel()
    {
        const string User = "U4af4980629";
        var id = EnquiryIds.For("shop_1", User, "01H5ZC6X9Q8F0M9B7Z3N4R2T1V");

        id.Should().MatchRegex("^shop_1\\.[0-9a-f]{24}$");
        EnquiryIds.For("shop_1", User, "01H5ZC6X9Q8F0M9B7Z3N4R2T1V").Should().Be(id);
        EnquiryIds.For("shop_2", User, "01H5ZC6X9Q8F0M9B7Z3N4R2T1V").Should().NotEndWith(id[^24..]);
        EnquiryIds.For("shop_1", User, "01H5ZC6X9Q8F0M9B7Z3N4R2T1W").Should().NotBe(id);
        EnquiryIds.TryParse(id, out var channel).Should().BeTrue();
        channel.Should().Be("shop_1");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("shop")]
    [InlineData(".0123456789abcdef01234567")]
    [InlineData("shop.0123456789ABCDEF01234567")]
    [InlineData("shop.0123456789abcdef0123456")]
    [InlineData("sh op.0123456789abcdef01234567")]
    public void Anything_else_is_no_enquiry_id(string? id) => EnquiryIds.TryParse(id, out _).Should().BeFalse();

    [Fact]
    public void Effects_read_back_as_written_one_per_line()
    {
        IReadOnlyList<EnquiryEffect> effects =
        [
            new SendAutoMessage(AutoMessageKind.Welcome, null),
            new SendAutoMessage(AutoMessageKind.Close, "aiko@example.com"),
            new ForwardEvent("desk", null),
            new ForwardEvent("desk", "kenji"),
            new ScheduleMissedCheck(new DateTimeOffset(2026, 11, 21, 9, 1, 0, TimeSpan.FromHours(9))),
            new ScheduleAutoCloseCheck(new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero)),
            new TellDestinationClosed("desk"),
        ];

        var text = EffectText.Format(effects);

        text.Split('\n')[0].Should().Be("send-auto-message welcome");
        text.Split('\n')[4].Should().Be("schedule-missed-check 2026-11-21T09:01:00.0000000+09:00");
        EffectText.Parse(text).Should().Equal(effects);
    }

    [Theory]
    [InlineData("wave hello")]
    [InlineData("send-auto-message goodbye")]
    [InlineData("send-auto-message Welcome")]
    [InlineData("schedule-missed-check tomorrow")]
    [InlineData("forward-event")]
    public void A_line_that_is_no_effect_is_refused_naming_it(string line)
    {
        var parse = () => EffectText.Parse(line);

        parse.Should().Throw<FormatException>().WithMessage($"*'{line}'*");
    }
}
