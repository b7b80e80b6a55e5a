using System.Net;
using System.Text;
using System.Text.Json;
using LineConnector.Core.Enquiries;
using LineConnector.Tests.Line.Api;
using static LineConnector.Tests.Enquiries.EnquiryWorld;

namespace LineConnector.Tests.Enquiries;

/// <summary>Local mode end to end: a user's image, video or audio reaches the destination as an event, whose bytes it fetches through the enquiry API.</summary>
public class EnquiryContentEndToEndTests
{
    private static string ContentPath(string messageId) => $"/v2/bot/message/{messageId}/content";

    private static string TranscodingPath(string messageId) => $"/v2/bot/message/{messageId}/content/transcoding";

    private static FakeReply Transcoding(string status) => new(200, $$"""{"status":"{{status}}"}""");

    private static async Task<string> OpenAsync(EnquiryWorld world, int user, string eventId, string kind, string messageId)
    {
        await world.PostWebhookAsync(ContentMessage(User(user), eventId, kind, messageId));
        var (forwarded, _) = world.Received("desk").Should().Contain(r => r.Message.Event!.Value.GetProperty("webhookEventId").GetString() == eventId).Subject;
        forwarded.Event!.Value.GetProperty("message").GetProperty("id").GetString().Should().Be(messageId);
        return forwarded.Enquiry.Id;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task The_destination_fetches_an_image_the_user_sent_with_its_own_secret_and_gets_LINE_s_bytes()
    {
        await using var world = await StartAsync();
        const string image = "600000000000000001";
        var id = await OpenAsync(world, 30, "01EVENT000000000000000030", "image", image);
        var bytes = "\u00ffJPEG image bytes \u0001\u0002";
        world.Line.Script("GET", ContentPath(image), new FakeReply(200, bytes)
        {
            ContentType = "image/jpeg",
            Headers = new Dictionary<string, string> { ["Content-Length"] = Encoding.UTF8.GetByteCount(bytes).ToString(System.Globalization.CultureInfo.InvariantCulture) },
        });

        var response = await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{id}/content/{image}", DeskSecret);

        // Read before the body: HttpClient would otherwise compute a length of its own.
        response.Content.Headers.NonValidated.TryGetValues("Content-Length", out var length).Should().BeTrue("LINE's Content-Length is passed on");
        length.ToString().Should().Be(Encoding.UTF8.GetByteCount(bytes).ToString(System.Globalization.CultureInfo.InvariantCulture));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadAsByteArrayAsync()).Should().Equal(Encoding.UTF8.GetBytes(bytes));
        response.Content.Headers.ContentType!.MediaType.Should().Be("image/jpeg");
        var asked = world.Line.RequestsTo(ContentPath(image)).Should().ContainSingle().Subject;
        asked.Header("Authorization").Should().Be("Bearer " + AccessToken, "the connector fetches with the channel token");
        world.Line.RequestsTo(TranscodingPath(image)).Should().BeEmpty("images need no transcoding");
        (await world.RowsAsync(EnquiryWorld.Content)).Should().ContainSingle(r => r.RowKey == image)
            .Which.Properties.Should().Contain(EnquiryProperties.EnquiryId, id).And.Contain(EnquiryProperties.Kind, "image");

        // The channel token stays with the connector.
        response.Headers.Concat(response.Content.Headers).SelectMany(h => h.Value).Should().NotContain(v => v.Contains(AccessToken, StringComparison.Ordinal));
        world.App.Logs.AllText.Should().NotContain(AccessToken);
    }

    [Fact]
    public async Task Content_is_only_for_the_enquiry_s_destination_and_only_of_its_own_messages()
    {
        await using var world = await StartAsync();
        var id = await OpenAsync(world, 31, "01EVENT000000000000000031", "image", "600000000000000011");
        var other = await OpenAsync(world, 32, "01EVENT000000000000000032", "image", "600000000000000012");
        world.Line.Script("GET", ContentPath("600000000000000011"), new FakeReply(200, "bytes") { ContentType = "image/jpeg" });
        world.Line.Script("GET", ContentPath("600000000000000012"), new FakeReply(200, "other bytes") { ContentType = "image/jpeg" });

        (await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{id}/content/600000000000000011", null)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{id}/content/600000000000000011", "not-a-secret")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{id}/content/600000000000000011", BackupSecret)).StatusCode.Should().Be(HttpStatusCode.Forbidden);

        var others = await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{id}/content/600000000000000012", DeskSecret);
        others.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await others.Content.ReadAsStringAsync()).Should().NotContain(other).And.NotContain("other bytes");
        (await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{id}/content/699999999999999999", DeskSecret)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{id}/content/not%2Fan-id", DeskSecret)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        world.Line.RequestsTo(ContentPath("600000000000000011")).Should().BeEmpty("nothing is fetched for a caller who may not have it");
        world.Line.RequestsTo(ContentPath("600000000000000012")).Should().BeEmpty();

        (await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{other}/content/600000000000000012", DeskSecret)).StatusCode.Should().Be(HttpStatusCode.OK);
        world.App.Logs.AllText.Should().NotContain(DeskSecret).And.NotContain(BackupSecret).And.NotContain(AccessToken);
    }

    [Fact]
    public async Task A_video_is_fetched_only_once_LINE_has_transcoded_it()
    {
        await using var world = await StartAsync();
        const string video = "600000000000000021";
        var id = await OpenAsync(world, 33, "01EVENT000000000000000033", "video", video);
        world.Line.Script("GET", TranscodingPath(video), Transcoding("processing"), Transcoding("succeeded"));
        world.Line.Script("GET", ContentPath(video), new FakeReply(200, "mp4 bytes") { ContentType = "video/mp4" });

        var early = await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{id}/content/{video}", DeskSecret);

        early.StatusCode.Should().Be(HttpStatusCode.Accepted);
        early.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(5));
        (await ProblemAsync(early)).GetProperty("detail").GetString().Should().Contain("still preparing");
        world.Line.RequestsTo(ContentPath(video)).Should().BeEmpty("video is not fetched before LINE reports the transcoding done");

        var later = await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{id}/content/{video}", DeskSecret);

        later.StatusCode.Should().Be(HttpStatusCode.OK);
        (await later.Content.ReadAsStringAsync()).Should().Be("mp4 bytes");
        later.Content.Headers.ContentType!.MediaType.Should().Be("video/mp4");
    }

    [Fact]
    public async Task LINE_s_own_202_while_it_prepares_the_content_is_passed_on_with_Retry_After()
    {
        await using var world = await StartAsync();
        const string audio = "600000000000000031";
        var id = await OpenAsync(world, 34, "01EVENT000000000000000034", "audio", audio);
        world.Line.Script("GET", TranscodingPath(audio), Transcoding("succeeded"));
        world.Line.Script("GET", ContentPath(audio), new FakeReply(202));

        var response = await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{id}/content/{audio}", DeskSecret);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        response.Headers.RetryAfter.Should().NotBeNull();
        world.Line.RequestsTo(ContentPath(audio)).Should().ContainSingle();
    }

    [Fact]
    public async Task A_video_LINE_could_not_transcode_is_422()
    {
        await using var world = await StartAsync();
        const string video = "600000000000000041";
        var id = await OpenAsync(world, 35, "01EVENT000000000000000035", "video", video);
        world.Line.Script("GET", TranscodingPath(video), Transcoding("failed"));

        var response = await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{id}/content/{video}", DeskSecret);

        response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await ProblemAsync(response)).GetProperty("title").GetString().Should().Be("LINE could not prepare it");
        world.Line.RequestsTo(ContentPath(video)).Should().BeEmpty();
    }

    [Fact]
    public async Task Content_LINE_no_longer_keeps_is_404_and_a_LINE_outage_is_503()
    {
        await using var world = await StartAsync(new Dictionary<string, string?> { ["Line:MaxRetries"] = "0" });
        const string image = "600000000000000051";
        var id = await OpenAsync(world, 36, "01EVENT000000000000000036", "image", image);
        world.Line.Script("GET", ContentPath(image), FakeReply.Error(410, "Gone"), FakeReply.Error(500, "Internal error"));

        var gone = await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{id}/content/{image}", DeskSecret);
        var down = await world.CallAsync(HttpMethod.Get, $"/api/enquiries/{id}/content/{image}", DeskSecret);

        gone.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await ProblemAsync(gone)).GetProperty("title").GetString().Should().Be("LINE no longer keeps this content");
        down.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var answers = await gone.Content.ReadAsStringAsync() + await down.Content.ReadAsStringAsync();
        answers.Should().NotContain(AccessToken);
        world.App.Logs.AllText.Should().NotContain(AccessToken);
    }

    [Fact]
    public async Task Only_content_LINE_keeps_is_recorded_and_a_redelivered_event_records_it_once()
    {
        await using var world = await StartAsync();
        await world.PostWebhookAsync(
            ContentMessage(User(37), "01EVENT000000000000000037", "image", "600000000000000061", provider: "external"),
            ContentMessage(User(37), "01EVENT000000000000000038", "file", "600000000000000062", provider: null),
            Text(User(37), "01EVENT000000000000000039"));
        await world.PostWebhookAsync(ContentMessage(User(37), "01EVENT000000000000000038", "file", "600000000000000062", provider: null));

        var rows = await world.RowsAsync(EnquiryWorld.Content);
        rows.Should().ContainSingle().Which.RowKey.Should().Be("600000000000000062");
        rows[0].Properties[EnquiryProperties.Kind].Should().Be("file");
    }
}
