using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using LineConnector.Core.Media;
using LineConnector.Functions.MediaStore;
using LineConnector.Tests.Storage;
using LineConnector.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static LineConnector.Tests.Enquiries.EnquiryWorld;

namespace LineConnector.Tests.Media;

/// <summary>
/// AAC in ADTS made by ffmpeg at test time goes to LINE as M4A: remuxed without re-encoding, stored in
/// Azurite's blob service (scripts/test.sh starts it and names it in <see cref="BlobEndpointVariable"/>),
/// and ffprobe reads the result as AAC of the same duration.
/// </summary>
public sealed class AudioRemuxEndToEndTests : IAsyncLifetime
{
    public const string BlobEndpointVariable = "LINECONNECTOR_TEST_AZURITE_BLOB_ENDPOINT";

    private const double Seconds = 10;

    private readonly TemporaryFolder _folder = new();
    private MediaServer _media = null!;

    public async Task InitializeAsync() => _media = await MediaServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _media.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>The media store on the test Azurite, as the app reads it from its <c>MediaStore</c> setting.</summary>
    public static string BlobConnectionString()
    {
        var endpoint = Environment.GetEnvironmentVariable(BlobEndpointVariable);
        if (string.IsNullOrEmpty(endpoint))
        {
            throw new InvalidOperationException(
                $"{BlobEndpointVariable} is not set, so there is no Azurite blob service to test against: run the tests with 'bash scripts/test.sh', which starts it and sets it.");
        }

        return $"DefaultEndpointsProtocol=http;AccountName={AzuriteTableStoreTests.DevelopmentAccountName};AccountKey={AzuriteTableStoreTests.DevelopmentAccountKey};BlobEndpoint={endpoint}";
    }

    private static async Task<string> RunAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var run = await ProcessRun.RunAsync(start, TimeSpan.FromMinutes(1));
        run.ExitCode.Should().Be(0, $"{tool} {string.Join(' ', args)} failed: {run.Errors}");
        return run.Output;
    }

    /// <summary>Ten seconds of tone encoded as AAC-LC in ADTS by ffmpeg.</summary>
    private async Task<byte[]> AdtsAsync()
    {
        var path = Path.Combine(_folder.Path, "tone.aac");
        await RunAsync("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-nostdin", "-f", "lavfi", "-i", $"sine=frequency=440:sample_rate=44100:duration={Seconds}",
            "-c:a", "aac", "-b:a", "64k", "-ac", "2", "-f", "adts", path);
        return await File.ReadAllBytesAsync(path);
    }

    private async Task<(string Codec, double Seconds, string Format)> ProbeAsync(byte[] m4a)
    {
        var path = Path.Combine(_folder.Path, "out.m4a");
        await File.WriteAllBytesAsync(path, m4a);
        var json = await RunAsync("ffprobe", "-v", "error", "-show_entries", "stream=codec_name,duration:format=format_name", "-of", "json", path);
        using var document = JsonDocument.Parse(json);
        var stream = document.RootElement.GetProperty("streams")[0];
        return (stream.GetProperty("codec_name").GetString()!, double.Parse(stream.GetProperty("duration").GetString()!, CultureInfo.InvariantCulture),
            document.RootElement.GetProperty("format").GetProperty("format_name").GetString()!);
    }

    [Fact]
    public async Task An_ADTS_file_becomes_an_M4A_that_ffprobe_reads_as_AAC_of_the_same_duration()
    {
        var adts = await AdtsAsync();
        using var input = new MemoryStream(adts);
        using var output = new MemoryStream();

        var audio = await AdtsToM4a.RemuxAsync(input, output, CancellationToken.None);

        var (codec, seconds, format) = await ProbeAsync(output.ToArray());
        codec.Should().Be("aac");
        format.Should().Contain("mp4").And.Contain("m4a");
        seconds.Should().BeApproximately(Seconds, Seconds * 0.01);
        (audio.DurationMs / 1000.0).Should().BeApproximately(seconds, seconds * 0.01);
        audio.Should().Match<RemuxedAudio>(a => a.SampleRate == 44100 && a.Channels == 2 && a.Bytes == output.Length);
    }

    [Fact]
    public async Task A_staff_reply_with_ADTS_audio_reaches_LINE_as_a_short_lived_URL_to_the_M4A_in_the_blob_container()
    {
        var adts = _media.Serve("/voice.aac", VirtualFile.Of(await AdtsAsync()));
        await using var world = await StartAsync(
            new Dictionary<string, string?> { [MediaStoreSettings.Section] = BlobConnectionString(), [$"{MediaStoreSettings.Section}:{MediaStoreSettings.Container}"] = "remux-test" },
            services => services.Replace(ServiceDescriptor.Singleton(new MediaFetcher(new MediaFetchOptions { AllowLoopbackHttpForTests = true }, TimeProvider.System))));
        await world.PostWebhookAsync(Text(User(1), "01REMUX000000000000000001"));
        var enquiryId = world.Received("desk").First().Message.Enquiry.Id;

        var reply = $$"""{"staff":{"id":"aiko","firstName":"Aiko"},"messages":[{"type":"audio","originalContentUrl":"{{adts}}"}]}""";
        (await world.CallAsync(HttpMethod.Post, $"/api/enquiries/{enquiryId}/messages", DeskSecret, reply)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var report = await world.EventuallyAsync(() => world.Received("desk").Select(r => r.Message).FirstOrDefault(m => m.Kind == "delivery"), "the delivery report");

        report.Delivery!.Status.Should().Be("delivered", string.Join("; ", report.Delivery.Failure?.Details ?? []));
        var sent = world.Line.Requests.Last(r => r.Path.EndsWith("/push", StringComparison.Ordinal)).Json.GetProperty("messages")[0];
        var url = new Uri(sent.GetProperty("originalContentUrl").GetString()!);
        url.AbsolutePath.Should().StartWith("/devstoreaccount1/remux-test/").And.EndWith(".m4a");
        var query = System.Web.HttpUtility.ParseQueryString(url.Query);
        query["sp"].Should().Be("r", "LINE gets a read-only URL");
        DateTimeOffset.Parse(query["se"]!, CultureInfo.InvariantCulture).Should().BeCloseTo(DateTimeOffset.UtcNow + MediaStoreSettings.UrlLifetime, TimeSpan.FromMinutes(5));

        using var http = new HttpClient();
        var m4a = await http.GetByteArrayAsync(url);
        var (codec, seconds, _) = await ProbeAsync(m4a);
        codec.Should().Be("aac");
        seconds.Should().BeApproximately(Seconds, Seconds * 0.01);
        (sent.GetProperty("duration").GetInt64() / 1000.0).Should().BeApproximately(seconds, seconds * 0.01);
        (await http.GetAsync(new UriBuilder(url) { Query = "" }.Uri)).StatusCode.Should().NotBe(HttpStatusCode.OK, "the container is private");
    }

    [Fact]
    public async Task WAV_and_MPEG_Layer_II_stay_refused_with_the_conversion_they_need_even_with_a_media_store()
    {
        var fetcher = new MediaFetcher(new MediaFetchOptions { AllowLoopbackHttpForTests = true }, TimeProvider.System);
        var policy = new Core.Outbound.OutboundPolicy(fetcher, new AudioRemux(fetcher, MediaStoreSettings.CreateStore(
            new ConfigurationBuilder().AddInMemoryCollection([KeyValuePair.Create(MediaStoreSettings.Section, (string?)BlobConnectionString())]).Build(),
            TimeProvider.System)));
        var wav = _media.ServeFixture("audio.wav");
        var mp2 = _media.ServeFixture("audio.mp2");

        var verdict = await policy.CheckAsync(JsonSerializer.SerializeToElement(new object[]
        {
            new { type = "audio", originalContentUrl = wav, duration = 1000 },
            new { type = "audio", originalContentUrl = mp2, duration = 1000 },
        }), CancellationToken.None);

        verdict.Messages[0].Reasons.Should().Equal("originalContentUrl: the audio is WAV, which LINE does not play as sent: convert it to M4A (AAC) or MP3");
        verdict.Messages[1].Reasons.Should().ContainSingle().Which.Should().Contain("MPEG-1/2 Layer II").And.Contain("convert it to MP3 or M4A (AAC)");
        verdict.Messages.Should().OnlyContain(m => !m.RemuxAdts);
    }
}
