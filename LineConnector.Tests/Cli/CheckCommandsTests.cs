using System.CommandLine;
using System.Text;
using System.Text.Json;
using LineConnector.Cli;
using LineConnector.Core.Media;
using LineConnector.Tests.Media;

namespace LineConnector.Tests.Cli;

/// <summary><c>check-media</c> and <c>check-message</c>, parsed and run in-process on the fixtures.</summary>
public sealed class CheckCommandsTests(MediaServerFixture media) : IClassFixture<MediaServerFixture>
{
    private sealed record Run(int ExitCode, string Output, string Error)
    {
        public JsonElement Json => JsonDocument.Parse(Output).RootElement;
    }

    private async Task<Run> RunAsync(string[] args, string standardInput = "")
    {
        var commands = new[]
        {
            CheckMediaCommand.Create(LocalFetcher),
            CheckMessageCommand.Create(LocalFetcher, () => new MemoryStream(Encoding.UTF8.GetBytes(standardInput))),
        };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await CliRunner.RunAsync(commands, args, new InvocationConfiguration { Output = output, Error = error }, CancellationToken.None);
        return new Run(exit, output.ToString(), error.ToString());
    }

    private static MediaFetcher LocalFetcher() => new(new MediaFetchOptions { AllowLoopbackHttpForTests = true }, TimeProvider.System);

    [Theory]
    [InlineData("video-h264-aac-moov-at-end.mp4", "accepted", "video", "mp4", "h264", new[] { "aac" }, 1000L)]
    [InlineData("audio-aac.m4a", "accepted", "audio", "m4a", null, new[] { "aac" }, 1000L)]
    [InlineData("image.jpg", "accepted", "image", "jpeg", null, new string[0], null)]
    [InlineData("video-h264-two-aac.mp4", "refused", "video", "mp4", "h264", new[] { "aac", "aac" }, 1000L)]
    [InlineData("audio.wav", "refused", "audio", "wav", null, new[] { "pcm_s16" }, 1000L)]
    public async Task Check_media_json_has_every_field(string file, string verdict, string kind, string container, string? videoCodec, string[] audioCodecs, long? durationMs)
    {
        var run = await RunAsync(["check-media", MediaFixtures.PathOf(file), "--json"]);

        run.ExitCode.Should().Be(verdict == "accepted" ? 0 : 1);
        var json = run.Json;
        json.GetProperty("verdict").GetString().Should().Be(verdict);
        json.GetProperty("kind").GetString().Should().Be(kind);
        json.GetProperty("container").GetString().Should().Be(container);
        json.GetProperty("videoCodec").GetString().Should().Be(videoCodec);
        json.GetProperty("audioCodecs").EnumerateArray().Select(c => c.GetString()).Should().Equal(audioCodecs);
        json.GetProperty("audioStreams").GetInt32().Should().Be(audioCodecs.Length);
        (json.GetProperty("durationMs").ValueKind == JsonValueKind.Null ? (long?)null : json.GetProperty("durationMs").GetInt64()).Should().Be(durationMs);
        json.GetProperty("sizeBytes").GetInt64().Should().Be(new FileInfo(MediaFixtures.PathOf(file)).Length);
        json.GetProperty("reasons").GetArrayLength().Should().Be(verdict == "accepted" ? 0 : 1);
    }

    [Fact]
    public async Task Check_media_prints_each_reason()
    {
        var run = await RunAsync(["check-media", MediaFixtures.PathOf("video-hevc-aac.mp4")]);

        run.ExitCode.Should().Be(1);
        run.Output.Should().Be(
            "refused: video, mp4, hevc + aac, 1,000 ms, 10,122 bytes\n" +
            "  - the video codec is hevc; LINE plays H.264 only: re-encode the video as H.264\n");
    }

    [Fact]
    public async Task Check_media_reads_urls_with_range_requests()
    {
        var run = await RunAsync(["check-media", media.Url("video-h264-aac-moov-at-end.mp4"), "--json"]);

        run.ExitCode.Should().Be(0);
        run.Json.GetProperty("verdict").GetString().Should().Be("accepted");
        run.Json.GetProperty("requests").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task A_url_a_rule_forbids_is_refused()
    {
        var run = await RunAsync(["check-media", "ftp://example.com/a.mp4", "--json"]);

        run.ExitCode.Should().Be(1);
        run.Json.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()).Should().Equal("the URL must use HTTPS, not ftp");
    }

    [Fact]
    public async Task Media_that_cannot_be_read_is_an_io_error()
    {
        var missing = await RunAsync(["check-media", Path.Combine(MediaFixtures.Directory, "missing.mp4")]);
        var gone = await RunAsync(["check-media", media.Server.Status("/gone.mp4", 404)]);

        missing.ExitCode.Should().Be(2);
        missing.Error.Should().StartWith("Cannot read ").And.Contain("missing.mp4");
        gone.ExitCode.Should().Be(2);
        gone.Error.Should().Contain("answered 404");
        gone.Output.Should().BeEmpty();
    }

    [Theory]
    [InlineData("")]
    [InlineData("check-media")]
    [InlineData("check-media a.mp4 --unknown")]
    [InlineData("check-message")]
    public async Task Usage_errors_exit_with_2(string commandLine)
    {
        var run = await RunAsync(commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        run.ExitCode.Should().Be(2);
        run.Error.Should().Contain("line-connector --help");
    }

    [Fact]
    public async Task Check_message_accepts_a_valid_list_from_a_file()
    {
        var file = Path.GetTempFileName();
        try
        {
            var messages = new object[]
            {
                new { type = "text", text = "Here is the video" },
                new { type = "video", originalContentUrl = media.Url("video-h264-aac.mp4"), previewImageUrl = media.Url("image.jpg") },
                new { type = "audio", originalContentUrl = media.Url("audio.mp3"), duration = 1045 },
            };
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(messages));

            var run = await RunAsync(["check-message", file]);

            run.ExitCode.Should().Be(0);
            run.Output.Should().Be(
                "accepted: 3 message(s) in 1 LINE request(s)\n" +
                "messages[0] (text): accepted\n" +
                "messages[1] (video): accepted\n" +
                "messages[2] (audio): accepted\n");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Check_message_reads_standard_input_and_reports_json()
    {
        var input = JsonSerializer.Serialize(new object[]
        {
            new { type = "text", text = "1" }, new { type = "text", text = "2" }, new { type = "text", text = "3" },
            new { type = "text", text = "4" }, new { type = "text", text = "5" },
            new { type = "audio", originalContentUrl = media.Url("audio.aac"), duration = 1000 },
        });

        var run = await RunAsync(["check-message", "-", "--json"], input);

        run.ExitCode.Should().Be(1);
        var json = run.Json;
        json.GetProperty("verdict").GetString().Should().Be("refused");
        json.GetProperty("requests").GetInt32().Should().Be(2);
        var audio = json.GetProperty("messages")[5];
        audio.GetProperty("type").GetString().Should().Be("audio");
        audio.GetProperty("verdict").GetString().Should().Be("refused");
        audio.GetProperty("reasons")[0].GetString().Should().Contain("convert it to M4A (AAC in MP4)");
    }

    [Fact]
    public async Task Check_message_refuses_what_is_not_a_list()
    {
        var run = await RunAsync(["check-message", "-", "--json"], "{\"type\":\"text\",\"text\":\"hi\"}");

        run.ExitCode.Should().Be(1);
        run.Json.GetProperty("reasons")[0].GetString().Should().Be("the messages are not a JSON array");
    }

    [Fact]
    public async Task Check_message_with_bad_json_is_an_io_error()
    {
        var run = await RunAsync(["check-message", "-"], "[{\"type\":");

        run.ExitCode.Should().Be(2);
        run.Error.Should().StartWith("- is not valid JSON");
    }

    [Fact]
    public async Task Check_message_with_media_that_is_down_is_an_io_error()
    {
        var input = JsonSerializer.Serialize(new[] { new { type = "audio", originalContentUrl = media.Server.Status("/down.mp3", 503), duration = 1000 } });

        var run = await RunAsync(["check-message", "-"], input);

        run.ExitCode.Should().Be(2);
        run.Error.Should().Contain("answered 503");
    }
}
