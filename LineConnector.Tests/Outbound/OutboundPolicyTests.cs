using System.Text.Json;
using LineConnector.Core.Media;
using LineConnector.Core.Outbound;
using LineConnector.Tests.Media;

namespace LineConnector.Tests.Outbound;

/// <summary>Every outbound limit, with media served by a local HTTP server from real files.</summary>
public sealed class OutboundPolicyTests(MediaServerFixture media) : IClassFixture<MediaServerFixture>
{
    private readonly OutboundPolicy _policy = new(media.Fetcher);

    private async Task<OutboundVerdict> Check(params object[] messages) =>
        await _policy.CheckAsync(JsonSerializer.SerializeToElement(messages, TestJson.Options), CancellationToken.None);

    private async Task<IReadOnlyList<string>> ReasonsFor(object message)
    {
        var verdict = await Check(message);
        verdict.ListReasons.Should().BeEmpty();
        return verdict.Messages.Should().ContainSingle().Subject.Reasons;
    }

    private static object Text(string text) => new Dictionary<string, object> { ["type"] = "text", ["text"] = text };

    private object Image(string original, string preview = "image.jpg") =>
        new Dictionary<string, object> { ["type"] = "image", ["originalContentUrl"] = Resolve(original), ["previewImageUrl"] = Resolve(preview) };

    private object Video(string original, string preview = "image.jpg") =>
        new Dictionary<string, object> { ["type"] = "video", ["originalContentUrl"] = Resolve(original), ["previewImageUrl"] = Resolve(preview) };

    private object Audio(string original, object? duration = null) =>
        new Dictionary<string, object> { ["type"] = "audio", ["originalContentUrl"] = Resolve(original), ["duration"] = duration ?? 1000 };

    private string Resolve(string fixtureOrUrl) => fixtureOrUrl.Contains("://", StringComparison.Ordinal) ? fixtureOrUrl : media.Url(fixtureOrUrl);

    // Text

    [Fact]
    public async Task Text_of_4999_utf16_code_units_is_accepted_and_5000_refused()
    {
        (await ReasonsFor(Text(new string('a', 4999)))).Should().BeEmpty();
        (await ReasonsFor(Text(new string('a', 5000)))).Should().Equal("the text is 5,000 UTF-16 code units long; at most 4,999 are accepted");
    }

    [Fact]
    public async Task Text_is_counted_in_utf16_code_units_as_line_counts_it()
    {
        // 😀 is one character but two UTF-16 code units.
        var emoji = string.Concat(Enumerable.Repeat("😀", 2499));
        (await ReasonsFor(Text(emoji + "a"))).Should().BeEmpty();
        (await ReasonsFor(Text(emoji + "😀"))).Should().Equal("the text is 5,000 UTF-16 code units long; at most 4,999 are accepted");
    }

    [Fact]
    public async Task Text_must_be_present_and_not_empty()
    {
        (await ReasonsFor(Text(""))).Should().Equal("the text is empty");
        (await ReasonsFor(new { type = "text" })).Should().Equal("'text' is required");
        (await ReasonsFor(new { type = "textV2", text = new string('x', 5000) })).Should().ContainSingle().Which.Should().Contain("at most 4,999");
    }

    // The list

    [Fact]
    public async Task More_than_five_objects_are_accepted_and_sent_in_order_over_several_requests()
    {
        var messages = Enumerable.Range(0, 11).Select(i => Text($"m{i}")).ToArray();
        var element = JsonSerializer.SerializeToElement(messages, TestJson.Options);

        var verdict = await _policy.CheckAsync(element, CancellationToken.None);
        var batches = OutboundPolicy.Batches(element);

        verdict.Accepted.Should().BeTrue();
        batches.Select(b => b.Length).Should().Equal(5, 5, 1);
        batches.SelectMany(b => b).Select(m => m.GetProperty("text").GetString()).Should().Equal(Enumerable.Range(0, 11).Select(i => $"m{i}"));
    }

    [Fact]
    public async Task A_list_must_be_a_non_empty_array()
    {
        var notArray = await _policy.CheckAsync(JsonSerializer.SerializeToElement(new { type = "text", text = "hi" }), CancellationToken.None);
        var empty = await Check();

        notArray.ListReasons.Should().Equal("the messages are not a JSON array");
        notArray.Accepted.Should().BeFalse();
        empty.ListReasons.Should().Equal("there are no messages to send");
        empty.Accepted.Should().BeFalse();
    }

    [Fact]
    public async Task Every_message_gets_its_own_verdict_and_the_list_leaves_only_when_all_pass()
    {
        var verdict = await Check(Text("hello"), new { type = "flex", altText = "x", contents = new { } }, 42, new { text = "no type" });

        verdict.Accepted.Should().BeFalse();
        verdict.Messages.Select(m => (m.Index, m.Type, m.Accepted)).Should().Equal((0, "text", true), (1, "flex", false), (2, "unknown", false), (3, "unknown", false));
        verdict.AllReasons.Should().Equal(
            "messages[1] (flex): 'flex' messages are not sent by this channel",
            "messages[2] (unknown): the message is not a JSON object",
            "messages[3] (unknown): the message has no 'type'");
    }

    // Types

    [Theory]
    [InlineData("file")]
    [InlineData("location")]
    [InlineData("imagemap")]
    [InlineData("template")]
    [InlineData("flex")]
    public async Task File_location_imagemap_template_and_flex_are_refused(string type)
    {
        (await ReasonsFor(new { type })).Should().Equal($"'{type}' messages are not sent by this channel");
    }

    [Theory]
    [InlineData("coupon")]
    [InlineData("hologram")]
    public async Task Other_types_are_refused(string type)
    {
        (await ReasonsFor(new { type })).Should().Equal($"'{type}' is not a message type this channel sends (text, sticker, image, video, audio)");
    }

    [Fact]
    public async Task Stickers_need_their_ids()
    {
        (await ReasonsFor(new { type = "sticker", packageId = "446", stickerId = "1988" })).Should().BeEmpty();
        (await ReasonsFor(new { type = "sticker", packageId = "446" })).Should().Equal("'stickerId' is required");
    }

    // Images

    [Theory]
    [InlineData("image.png")]
    [InlineData("image.jpg")]
    public async Task Png_and_jpeg_images_are_accepted(string file)
    {
        (await ReasonsFor(Image(file, preview: file))).Should().BeEmpty();
    }

    [Theory]
    [InlineData("image.gif", "GIF")]
    [InlineData("image.webp", "WebP")]
    [InlineData("image.avif", "AVIF")]
    public async Task Other_image_formats_are_refused_by_name(string file, string name)
    {
        (await ReasonsFor(Image(file, preview: file))).Should().Equal(
            $"originalContentUrl: the image is {name}; LINE shows PNG or JPEG only: convert it to PNG or JPEG",
            $"previewImageUrl: the preview image is {name}; LINE shows PNG or JPEG only: convert it to PNG or JPEG");
    }

    [Theory]
    [InlineData(MediaRules.MaxImageBytes, true)]
    [InlineData(MediaRules.MaxImageBytes + 1, false)]
    public async Task Images_may_be_10_MB(long size, bool accepted)
    {
        var url = media.Server.Serve("/sized.png", VirtualFile.Sparse(MediaFixtures.Bytes("image.png"), size));

        var reasons = await ReasonsFor(Image(url));

        reasons.Should().Equal(accepted ? [] : ["originalContentUrl: the image is 10,000,001 bytes; at most 10,000,000 (10 MB) are accepted"]);
    }

    [Theory]
    [InlineData(MediaRules.MaxPreviewBytes, true)]
    [InlineData(MediaRules.MaxPreviewBytes + 1, false)]
    public async Task Previews_may_be_1_MB(long size, bool accepted)
    {
        var url = media.Server.Serve("/preview.jpg", VirtualFile.Sparse(MediaFixtures.Bytes("image.jpg"), size));

        var reasons = await ReasonsFor(Image("image.png", preview: url));

        reasons.Should().Equal(accepted ? [] : ["previewImageUrl: the preview image is 1,000,001 bytes; at most 1,000,000 (1 MB) are accepted"]);
    }

    [Fact]
    public async Task Images_need_a_preview()
    {
        var message = new Dictionary<string, object> { ["type"] = "image", ["originalContentUrl"] = media.Url("image.png") };

        (await ReasonsFor(message)).Should().Equal("'previewImageUrl' is required");
    }

    [Fact]
    public async Task A_video_sent_as_an_image_is_refused()
    {
        (await ReasonsFor(Image("video-h264-aac.mp4"))).Should().Equal(
            "originalContentUrl: the image is not an image (it is MP4, video); LINE shows PNG or JPEG");
    }

    // Video

    [Theory]
    [InlineData("video-h264-aac.mp4")]
    [InlineData("video-h264-aac-moov-at-end.mp4")]
    [InlineData("video-h264-avc3-aac.mp4")]
    public async Task Mp4_with_h264_and_one_aac_stream_is_accepted(string file)
    {
        (await ReasonsFor(Video(file))).Should().BeEmpty();
    }

    [Theory]
    [InlineData("video-hevc-aac.mp4", "the video codec is hevc; LINE plays H.264 only: re-encode the video as H.264")]
    [InlineData("video-mpeg4-aac.mp4", "the video codec is mpeg4; LINE plays H.264 only: re-encode the video as H.264")]
    [InlineData("video-vp9-aac.mp4", "the video codec is vp9; LINE plays H.264 only: re-encode the video as H.264")]
    [InlineData("video-av1-aac.mp4", "the video codec is av1; LINE plays H.264 only: re-encode the video as H.264")]
    [InlineData("video-h264-mp3.mp4", "the video's audio codec is mp3; only AAC is accepted: re-encode the audio as AAC")]
    [InlineData("video-h264-two-aac.mp4", "the video has 2 audio streams; at most one is accepted: keep a single audio stream")]
    [InlineData("video-h264-aac.3gp", "the video is 3GP, which LINE does not play as sent: convert it to MP4 (H.264 video, AAC audio)")]
    [InlineData("audio-aac.m4a", "the video is not a video (it is M4A, audio)")]
    public async Task Video_line_cannot_play_is_refused_with_the_fix(string file, string reason)
    {
        (await ReasonsFor(Video(file))).Should().Equal($"originalContentUrl: {reason}");
    }

    [Fact]
    public async Task Every_reason_is_given()
    {
        (await ReasonsFor(Video("video-hevc-aac.mp4", preview: "image.gif"))).Should().Equal(
            "originalContentUrl: the video codec is hevc; LINE plays H.264 only: re-encode the video as H.264",
            "previewImageUrl: the preview image is GIF; LINE shows PNG or JPEG only: convert it to PNG or JPEG");
    }

    [Theory]
    [InlineData(MediaRules.MaxVideoBytes, true)]
    [InlineData(MediaRules.MaxVideoBytes + 1, false)]
    public async Task Video_may_be_200_MB(long size, bool accepted)
    {
        var url = media.Server.Serve("/sized.mp4", LargeMedia.GrowMdat("video-h264-aac-moov-at-end.mp4", size));

        var reasons = await ReasonsFor(Video(url));

        reasons.Should().Equal(accepted ? [] : ["originalContentUrl: the video is 200,000,001 bytes; at most 200,000,000 (200 MB) are accepted"]);
    }

    [Fact]
    public async Task Video_needs_a_preview_image()
    {
        var message = new Dictionary<string, object> { ["type"] = "video", ["originalContentUrl"] = media.Url("video-h264-aac.mp4") };

        (await ReasonsFor(message)).Should().Equal("'previewImageUrl' is required");
    }

    // Audio

    [Theory]
    [InlineData("audio-aac.m4a")]
    [InlineData("audio.mp3")]
    public async Task M4a_and_mp3_audio_are_accepted(string file)
    {
        (await ReasonsFor(Audio(file))).Should().BeEmpty();
    }

    [Theory]
    [InlineData("audio.aac", "the audio is AAC in ADTS (a raw .aac stream), which LINE does not play as sent: convert it to M4A (AAC in MP4)")]
    [InlineData("audio.wav", "the audio is WAV, which LINE does not play as sent: convert it to M4A (AAC) or MP3")]
    [InlineData("audio.mp2", "the audio is MPEG-1/2 Layer II (mp2), which LINE does not play as sent: convert it to MP3 or M4A (AAC)")]
    [InlineData("audio-vorbis.ogg", "the audio is Ogg (vorbis), which is refused: convert it to M4A (AAC) or MP3")]
    [InlineData("audio-opus.ogg", "the audio is Ogg (opus), which is refused: convert it to M4A (AAC) or MP3")]
    [InlineData("video-h264-aac.mp4", "the audio is not audio (it is MP4, video)")]
    public async Task Audio_line_cannot_play_is_refused_with_the_conversion_it_needs(string file, string reason)
    {
        (await ReasonsFor(Audio(file))).Should().Equal($"originalContentUrl: {reason}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData("1000")]
    [InlineData(1.5)]
    public async Task Audio_needs_its_duration(object duration)
    {
        (await ReasonsFor(Audio("audio.mp3", duration))).Should().Equal("'duration' is required: the audio's length in milliseconds, a whole number above 0");
    }

    [Theory]
    [InlineData("audio-aac.m4a", MediaRules.MaxAudioBytes, true)]
    [InlineData("audio-aac.m4a", MediaRules.MaxAudioBytes + 1, false)]
    public async Task M4a_audio_may_be_200_MB(string file, long size, bool accepted)
    {
        var url = media.Server.Serve("/sized.m4a", LargeMedia.GrowMdat(file, size));

        var reasons = await ReasonsFor(Audio(url));

        reasons.Should().Equal(accepted ? [] : ["originalContentUrl: the audio is 200,000,001 bytes; at most 200,000,000 (200 MB) are accepted"]);
    }

    [Theory]
    [InlineData(MediaRules.MaxAudioBytes, true)]
    [InlineData(MediaRules.MaxAudioBytes + 1, false)]
    public async Task Mp3_audio_may_be_200_MB(long size, bool accepted)
    {
        var url = media.Server.Serve("/sized.mp3", VirtualFile.Sparse(MediaFixtures.Bytes("audio.mp3"), size));

        var reasons = await ReasonsFor(Audio(url));

        reasons.Should().Equal(accepted ? [] : ["originalContentUrl: the audio is 200,000,001 bytes; at most 200,000,000 (200 MB) are accepted"]);
    }

    [Fact]
    public async Task Audio_without_a_known_duration_is_refused()
    {
        // An M4A whose movie and track durations are both "unknown" (all ones).
        var bytes = MediaFixtures.Bytes("audio-aac.m4a");
        foreach (var box in new[] { "mvhd"u8.ToArray(), "mdhd"u8.ToArray() })
        {
            var at = bytes.AsSpan().IndexOf(box) + 4;
            bytes.AsSpan(at + 16, 4).Fill(0xFF);
        }

        var url = media.Server.Serve("/no-duration.m4a", VirtualFile.Of(bytes));

        (await ReasonsFor(Audio(url))).Should().Equal("originalContentUrl: the audio's duration could not be determined; LINE needs it");
    }

    // URLs

    [Fact]
    public async Task Media_urls_must_be_https_and_at_most_2000_characters()
    {
        media.Server.ResetCounters();
        using var fetcher = new MediaFetcher(new MediaFetchOptions(), TimeProvider.System);
        var strict = new OutboundPolicy(fetcher);
        var longUrl = "https://example.com/" + new string('a', 1981) + ".png";
        var message = new { type = "image", originalContentUrl = media.Url("image.png"), previewImageUrl = longUrl };

        var verdict = await strict.CheckAsync(JsonSerializer.SerializeToElement(new[] { message }), CancellationToken.None);

        verdict.Messages.Single().Reasons.Should().Equal(
            "originalContentUrl: the URL must use HTTPS, not http",
            "previewImageUrl: the URL is 2,005 characters long; at most 2,000 are allowed");
        media.Server.Requests.Should().Be(0);
    }

    [Fact]
    public async Task Media_that_cannot_be_read_for_now_is_not_refused_but_retried()
    {
        var url = media.Server.Status("/busy.mp4", 503);

        var checking = () => Check(Video(url));

        (await checking.Should().ThrowAsync<MediaFetchException>()).Which.Failure.Should().Be(MediaFetchFailure.Unavailable);
    }

    [Fact]
    public async Task Media_that_is_gone_is_refused()
    {
        var url = media.Server.Status("/gone.mp4", 404);

        (await ReasonsFor(Video(url))).Should().ContainSingle().Which.Should().StartWith("originalContentUrl: 127.0.0.1 answered 404");
    }

    // Common properties

    [Fact]
    public async Task Quick_replies_have_at_most_13_items_with_allowed_icons()
    {
        var items = Enumerable.Range(0, 14).Select(i => new { type = "action", imageUrl = i == 3 ? "ftp://x/y.png" : "https://example.com/i.png", action = new { type = "message", label = "l", text = "t" } });

        var reasons = await ReasonsFor(new { type = "text", text = "pick", quickReply = new { items } });

        reasons.Should().Equal(
            "'quickReply.items' has 14 items; at most 13 are accepted",
            "quickReply.items[3].imageUrl: the URL must use HTTPS, not ftp");
    }

    [Fact]
    public async Task The_sender_name_has_at_most_20_characters()
    {
        (await ReasonsFor(new { type = "text", text = "hi", sender = new { name = new string('n', 20) } })).Should().BeEmpty();
        (await ReasonsFor(new { type = "text", text = "hi", sender = new { name = new string('n', 21), iconUrl = "ftp://example.com/a.png" } })).Should().Equal(
            "'sender.name' is 21 characters long; at most 20 are accepted",
            "sender.iconUrl: the URL must use HTTPS, not ftp");
    }
}

internal static class TestJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
