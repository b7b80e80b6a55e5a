using LineConnector.Core.Channels;
using LineConnector.Tests.Channels;

namespace LineConnector.Tests.Enquiries;

/// <summary>The channel's auto-messages as stored (<see cref="AutoMessages"/>) are what enquiries render and what validation judges.</summary>
public class AutoMessageTests
{
    private static readonly StaffName Aiko = new("Aiko", "Tanaka");

    private static IReadOnlyList<string> Errors(AutoMessages messages) =>
        ChannelValidation.Validate(ChannelSamples.Settings() with { AutoMessages = messages }).Select(e => e.ToString()).ToList();

    [Fact]
    public void Every_message_is_off_until_switched_on()
    {
        var messages = new AutoMessages();

        Enum.GetValues<AutoMessageKind>().Should().OnlyContain(kind => !messages[kind].Enabled);
        ChannelSamples.Settings().StaffNameFormat.Should().Be(StaffNameFormat.None);
    }

    [Theory]
    [InlineData(AutoMessageKind.Welcome, "Thank you for your message. A member of our team will be with you shortly.")]
    [InlineData(AutoMessageKind.Away, "Sorry, nobody can answer right now. We will get back to you as soon as we can.")]
    [InlineData(AutoMessageKind.Close, "This enquiry is now closed. Send us a message any time if you need anything else.")]
    public void An_unedited_message_uses_its_default_text(AutoMessageKind kind, string expected)
    {
        var messages = new AutoMessages { Welcome = new(true), Away = new(true), Close = new(true) };

        messages.Render(kind, StaffNameFormat.None, Aiko).Should().Be(expected);
        AutoMessages.DefaultText(kind).Should().Be(expected);
    }

    [Theory]
    [InlineData(StaffNameFormat.FirstName, "Hi, this is Aiko. Ask Aiko anything.")]
    [InlineData(StaffNameFormat.FirstAndLastName, "Hi, this is Aiko Tanaka. Ask Aiko Tanaka anything.")]
    public void The_staff_placeholder_takes_the_name_in_the_channels_format(StaffNameFormat format, string expected)
    {
        var messages = new AutoMessages { Close = new(true, "Hi, this is {staff}. Ask {staff} anything.") };

        messages.Render(AutoMessageKind.Close, format, Aiko).Should().Be(expected);
    }

    [Theory]
    [InlineData("Hi, this is {staff}.", "Hi, this is.")]
    [InlineData("{staff} will help you.", "will help you.")]
    [InlineData("Thanks!{staff}", "Thanks!")]
    public void Without_a_name_to_show_the_placeholder_goes_with_one_space(string text, string expected)
    {
        var messages = new AutoMessages { Welcome = new(true, text) };

        messages.Render(AutoMessageKind.Welcome, StaffNameFormat.None, Aiko).Should().Be(expected);
        messages.Render(AutoMessageKind.Welcome, StaffNameFormat.FirstAndLastName, null).Should().Be(expected);
    }

    [Fact]
    public void The_name_in_a_text_is_not_cut_to_the_sender_name_limit()
    {
        var messages = new AutoMessages { Close = new(true, "{staff} closed this enquiry.") };

        messages.Render(AutoMessageKind.Close, StaffNameFormat.FirstAndLastName, new StaffName("Alexandria", "Catherine Montgomery"))
            .Should().Be("Alexandria Catherine Montgomery closed this enquiry.");
    }

    [Fact]
    public void A_long_name_cannot_push_the_text_over_4999_code_units_or_split_a_character()
    {
        var template = new string('a', 4_991) + "{staff}";
        var messages = new AutoMessages { Welcome = new(true, template) };

        var text = messages.Render(AutoMessageKind.Welcome, StaffNameFormat.FirstName, new StaffName("Bob😀😀😀😀"));

        // 4,991 + "Bob" = 4,994; two emoji make 4,998 and a third would need 5,000.
        text.Should().HaveLength(4_998).And.EndWith("Bob😀😀");
        Errors(messages).Should().BeEmpty();
    }

    [Fact]
    public void Edited_texts_are_validated_naming_each_field()
    {
        var messages = new AutoMessages
        {
            Welcome = new(true, "  "),
            Away = new(true, new string('x', 5_000)),
            Close = new(true, "Bye from {Staff} and {name}, {staff} {^_^}"),
        };

        Errors(messages).Should().BeEquivalentTo(
        [
            "autoMessages.welcome.text: must not be blank; leave it out for the default text",
            "autoMessages.away.text: at most 4,999 characters (got 5,000)",
            "autoMessages.close.text: unknown placeholder {Staff}; only {staff} is replaced",
            "autoMessages.close.text: unknown placeholder {name}; only {staff} is replaced",
        ]);
    }

    [Fact]
    public void A_text_of_exactly_4999_code_units_is_accepted()
    {
        Errors(new AutoMessages { Away = new(true, new string('x', 4_999)) }).Should().BeEmpty();
    }
}
