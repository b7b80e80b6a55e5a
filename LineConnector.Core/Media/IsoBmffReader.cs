using static LineConnector.Core.Media.ProbeReader;

namespace LineConnector.Core.Media;

/// <summary>
/// ISO base media files (MP4, M4A, 3GP, MOV, HEIF): the <c>ftyp</c> brands, then
/// <c>moov/trak/mdia</c> for each track's handler, sample entry (codec) and duration. Only box
/// headers and the few small boxes needed are read, so the sample tables and media data are skipped.
/// </summary>
internal static class IsoBmffReader
{
    /// <summary>Top-level boxes looked at after <c>moov</c> (to see a truncated <c>mdat</c>); fragments beyond are not walked.</summary>
    private const int MaxBoxesAfterMoov = 16;

    /// <summary>The largest leaf box read whole (<c>ftyp</c>, <c>esds</c>, a sample entry's fixed part need far less).</summary>
    private const int MaxLeafRead = 4096;

    private static readonly HashSet<string> HeifBrands = ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"];
    private static readonly HashSet<string> AvifBrands = ["avif", "avis"];
    private static readonly HashSet<string> AudioOnlyBrands = ["M4A ", "M4B ", "M4P ", "F4A ", "F4B "];

    private static readonly Dictionary<string, string> AudioEntries = new(StringComparer.Ordinal)
    {
        ["Opus"] = "opus",
        ["fLaC"] = "flac",
        ["ac-3"] = "ac3",
        ["ec-3"] = "eac3",
        ["ac-4"] = "ac4",
        [".mp3"] = "mp3",
        ["samr"] = "amr_nb",
        ["sawb"] = "amr_wb",
        ["alac"] = "alac",
        ["dtsc"] = "dts",
        ["lpcm"] = "pcm",
        ["sowt"] = "pcm",
        ["twos"] = "pcm",
        ["in24"] = "pcm",
        ["in32"] = "pcm",
        ["fl32"] = "pcm",
        ["fl64"] = "pcm",
        ["ipcm"] = "pcm",
        ["fpcm"] = "pcm",
        ["ulaw"] = "pcm_mulaw",
        ["alaw"] = "pcm_alaw",
    };

    private static readonly Dictionary<string, string> VideoEntries = new(StringComparer.Ordinal)
    {
        ["avc1"] = "h264",
        ["avc2"] = "h264",
        ["avc3"] = "h264",
        ["avc4"] = "h264",
        ["hvc1"] = "hevc",
        ["hev1"] = "hevc",
        ["dvh1"] = "hevc",
        ["dvhe"] = "hevc",
        ["vvc1"] = "vvc",
        ["vvi1"] = "vvc",
        ["vp08"] = "vp8",
        ["vp09"] = "vp9",
        ["av01"] = "av1",
        ["s263"] = "h263",
        ["h263"] = "h263",
        ["mjpa"] = "mjpeg",
        ["jpeg"] = "mjpeg",
        ["apcn"] = "prores",
        ["apch"] = "prores",
        ["apcs"] = "prores",
        ["apco"] = "prores",
        ["ap4h"] = "prores",
    };

    private readonly record struct Box(string Type, long Offset, int HeaderSize, long Size)
    {
        public long BodyOffset => Offset + HeaderSize;

        public long BodySize => Size - HeaderSize;

        public long End => Offset + Size;
    }

    private sealed class Track
    {
        public string? Handler { get; set; }

        public long? DurationMs { get; set; }

        public List<string> Codecs { get; } = [];
    }

    private sealed class Movie
    {
        public long? DurationMs { get; set; }

        public long? FragmentDurationMs { get; set; }

        public uint? Timescale { get; set; }

        public List<Track> Tracks { get; } = [];
    }

    public static async Task ReadAsync(ProbeReader reader, ProbeFindings findings)
    {
        Movie? movie = null;
        string? container = null;
        long offset = 0;
        var afterMoov = 0;
        var hasMediaData = false;
        var walked = false;
        try
        {
            while (reader.Length - offset >= 8 && (movie is null || afterMoov++ < MaxBoxesAfterMoov))
            {
                var box = await ReadHeaderAsync(reader, offset, reader.Length, parent: null);
                if (box.Type == "ftyp" && offset == 0)
                {
                    container = await ReadBrandAsync(reader, box);
                    if (container is "heic" or "avif")
                    {
                        // HEIF stores pictures in 'meta', not in a movie: the brand says enough.
                        findings.Kind = MediaKind.Image;
                        findings.Container = container;
                        return;
                    }
                }
                else if (box.Type == "mdat")
                {
                    hasMediaData = true;
                }
                else if (box.Type == "moov")
                {
                    if (movie is not null)
                    {
                        throw new InvalidDataException(Invariant($"the file has a second 'moov' box at offset {box.Offset}"));
                    }

                    movie = new Movie();
                    await ReadMovieAsync(reader, box, movie);
                }

                offset = box.End;
            }

            walked = true;
        }
        finally
        {
            // Whatever was read before a fault is still reported, beside the fault.
            Describe(findings, container, movie, walked);
        }

        if (movie is null)
        {
            throw new InvalidDataException("the file has no 'moov' box: it is truncated or not a complete MP4");
        }

        // Walked to the end without media data: cut off after its 'moov' (fragmented files stop earlier).
        if (!hasMediaData && reader.Length - offset < 8)
        {
            throw new InvalidDataException("the file has no 'mdat' box: it holds no media data");
        }
    }

    private static void Describe(ProbeFindings findings, string? container, Movie? movie, bool walked)
    {
        if (movie is null)
        {
            findings.Container = container;
            return;
        }

        var video = movie.Tracks.Where(t => t.Handler == "vide").ToList();
        var audio = movie.Tracks.Where(t => t.Handler == "soun").ToList();
        findings.Kind = video.Count > 0 ? MediaKind.Video : audio.Count > 0 ? MediaKind.Audio : MediaKind.Unknown;
        findings.Container = container switch
        {
            "mp4" or "m4a" => findings.Kind == MediaKind.Audio ? "m4a" : "mp4",
            _ => container,
        };
        findings.VideoCodec = video.Select(t => t.Codecs.FirstOrDefault()).FirstOrDefault();
        findings.AudioCodecs.AddRange(audio.Select(t => t.Codecs.FirstOrDefault() ?? "none"));
        findings.DurationMs = movie.DurationMs is > 0
            ? movie.DurationMs
            : movie.Tracks.Max(t => t.DurationMs) is > 0 and var longest ? longest : movie.FragmentDurationMs;
        if (findings.Kind == MediaKind.Unknown && walked)
        {
            findings.Problems.Add("the movie has no audio or video track");
        }
    }

    private static async Task<string> ReadBrandAsync(ProbeReader reader, Box ftyp)
    {
        var body = await reader.ReadAsync(ftyp.BodyOffset, (int)Math.Min(ftyp.BodySize, MaxLeafRead));
        if (body.Length < 8)
        {
            throw new InvalidDataException("the 'ftyp' box is too short to hold a brand");
        }

        var major = FourCc(body);
        var brands = new List<string> { major };
        for (var at = 8; at + 4 <= body.Length; at += 4)
        {
            brands.Add(FourCc(body.AsSpan(at)));
        }

        if (major.StartsWith("3g2", StringComparison.Ordinal))
        {
            return "3g2";
        }

        if (major.StartsWith("3g", StringComparison.Ordinal))
        {
            return "3gp";
        }

        if (major == "qt  ")
        {
            return "mov";
        }

        // AVIF files also list the generic HEIF brands (mif1, msf1), so AVIF is looked for first.
        if (brands.Any(AvifBrands.Contains))
        {
            return "avif";
        }

        if (brands.Any(HeifBrands.Contains))
        {
            return "heic";
        }

        return AudioOnlyBrands.Contains(major) ? "m4a" : "mp4";
    }

    private static async Task ReadMovieAsync(ProbeReader reader, Box moov, Movie movie)
    {
        await WalkAsync(reader, moov, moov.BodyOffset, async box =>
        {
            switch (box.Type)
            {
                case "mvhd":
                    (movie.DurationMs, var timescale) = await ReadDurationAsync(reader, box);
                    movie.Timescale = timescale;
                    break;
                case "trak":
                    var track = new Track();
                    movie.Tracks.Add(track);
                    await ReadTrackAsync(reader, box, track);
                    break;
                case "mvex":
                    await WalkAsync(reader, box, box.BodyOffset, async mehd =>
                    {
                        if (mehd.Type == "mehd")
                        {
                            movie.FragmentDurationMs = await ReadFragmentDurationAsync(reader, mehd, movie.Timescale);
                        }
                    });
                    break;
            }
        });
    }

    private static async Task ReadTrackAsync(ProbeReader reader, Box trak, Track track)
    {
        await WalkAsync(reader, trak, trak.BodyOffset, async mdia =>
        {
            if (mdia.Type != "mdia")
            {
                return;
            }

            await WalkAsync(reader, mdia, mdia.BodyOffset, async box =>
            {
                switch (box.Type)
                {
                    case "mdhd":
                        (track.DurationMs, _) = await ReadDurationAsync(reader, box);
                        break;
                    case "hdlr":
                        var hdlr = await ReadBodyAsync(reader, box, 12);
                        track.Handler = FourCc(hdlr.AsSpan(8));
                        break;
                    case "minf":
                        await WalkAsync(reader, box, box.BodyOffset, async stbl =>
                        {
                            if (stbl.Type == "stbl")
                            {
                                await WalkAsync(reader, stbl, stbl.BodyOffset, async stsd =>
                                {
                                    if (stsd.Type == "stsd")
                                    {
                                        await ReadSampleEntriesAsync(reader, stsd, track);
                                    }
                                });
                            }
                        });
                        break;
                }
            });
        });
    }

    private static async Task ReadSampleEntriesAsync(ProbeReader reader, Box stsd, Track track)
    {
        // FullBox header (4) and entry_count (4), then one box per sample entry: its type is the codec.
        await ReadBodyAsync(reader, stsd, 8);
        await WalkAsync(reader, stsd, stsd.BodyOffset + 8, async entry =>
        {
            track.Codecs.Add(await ReadSampleEntryAsync(reader, entry, track.Handler));
        });
    }

    private static async Task<string> ReadSampleEntryAsync(ProbeReader reader, Box entry, string? handler)
    {
        var type = entry.Type;
        if (handler == "soun" || (handler is null && (type == "mp4a" || AudioEntries.ContainsKey(type))))
        {
            if (type != "mp4a")
            {
                return AudioEntries.GetValueOrDefault(type, type.Trim());
            }

            // AudioSampleEntry: 28 bytes; QuickTime sound descriptions version 1 and 2 add 16 and 36.
            var fixedPart = await ReadBodyAsync(reader, entry, 28);
            var version = U16BE(fixedPart, 8);
            var childrenAt = entry.BodyOffset + 28 + version switch { 1 => 16, 2 => 36, _ => 0 };
            var objectType = await FindObjectTypeAsync(reader, entry, childrenAt);
            return objectType switch
            {
                null => throw new InvalidDataException(Invariant($"the 'mp4a' sample entry at offset {entry.Offset} has no 'esds' decoder configuration")),
                0x40 or 0x66 or 0x67 or 0x68 => "aac",
                // 0x6B is MPEG-1 audio and 0x69 MPEG-2 audio (ISO/IEC 11172-3, 13818-3); in MP4 files these carry MP3.
                0x69 or 0x6B => "mp3",
                0xA5 => "ac3",
                0xA6 => "eac3",
                0xA9 => "dts",
                0xAD => "opus",
                0xDD => "vorbis",
                _ => Invariant($"mp4a object type 0x{objectType:X2}"),
            };
        }

        if (type == "mp4v")
        {
            // VisualSampleEntry: 78 bytes before its child boxes.
            var objectType = await FindObjectTypeAsync(reader, entry, entry.BodyOffset + 78);
            return objectType switch
            {
                0x21 => "h264",
                >= 0x60 and <= 0x65 => "mpeg2video",
                0x6A => "mpeg1video",
                0x6C => "mjpeg",
                _ => "mpeg4",
            };
        }

        return VideoEntries.GetValueOrDefault(type, type.Trim());
    }

    /// <summary>The objectTypeIndication of the <c>esds</c> among the entry's children (inside <c>wave</c> for QuickTime).</summary>
    private static async Task<int?> FindObjectTypeAsync(ProbeReader reader, Box entry, long childrenAt)
    {
        int? objectType = null;
        if (childrenAt > entry.End)
        {
            throw new InvalidDataException(Invariant($"the '{entry.Type}' sample entry at offset {entry.Offset} is shorter than its fixed fields"));
        }

        await WalkAsync(reader, entry, childrenAt, async child =>
        {
            if (child.Type == "esds")
            {
                objectType ??= ParseObjectType(await reader.ReadAsync(child.BodyOffset, (int)Math.Min(child.BodySize, MaxLeafRead)), child);
            }
            else if (child.Type == "wave")
            {
                await WalkAsync(reader, child, child.BodyOffset, async esds =>
                {
                    if (esds.Type == "esds")
                    {
                        objectType ??= ParseObjectType(await reader.ReadAsync(esds.BodyOffset, (int)Math.Min(esds.BodySize, MaxLeafRead)), esds);
                    }
                });
            }
        });
        return objectType;
    }

    /// <summary>ES_Descriptor (tag 3) → DecoderConfigDescriptor (tag 4) → objectTypeIndication (ISO/IEC 14496-1 §7.2.6).</summary>
    private static int ParseObjectType(byte[] esds, Box box)
    {
        var at = 4;
        var malformed = new InvalidDataException(Invariant($"the 'esds' box at offset {box.Offset} is malformed"));
        if (!Descriptor(esds, ref at, 0x03))
        {
            throw malformed;
        }

        if (at + 3 > esds.Length)
        {
            throw malformed;
        }

        var flags = esds[at + 2];
        at += 3;
        if ((flags & 0x80) != 0)
        {
            at += 2;
        }

        if ((flags & 0x40) != 0)
        {
            at += at < esds.Length ? esds[at] + 1 : 1;
        }

        if ((flags & 0x20) != 0)
        {
            at += 2;
        }

        if (!Descriptor(esds, ref at, 0x04) || at >= esds.Length)
        {
            throw malformed;
        }

        return esds[at];
    }

    /// <summary>Reads a descriptor tag and its 1-4 byte length; leaves <paramref name="at"/> on its body.</summary>
    private static bool Descriptor(byte[] data, ref int at, byte tag)
    {
        if (at >= data.Length || data[at] != tag)
        {
            return false;
        }

        at++;
        for (var i = 0; i < 4; i++)
        {
            if (at >= data.Length)
            {
                return false;
            }

            if ((data[at++] & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<(long? DurationMs, uint Timescale)> ReadDurationAsync(ProbeReader reader, Box box)
    {
        // mvhd and mdhd: version 0 has 32-bit times and duration, version 1 64-bit ones.
        var head = await ReadBodyAsync(reader, box, 4);
        if (head[0] == 1)
        {
            var v1 = await ReadBodyAsync(reader, box, 32);
            return (BoxDuration(U64BE(v1, 24), U32BE(v1, 20), box, ulong.MaxValue), U32BE(v1, 20));
        }

        var v0 = await ReadBodyAsync(reader, box, 20);
        return (BoxDuration(U32BE(v0, 16), U32BE(v0, 12), box, uint.MaxValue), U32BE(v0, 12));
    }

    private static async Task<long?> ReadFragmentDurationAsync(ProbeReader reader, Box mehd, uint? timescale)
    {
        // A fragmented movie's duration is in 'mehd', counted in the timescale of 'mvhd'.
        if (timescale is not { } scale)
        {
            return null;
        }

        var head = await ReadBodyAsync(reader, mehd, 4);
        if (head[0] == 1)
        {
            var v1 = await ReadBodyAsync(reader, mehd, 12);
            return BoxDuration(U64BE(v1, 4), scale, mehd, ulong.MaxValue);
        }

        var v0 = await ReadBodyAsync(reader, mehd, 8);
        return BoxDuration(U32BE(v0, 4), scale, mehd, uint.MaxValue);
    }

    private static long? BoxDuration(ulong duration, uint timescale, Box box, ulong unknown)
    {
        if (timescale == 0)
        {
            throw new InvalidDataException(Invariant($"the '{box.Type}' box at offset {box.Offset} has a timescale of 0"));
        }

        return duration == unknown ? null : Milliseconds(duration, timescale, Invariant($"the '{box.Type}' box at offset {box.Offset}"));
    }

    private static async Task<byte[]> ReadBodyAsync(ProbeReader reader, Box box, int count)
    {
        if (box.BodySize < count)
        {
            throw new InvalidDataException(Invariant($"the '{box.Type}' box at offset {box.Offset} is {box.Size} bytes, too short for its fields"));
        }

        var body = await reader.ReadAsync(box.BodyOffset, count);
        if (body.Length < count)
        {
            throw new InvalidDataException(Invariant($"the '{box.Type}' box at offset {box.Offset} is cut off by the end of the file"));
        }

        return body;
    }

    private static async Task WalkAsync(ProbeReader reader, Box parent, long start, Func<Box, Task> visit)
    {
        // Every child is at least 8 bytes and lies inside its parent, so the walk always moves on and ends.
        var offset = start;
        while (parent.End - offset >= 8)
        {
            var box = await ReadHeaderAsync(reader, offset, parent.End, parent);
            await visit(box);
            offset = box.End;
        }
    }

    private static async Task<Box> ReadHeaderAsync(ProbeReader reader, long offset, long end, Box? parent)
    {
        reader.Visit();
        var header = await reader.ReadAsync(offset, (int)Math.Min(16, end - offset));
        if (header.Length < 8)
        {
            var where = parent is { } p ? $"inside '{p.Type}'" : "in the file";
            throw new InvalidDataException(Invariant($"the box header at offset {offset} {where} is cut off by the end of the file"));
        }

        var type = FourCc(header.AsSpan(4));
        var size32 = U32BE(header, 0);
        long size;
        var headerSize = 8;
        if (size32 == 1)
        {
            if (header.Length < 16)
            {
                throw new InvalidDataException(Invariant($"the 64-bit size of box '{type}' at offset {offset} is cut off"));
            }

            var large = U64BE(header, 8);
            headerSize = 16;
            if (large < 16 || large > long.MaxValue)
            {
                throw new InvalidDataException(Invariant($"box '{type}' at offset {offset} declares an impossible 64-bit size of {large:N0} bytes"));
            }

            size = (long)large;
        }
        else if (size32 == 0)
        {
            size = end - offset;
        }
        else if (size32 < 8)
        {
            throw new InvalidDataException(Invariant($"box '{type}' at offset {offset} declares {size32} bytes, less than its own 8-byte header"));
        }
        else
        {
            size = size32;
        }

        if (type == "uuid")
        {
            headerSize += 16;
            if (size < headerSize)
            {
                throw new InvalidDataException(Invariant($"box 'uuid' at offset {offset} is shorter than its header"));
            }
        }

        if (size > end - offset)
        {
            throw new InvalidDataException(parent is null
                ? Invariant($"the file is truncated: box '{type}' at offset {offset} declares {size:N0} bytes but only {end - offset:N0} remain")
                : Invariant($"box '{type}' at offset {offset} declares {size:N0} bytes, past the end of its parent '{parent.Value.Type}' ({end - offset:N0} bytes left)"));
        }

        return new Box(type, offset, headerSize, size);
    }
}
