using LineConnector.Core;
using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;
using LineConnector.Core.Routing;

namespace LineConnector.Tests.Enquiries;

public class AutoMessageTests
{
    private static readonly StaffName Aiko = new("Aiko", "Tanaka");

    [Fact]
    public void Every_message_is_off_until_switched_on()
    {
        var settings = new AutoMessageSettings();

        Enum.GetValues<AutoMessageKind>().Should().OnlyContain(kind => !settings[kind].Enabled);
        settings.StaffNameFormat.Should().Be(StaffNameFormat.None);
    }

    [Theory]
    [InlineData(AutoMessageKind.Welcome, "Thank you for your message. A member of our team will be with you shortly.")]
    [InlineData(AutoMessageKind.Away, "Sorry, nobody can answer right now. We will get back to you as soon as we can.")]
    [InlineData(AutoMessageKind.Close, "This enquiry is now closed. Send us a message any time if you need anything else.")]
    public void An_unedited_message_uses_its_default_text(AutoMessageKind kind, string expected)
    {
        var settings = new AutoMessageSettings { Welcome = new(true), Away = new(true), Close = new(true) };

        settings.Render(kind, Aiko).Should().Be(expected);
        AutoMessageSettings.DefaultText(kind).Should().Be(expected);
    }

    [Theory]
    [InlineData(StaffNameFormat.FirstName, "Hi, this is Aiko. Ask Aiko anything.")]
    [InlineData(StaffNameFormat.FirstAndLastName, "Hi, this is Aiko Tanaka. Ask Aiko Tanaka anything.")]
    public void The_staff_placeholder_takes_the_name_in_the_channels_format(StaffNameFormat format, string expected)
    {
        var settings = new AutoMessageSettings { StaffNameFormat = format, Close = new(true, "Hi, this is {staff}. Ask {staff} anything.") };

        settings.Render(AutoMessageKind.Close, Aiko).Should().Be(expected);
    }

    [Theory]
    [InlineData("Hi, this is {staff}.", "Hi, this is.")]
    [InlineData("{staff} will help you.", "will help you.")]
    [InlineData("Thanks!{staff}", "Thanks!")]
    public void Without_a_name_to_show_the_placeholder_goes_with_one_space(string text, string expected)
    {
        var noFormat = new AutoMessageSettings { Welcome = new(true, text), StaffNameFormat = StaffNameFormat.None };
        var noStaff = noFormat with { StaffNameFormat = StaffNameFormat.FirstAndLastName };

        noFormat.Render(AutoMessageKind.Welcome, Aiko).Should().Be(expected);
        noStaff.Render(AutoMessageKind.Welcome, null).Should().Be(expected);
    }

    [Fact]
    public void The_name_in_a_text_is_not_cut_to_the_sender_name_limit()
    {
        var settings = new AutoMessageSettings { Close = new(true, "{staff} closed this enquiry."), StaffNameFormat = StaffNameFormat.FirstAndLastName };

        settings.Render(AutoMessageKind.Close, new StaffName("Alexandria", "Catherine Montgomery"))
            .Should().Be("Alexandria Catherine Montgomery closed this enquiry.");
    }

    [Fact]
    public void A_long_name_cannot_push_the_text_over_4999_code_units_or_split_a_character()
    {
        var template = new string('a', 4_991) + "{staff}";
        var settings = new AutoMessageSettings { Welcome = new(true, template), StaffNameFormat = StaffNameFormat.FirstName };

        var text = settings.Render(AutoMessageKind.Welcome, new StaffName("Bob😀😀😀😀"));

        // 4,991 + "Bob" = 4,994; two emoji make 4,998 and a third would need 5,000.
        text.Should().HaveLength(4_998).And.EndWith("Bob😀😀");
        settings.Validate().Should().BeEmpty();
    }

    [Fact]
    public void Edited_texts_are_validated_naming_each_field()
    {
        var settings = new AutoMessageSettings
        {
            Welcome = new(true, "  "),
            Away = new(true, new string('x', 5_000)),
            Close = new(true, "Bye from {Staff} and {name}, {staff} {^_^}"),
        };

        settings.Validate().Should().BeEquivalentTo(
        [
            new FieldError("welcome.text", "The text must not be blank; leave it unset for the default text."),
            new FieldError("away.text", "The text is 5000 characters (UTF-16 code units); at most 4999."),
            new FieldError("close.text", "Unknown placeholder {Staff}; only {staff} is replaced."),
            new FieldError("close.text", "Unknown placeholder {name}; only {staff} is replaced."),
        ]);
    }

    [Fact]
    public void A_text_of_exactly_4999_code_units_is_accepted()
    {
        new AutoMessageSettings { Away = new(true, new string('x', 4_999)) }.Validate().Should().BeEmpty();
    }
}
