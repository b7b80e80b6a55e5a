using System.Text.Json;
using LineConnector.Core.Outbound;
using LineConnector.Tests.Media;

namespace LineConnector.Tests.Outbound;

/// <summary>Quote tokens and <c>textV2</c> substitutions, as the outbound policy judges them.</summary>
public sealed class QuotesAndMentionsPolicyTests(MediaServerFixture media) : IClassFixture<MediaServerFixture>
{
    private const string UserId = "U4af4980629aaaaaaaaaaaaaaaaaaaaaa";

    private readonly OutboundPolicy _policy = new(media.Fetcher);

    private async Task<IReadOnlyList<string>> ReasonsFor(string json)
    {
        using var document = JsonDocument.Parse("[" + json + "]");
        var verdict = await _policy.CheckAsync(document.RootElement, CancellationToken.None);
        return verdict.Messages.Should().ContainSingle().Subject.Reasons;
    }

    private static string Mention(string key) => "{\"" + key + "\":{\"type\":\"mention\",\"mentionee\":{\"type\":\"user\",\"userId\":\"" + UserId + "\"}}}";

    [Fact]
    public async Task A_quote_token_is_passed_on_text_textV2_and_stickers_when_it_has_a_tokens_shape()
    {
        (await ReasonsFor("""{"type":"text","text":"Yes","quoteToken":"q3Plxr4AgKd-Zw_52FIkcQ"}""")).Should().BeEmpty();
        (await ReasonsFor("""{"type":"sticker","packageId":"446","stickerId":"1988","quoteToken":"q3Plxr4AgKd"}""")).Should().BeEmpty();
        (await ReasonsFor("""{"type":"textV2","text":"Yes","quoteToken":"q3Plxr4AgKd"}""")).Should().BeEmpty();

        (await ReasonsFor("""{"type":"text","text":"Yes","quoteToken":"has spaces"}""")).Should().Equal(
            "'quoteToken' must be the quote token of a message as LINE gave it: 1 to 1,000 printable ASCII characters without spaces");
        (await ReasonsFor("""{"type":"text","text":"Yes","quoteToken":""}""")).Should().ContainSingle().Which.Should().StartWith("'quoteToken' must be");
        (await ReasonsFor("""{"type":"text","text":"Yes","quoteToken":42}""")).Should().ContainSingle().Which.Should().StartWith("'quoteToken' must be");
        (await ReasonsFor($$"""{"type":"text","text":"Yes","quoteToken":"{{new string('q', 1001)}}"}""")).Should().ContainSingle().Which.Should().StartWith("'quoteToken' must be");
    }

    [Fact]
    public async Task A_quote_token_on_a_message_LINE_cannot_quote_with_is_refused()
    {
        var image = media.Url("image.jpg");
        var reasons = await ReasonsFor($$"""{"type":"image","originalContentUrl":"{{image}}","previewImageUrl":"{{image}}","quoteToken":"q3Plxr4AgKd"}""");
        reasons.Should().Equal("'quoteToken' is only for text, textV2 and sticker messages");
    }

    [Fact]
    public async Task TextV2_is_counted_after_substitution_a_mention_at_its_longest()
    {
        // 4,978 characters and one user mention (at most '@' and a 20-character name): 4,999 after substitution.
        (await ReasonsFor($$"""{"type":"textV2","text":"{{new string('a', 4978)}}{user}","substitution":{{Mention("user")}}}""")).Should().BeEmpty();
        (await ReasonsFor($$"""{"type":"textV2","text":"{{new string('a', 4979)}}{user}","substitution":{{Mention("user")}}}""")).Should().Equal(
            "the text is 5,000 UTF-16 code units long after substitution; at most 4,999 are accepted");

        // The same text as a plain text message is 4,985 code units: the placeholder is not substituted there.
        (await ReasonsFor($$"""{"type":"text","text":"{{new string('a', 4979)}}{user}"}""")).Should().BeEmpty();

        // @All counts as itself; a doubled brace as one brace.
        (await ReasonsFor($$$$$"""{"type":"textV2","text":"{{{{{new string('a', 4993)}}}}}{{}}{all}","substitution":{"all":{"type":"mention","mentionee":{"type":"all"}}}}""")).Should().BeEmpty();
        (await ReasonsFor($$$$$"""{"type":"textV2","text":"{{{{{new string('a', 4994)}}}}}{{}}{all}","substitution":{"all":{"type":"mention","mentionee":{"type":"all"}}}}""")).Should().Equal(
            "the text is 5,000 UTF-16 code units long after substitution; at most 4,999 are accepted");
    }

    [Fact]
    public async Task TextV2_substitutions_must_have_LINEs_shape_and_match_the_placeholders()
    {
        (await ReasonsFor("""{"type":"textV2","text":"Hi {friend} {smile}","substitution":{"friend":{"type":"mention","mentionee":{"type":"user","userId":"U4af4980629aaaaaaaaaaaaaaaaaaaaaa"}},"smile":{"type":"emoji","productId":"5ac1bfd5040ab15980c9b435","emojiId":"002"}}}"""))
            .Should().BeEmpty();

        (await ReasonsFor("""{"type":"textV2","text":"Hi {friend}"}""")).Should().Equal("'{friend}' has no entry in 'substitution'");
        (await ReasonsFor("""{"type":"textV2","text":"Hi","substitution":{"friend":{"type":"mention","mentionee":{"type":"all"}}}}""")).Should().Equal("substitution.friend is not used in the text");
        (await ReasonsFor("""{"type":"textV2","text":"Hi {friend}","substitution":{"friend":{"type":"mention","mentionee":{"type":"user","userId":"nobody"}}}}""")).Should().Equal(
            "substitution.friend: a user mention needs 'mentionee.userId': U followed by 32 hexadecimal digits");
        (await ReasonsFor("""{"type":"textV2","text":"Hi {friend}","substitution":{"friend":{"type":"sticker"}}}""")).Should().Equal("substitution.friend: 'type' is 'sticker', not mention or emoji");
        (await ReasonsFor("""{"type":"textV2","text":"Hi {smile}","substitution":{"smile":{"type":"emoji","productId":"x"}}}""")).Should().Equal("substitution.smile: an emoji needs 'productId' and 'emojiId'");
        (await ReasonsFor("""{"type":"textV2","text":"a { b"}""")).Should().ContainSingle().Which.Should().Contain("opens no {key}");
        (await ReasonsFor("""{"type":"textV2","text":"a } b"}""")).Should().ContainSingle().Which.Should().Contain("lone '}'");
        (await ReasonsFor("""{"type":"text","text":"Hi","substitution":{}}""")).Should().Equal("'substitution' is only for textV2 messages");
    }
}
