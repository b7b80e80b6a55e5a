using System.Buffers.Binary;
using System.Text;
using LineConnector.Core.Media;

namespace LineConnector.Tests.Media;

/// <summary>Malformed, truncated, self-looping and absurd files end in a result with a reason, in bounded reads, never an exception.</summary>
public class MalformedMediaTests
{
    private static readonly string[] AllFixtures =
    [
        "image.png", "image.jpg", "image.gif", "image.webp", "image.avif",
        "video-h264-aac.mp4", "video-h264-aac-moov-at-end.mp4", "video-hevc-aac.mp4", "video-h264-two-aac.mp4", "video-h264-aac.3gp",
        "audio-aac.m4a", "audio.mp3", "audio.mp2", "audio.wav", "audio.aac", "audio-vorbis.ogg", "audio-opus.ogg",
    ];

    private static byte[] Box(string type, params byte[][] body) => SizedBox((uint)(8 + body.Sum(b => b.Length)), type, body);

    private static byte[] SizedBox(uint size, string type, params byte[][] body)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, size);
        Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        return [.. header, .. body.SelectMany(b => b)];
    }

    private static byte[] Ftyp(string major, params string[] compatible) =>
        Box("ftyp", Encoding.ASCII.GetBytes(major), new byte[4], Encoding.ASCII.GetBytes(string.Concat(compatible)));

    private static readonly byte[] Mp4Ftyp = Ftyp("isom", "isom", "mp41");

    private static async Task<MediaProbeResult> Probe(byte[] bytes)
    {
        var result = await MediaFixtures.ProbeAsync(bytes);
        result.Problems.Should().NotContain(p => p.StartsWith("the file could not be parsed", StringComparison.Ordinal), "every fault is foreseen");
        result.BytesRead.Should().BeLessThanOrEqualTo(ProbeReader.MaxBytes);
        return result;
    }

    [Fact]
    public async Task An_heic_image_is_named_by_its_ftyp_brand()
    {
        // ffmpeg cannot write HEIC, so its header is built here: 'ftyp' heic with the HEIF brands, then 'meta'.
        var heic = (byte[])[.. Ftyp("heic", "mif1", "heic"), .. Box("meta", new byte[4]), .. Box("mdat", new byte[16])];

        var probe = await Probe(heic);

        (probe.Kind, probe.Container).Should().Be((MediaKind.Image, "heic"));
        probe.Problems.Should().BeEmpty();
        MediaRules.Check(probe, MediaUse.Image).Should().ContainSingle().Which.Should().Contain("HEIC; LINE shows PNG or JPEG only");
    }

    [Fact]
    public async Task Every_truncation_of_an_mp4_is_refused()
    {
        foreach (var name in new[] { "video-h264-aac.mp4", "video-h264-aac-moov-at-end.mp4" })
        {
            var whole = MediaFixtures.Bytes(name);
            for (var length = 1; length < whole.Length; length++)
            {
                var probe = await Probe(whole[..length]);
                probe.Problems.Should().NotBeEmpty($"{name} cut to {length} of {whole.Length} bytes is incomplete");
            }
        }
    }

    [Fact]
    public async Task Every_truncation_of_every_fixture_ends_in_a_result()
    {
        foreach (var name in AllFixtures)
        {
            var whole = MediaFixtures.Bytes(name);
            for (var length = 0; length < whole.Length; length += 17)
            {
                await Probe(whole[..length]);
            }
        }
    }

    [Fact]
    public async Task Corrupted_bytes_in_every_fixture_end_in_a_result()
    {
        var random = new Random(20240601);
        uint[] nasty = [0, 1, 7, 8, 9, 15, 16, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF];
        foreach (var name in AllFixtures)
        {
            var whole = MediaFixtures.Bytes(name);
            for (var round = 0; round < 300; round++)
            {
                var bytes = (byte[])whole.Clone();
                for (var hits = random.Next(1, 4); hits > 0; hits--)
                {
                    var at = random.Next(0, bytes.Length - 4);
                    if (random.Next(2) == 0)
                    {
                        bytes[at] = (byte)random.Next(256);
                    }
                    else
                    {
                        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(at), nasty[random.Next(nasty.Length)]);
                    }
                }

                await Probe(bytes);
            }
        }
    }

    [Theory]
    [InlineData(0u, "the movie has no audio or video track")]
    [InlineData(4u, "declares 4 bytes, less than its own 8-byte header")]
    [InlineData(7u, "declares 7 bytes, less than its own 8-byte header")]
    [InlineData(0xFFFFFFFFu, "declares 4,294,967,295 bytes, past the end of its parent 'moov'")]
    public async Task A_child_box_with_an_impossible_size_is_refused(uint size, string reason)
    {
        // size 0 means "to the end of the parent": a 'trak' of 0 bytes spans the rest of 'moov', which holds only its header.
        var moov = Box("moov", SizedBox(size, "trak"));
        var probe = await Probe([.. Mp4Ftyp, .. moov, .. Box("mdat", new byte[8])]);

        probe.Problems.Should().ContainSingle().Which.Should().ContainAny(reason);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(8UL)]
    [InlineData(15UL)]
    [InlineData(ulong.MaxValue)]
    [InlineData(0x8000000000000000UL)]
    public async Task An_impossible_64_bit_box_size_is_refused(ulong largeSize)
    {
        var large = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(large, largeSize);

        var probe = await Probe([.. Mp4Ftyp, .. SizedBox(1, "mdat", large, new byte[32])]);

        probe.Problems.Should().ContainSingle().Which.Should().Contain("box 'mdat' at offset 24 declares an impossible 64-bit size");
    }

    [Fact]
    public async Task A_box_larger_than_the_file_is_truncation()
    {
        var large = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(large, 1L << 62);

        var probe = await Probe([.. Mp4Ftyp, .. SizedBox(1, "mdat", large, new byte[32])]);

        probe.Problems.Should().Equal("the file is truncated: box 'mdat' at offset 24 declares 4,611,686,018,427,387,904 bytes but only 48 remain");
    }

    [Fact]
    public async Task A_flood_of_tiny_boxes_stops_at_the_budget()
    {
        // 100,000 empty 'free' boxes inside 'moov': each is valid, so only the budget ends the walk.
        var free = Box("free");
        var flood = new byte[free.Length * 100_000];
        for (var i = 0; i < 100_000; i++)
        {
            free.CopyTo(flood, i * free.Length);
        }

        var probe = await Probe([.. Mp4Ftyp, .. Box("moov", flood)]);

        probe.Problems.Should().Equal("the file has more than 20,000 boxes, chunks or frames to walk");
        probe.BytesRead.Should().BeLessThan(200_000);
    }

    [Fact]
    public async Task A_zero_timescale_is_refused()
    {
        var mvhd = Box("mvhd", new byte[100]);
        var probe = await Probe([.. Mp4Ftyp, .. Box("moov", mvhd), .. Box("mdat", new byte[8])]);

        probe.Problems.Should().Equal("the 'mvhd' box at offset 32 has a timescale of 0");
    }

    [Fact]
    public async Task A_second_moov_is_refused()
    {
        var whole = MediaFixtures.Bytes("video-h264-aac.mp4");
        var (moov, size) = LargeMedia.FindBox(whole, "moov");

        var probe = await Probe([.. whole, .. whole.AsSpan(moov, size)]);

        probe.Problems.Should().ContainSingle().Which.Should().StartWith($"the file has a second 'moov' box at offset {whole.Length}");
        probe.VideoCodec.Should().Be("h264", "what was read before the fault is still reported");
    }

    [Fact]
    public async Task A_movie_without_media_data_is_refused()
    {
        var whole = MediaFixtures.Bytes("video-h264-aac.mp4");
        var (mdat, _) = LargeMedia.FindBox(whole, "mdat");

        var probe = await Probe(whole[..mdat]);

        probe.Problems.Should().Equal("the file has no 'mdat' box: it holds no media data");
    }

    [Fact]
    public async Task An_id3_tag_larger_than_the_file_is_refused()
    {
        byte[] tag = [(byte)'I', (byte)'D', (byte)'3', 3, 0, 0, 0x7F, 0x7F, 0x7F, 0x7F, .. new byte[64]];

        var probe = await Probe(tag);

        probe.Problems.Should().Equal("the ID3v2 tag at offset 0 declares 268,435,455 bytes, past the end of the file");
    }

    [Fact]
    public async Task An_id3_tag_followed_by_no_audio_is_refused()
    {
        byte[] tag = [(byte)'I', (byte)'D', (byte)'3', 3, 0, 0, 0, 0, 0, 4, 1, 2, 3, 4, .. Enumerable.Repeat((byte)0x55, 5000)];

        var probe = await Probe(tag);

        probe.Problems.Should().Equal("the ID3v2 tag is not followed by MPEG audio or ADTS frames within 65,536 bytes");
    }

    [Fact]
    public async Task A_wav_with_data_before_fmt_is_refused()
    {
        byte[] wav = [.. "RIFF"u8, 0, 0, 0, 0, .. "WAVE"u8, .. "data"u8, 4, 0, 0, 0, 1, 2, 3, 4];

        var probe = await Probe(wav);

        probe.Problems.Should().Equal("the WAV 'data' chunk at offset 12 comes before any 'fmt ' chunk");
    }

    [Fact]
    public async Task A_truncated_wav_is_refused_with_its_duration()
    {
        var wav = MediaFixtures.Bytes("audio.wav");

        var probe = await Probe(wav[..(wav.Length / 2)]);

        probe.Problems.Should().ContainSingle().Which.Should().StartWith("the WAV file is truncated: its 'data' chunk declares 16,000 bytes");
        probe.DurationMs.Should().BeInRange(490, 500);
    }

    [Fact]
    public async Task A_png_signature_alone_is_refused()
    {
        var probe = await Probe([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0]);

        probe.Problems.Should().Equal("the PNG signature is not followed by an IHDR chunk");
    }

    [Theory]
    [InlineData(new byte[0], "the file is empty")]
    [InlineData(new byte[] { 0x42 }, "the format is not recognised (it starts with 42)")]
    [InlineData(new byte[] { 0x4F, 0x67, 0x67, 0x53, 9, 9, 9, 9 }, "the Ogg file does not start with a valid beginning-of-stream page")]
    [InlineData(new byte[] { 0xFF, 0xFB, 0x90, 0x00, 1, 2, 3 }, "the format is not recognised (a frame sync word without a valid MPEG audio or ADTS stream)")]
    [InlineData(new byte[] { 0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x41, 0x42, 0x43, 0x44 }, "the format is not recognised (a RIFF file of form 'ABCD')")]
    public async Task Bytes_that_are_not_media_are_refused(byte[] bytes, string problem)
    {
        var probe = await Probe(bytes);

        probe.Kind.Should().Be(MediaKind.Unknown);
        probe.Problems.Should().Equal(problem);
    }

    [Fact]
    public async Task Random_bytes_are_refused()
    {
        var random = new Random(7);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(1, 4096)];
            random.NextBytes(bytes);

            var probe = await Probe(bytes);

            probe.Problems.Should().NotBeEmpty();
        }
    }
}
