using LineConnector.Core.Channels;
using LineConnector.Core.Enquiries;

namespace LineConnector.Tests.Enquiries;

public class StaffDisplayNameTests
{
    private static readonly StaffName Aiko = new("Aiko", "Tanaka");

    [Fact]
    public void Each_format_shows_its_part_of_the_name()
    {
        StaffDisplayName.Format(StaffNameFormat.None, Aiko).Should().BeNull();
        StaffDisplayName.Format(StaffNameFormat.FirstName, Aiko).Should().Be("Aiko");
        StaffDisplayName.Format(StaffNameFormat.FirstAndLastName, Aiko).Should().Be("Aiko Tanaka");
    }

    [Fact]
    public void Missing_parts_and_stray_whitespace_are_tidied()
    {
        StaffDisplayName.Format(StaffNameFormat.FirstAndLastName, new StaffName("Aiko")).Should().Be("Aiko");
        StaffDisplayName.Format(StaffNameFormat.FirstAndLastName, new StaffName("  Aiko \n", " Tanaka\t\t ")).Should().Be("Aiko Tanaka");
        StaffDisplayName.Format(StaffNameFormat.FirstAndLastName, new StaffName(" ", "Tanaka")).Should().Be("Tanaka");
        StaffDisplayName.Format(StaffNameFormat.FirstName, new StaffName(" ", "Tanaka")).Should().BeNull();
        StaffDisplayName.Format(StaffNameFormat.FirstName, null).Should().BeNull();
    }

    [Fact]
    public void A_name_within_20_code_units_is_the_sender_name_as_is()
    {
        StaffDisplayName.ForSender(StaffNameFormat.FirstAndLastName, Aiko).Should().Be(new SenderName("Aiko Tanaka", null));
        StaffDisplayName.ForSender(StaffNameFormat.FirstName, new StaffName("田中 愛子")).Value.Should().Be("田中 愛子");
    }

    [Fact]
    public void No_name_to_show_means_no_sender_name()
    {
        var sender = StaffDisplayName.ForSender(StaffNameFormat.None, Aiko);

        sender.Value.Should().BeNull();
        sender.Note.Should().Be("No staff name is shown, so the message goes out under the account's name.");
    }

    [Fact]
    public void A_longer_name_is_cut_to_20_code_units()
    {
        var sender = StaffDisplayName.ForSender(StaffNameFormat.FirstAndLastName, new StaffName("Alexandria", "Catherine Montgomery"));

        sender.Value.Should().Be("Alexandria Catherine").And.HaveLength(20);
        sender.Note.Should().Be("The name 'Alexandria Catherine Montgomery' is shortened to 'Alexandria Catherine' to fit LINE's 20-character sender name.");
    }

    [Fact]
    public void A_cut_that_ends_on_a_space_drops_the_space()
    {
        var sender = StaffDisplayName.ForSender(StaffNameFormat.FirstAndLastName, new StaffName("Christopher-Michael", "Smith"));

        sender.Value.Should().Be("Christopher-Michael");
    }

    [Fact]
    public void A_surrogate_pair_at_the_limit_is_not_split()
    {
        // 19 letters and an emoji (2 UTF-16 code units) make 21: the emoji goes whole.
        var name = new string('a', 19) + "😀";

        var sender = StaffDisplayName.ForSender(StaffNameFormat.FirstName, new StaffName(name));

        sender.Value.Should().Be(new string('a', 19));
        var fits = StaffDisplayName.ForSender(StaffNameFormat.FirstName, new StaffName(new string('a', 18) + "😀"));
        fits.Value.Should().Be(new string('a', 18) + "😀").And.HaveLength(20);
    }

    [Fact]
    public void A_letter_and_its_combining_mark_stay_together()
    {
        var name = new string('x', 19) + "e\u0301";

        StaffDisplayName.ForSender(StaffNameFormat.FirstName, new StaffName(name)).Value.Should().Be(new string('x', 19));
    }

    [Theory]
    [InlineData("LINE Support")]
    [InlineData("line bot")]
    [InlineData("Team_Line")]
    [InlineData("ＬＩＮＥ")]
    [InlineData("LINEサポート")]
    [InlineData("Line")]
    public void A_name_with_the_word_LINE_is_not_used_as_sender_name(string first)
    {
        var sender = StaffDisplayName.ForSender(StaffNameFormat.FirstName, new StaffName(first));

        sender.Value.Should().BeNull();
        sender.Note.Should().Contain("LINE refuses the word 'LINE' there");
    }

    [Theory]
    [InlineData("Caroline")]
    [InlineData("Pauline Lines")]
    [InlineData("Adeline")]
    [InlineData("Linea")]
    public void Names_that_merely_contain_the_letters_are_kept(string first)
    {
        StaffDisplayName.ForSender(StaffNameFormat.FirstName, new StaffName(first)).Value.Should().Be(first);
    }

    [Fact]
    public void The_word_check_is_made_on_the_shortened_name()
    {
        // In full the last word is "Linea"; cut to 20 it would read "Line".
        var sender = StaffDisplayName.ForSender(StaffNameFormat.FirstAndLastName, new StaffName("Anna-Katharinas", "Linea"));

        sender.Value.Should().BeNull();
        sender.Note.Should().StartWith("The name 'Anna-Katharinas Line' is not used as sender.name");
    }
}
