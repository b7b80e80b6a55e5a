using LineConnector.Core.Media;

namespace LineConnector.Tests.Media;

/// <summary>The probe on real files made by ffmpeg; durations as ffprobe reports them.</summary>
public class MediaProbeFixtureTests
{
    public static TheoryData<string, MediaKind, string, string?, string[], long?> Files => new()
    {
        { "image.png", MediaKind.Image, "png", null, [], null },
        { "image.jpg", MediaKind.Image, "jpeg", null, [], null },
        { "image.gif", MediaKind.Image, "gif", null, [], null },
        { "image.webp", MediaKind.Image, "webp", null, [], null },
        { "image.avif", MediaKind.Image, "avif", null, [], null },
        { "video-h264-aac.mp4", MediaKind.Video, "mp4", "h264", ["aac"], 1000 },
        { "video-h264-aac-moov-at-end.mp4", MediaKind.Video, "mp4", "h264", ["aac"], 1000 },
        { "video-hevc-aac.mp4", MediaKind.Video, "mp4", "hevc", ["aac"], 1000 },
        { "video-mpeg4-aac.mp4", MediaKind.Video, "mp4", "mpeg4", ["aac"], 1000 },
        { "video-vp9-aac.mp4", MediaKind.Video, "mp4", "vp9", ["aac"], 1000 },
        { "video-h264-two-aac.mp4", MediaKind.Video, "mp4", "h264", ["aac", "aac"], 1000 },
        { "video-h264-mp3.mp4", MediaKind.Video, "mp4", "h264", ["mp3"], 1000 },
        { "video-h264-aac.3gp", MediaKind.Video, "3gp", "h264", ["aac"], 1000 },
        { "audio-aac.m4a", MediaKind.Audio, "m4a", null, ["aac"], 1000 },
        { "audio.mp3", MediaKind.Audio, "mp3", null, ["mp3"], 1045 },
        { "audio.mp2", MediaKind.Audio, "mpeg", null, ["mp2"], 1019 },
        { "audio.wav", MediaKind.Audio, "wav", null, ["pcm_s16"], 1000 },
        { "audio.aac", MediaKind.Audio, "aac", null, ["aac"], 1045 },
        { "audio-vorbis.ogg", MediaKind.Audio, "ogg", null, ["vorbis"], 1000 },
        { "audio-opus.ogg", MediaKind.Audio, "ogg", null, ["opus"], 1000 },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Each_fixture_is_named_by_its_bytes(string file, MediaKind kind, string container, string? videoCodec, string[] audioCodecs, long? durationMs)
    {
        await using var source = FileMediaSource.Open(MediaFixtures.PathOf(file));

        var probe = await MediaProbe.ProbeAsync(source, CancellationToken.None);

        probe.Problems.Should().BeEmpty();
        probe.Kind.Should().Be(kind);
        probe.Container.Should().Be(container);
        probe.VideoCodec.Should().Be(videoCodec);
        probe.AudioCodecs.Should().Equal(audioCodecs);
        probe.AudioStreams.Should().Be(audioCodecs.Length);
        probe.SizeBytes.Should().Be(new FileInfo(MediaFixtures.PathOf(file)).Length);
        if (durationMs is null)
        {
            probe.DurationMs.Should().BeNull();
        }
        else
        {
            probe.DurationMs.Should().NotBeNull();
            probe.DurationMs!.Value.Should().BeCloseTo(durationMs.Value, 30);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task The_name_of_a_file_does_not_matter(string file, MediaKind kind, string container, string? videoCodec, string[] audioCodecs, long? durationMs)
    {
        _ = (videoCodec, audioCodecs, durationMs);
        var renamed = Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.png");
        File.Copy(MediaFixtures.PathOf(file), renamed);
        try
        {
            await using var source = FileMediaSource.Open(renamed);
            var probe = await MediaProbe.ProbeAsync(source, CancellationToken.None);
            probe.Kind.Should().Be(kind);
            probe.Container.Should().Be(container);
        }
        finally
        {
            File.Delete(renamed);
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Probing_reads_little_of_each_file(string file, MediaKind kind, string container, string? videoCodec, string[] audioCodecs, long? durationMs)
    {
        _ = (kind, container, videoCodec, audioCodecs, durationMs);
        await using var source = FileMediaSource.Open(MediaFixtures.PathOf(file));

        var probe = await MediaProbe.ProbeAsync(source, CancellationToken.None);

        probe.Requests.Should().BeLessThan(80);
        probe.BytesRead.Should().Be(source.BytesRead).And.BePositive();
    }
}
