using System.Buffers.Binary;
using System.Text;

namespace LineConnector.Core.Media;

/// <summary>The M4A an ADTS stream became: its duration, and what the stream held.</summary>
public sealed record RemuxedAudio(long DurationMs, int SampleRate, int Channels, int Frames, long Bytes);

/// <summary>
/// Remuxes AAC in ADTS (a raw <c>.aac</c> stream, which LINE does not play) into M4A (ISO/IEC 14496-12
/// and -14: an <c>mp4a</c> sample entry with an <c>esds</c> holding the AudioSpecificConfig), without
/// re-encoding: each ADTS frame's payload becomes one sample of 1,024 PCM samples. The <c>moov</c> box
/// comes before <c>mdat</c>, so players can start before the whole file is read. The duration is the
/// frames times 1,024 over the sample rate. Streams LINE would need re-encoded (a channel layout given
/// in-band, several raw data blocks per frame, a change of format midway) are refused with the reason.
/// </summary>
public static class AdtsToM4a
{
    private const int SamplesPerFrame = 1024;
    private const int MovieTimescale = 1000;
    private static readonly int[] Rates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];

    /// <summary>Reads the ADTS stream from <paramref name="adts"/> (seekable) and writes the M4A to <paramref name="m4a"/>.</summary>
    /// <exception cref="InvalidDataException">The stream is not ADTS this remux can carry over as it is; the message says why.</exception>
    public static async Task<RemuxedAudio> RemuxAsync(Stream adts, Stream m4a, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(adts);
        ArgumentNullException.ThrowIfNull(m4a);
        var frames = await ReadFramesAsync(adts, cancellationToken);
        var first = frames[0];
        var payload = frames.Sum(f => (long)f.PayloadLength);
        var rate = Rates[first.RateIndex];
        var samples = (long)frames.Count * SamplesPerFrame;
        var durationMs = (long)Math.Round(samples * 1000.0 / rate);

        var ftyp = Box("ftyp", w =>
        {
            w.Write(Encoding.ASCII.GetBytes("M4A "));
            U32(w, 0);
            w.Write(Encoding.ASCII.GetBytes("M4A mp42isom"));
        });

        // The moov's size does not depend on where the data starts: write it once to learn its size, then with the offset.
        var moov = Moov(frames, first, rate, samples, durationMs, payload, chunkOffset: 0);
        moov = Moov(frames, first, rate, samples, durationMs, payload, chunkOffset: (uint)(ftyp.Length + moov.Length + 8));

        await m4a.WriteAsync(ftyp, cancellationToken);
        await m4a.WriteAsync(moov, cancellationToken);
        var header = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, checked((uint)(payload + 8)));
        Encoding.ASCII.GetBytes("mdat", header.AsSpan(4));
        await m4a.WriteAsync(header, cancellationToken);
        var buffer = new byte[8192];
        foreach (var frame in frames)
        {
            adts.Position = frame.PayloadOffset;
            await adts.ReadExactlyAsync(buffer.AsMemory(0, frame.PayloadLength), cancellationToken);
            await m4a.WriteAsync(buffer.AsMemory(0, frame.PayloadLength), cancellationToken);
        }

        return new RemuxedAudio(durationMs, rate, first.Channels, frames.Count, ftyp.Length + moov.Length + 8 + payload);
    }

    private readonly record struct Frame(long PayloadOffset, int PayloadLength, int Profile, int RateIndex, int Channels);

    private static async Task<List<Frame>> ReadFramesAsync(Stream adts, CancellationToken cancellationToken)
    {
        var frames = new List<Frame>();
        var header = new byte[10];
        long offset = await SkipId3Async(adts, header, cancellationToken);
        while (offset < adts.Length)
        {
            adts.Position = offset;
            var read = await adts.ReadAtLeastAsync(header.AsMemory(0, 7), 7, throwOnEndOfStream: false, cancellationToken);
            if (read < 7)
            {
                throw Invalid($"the stream ends inside an ADTS header at byte {offset}");
            }

            if (header[0] != 0xFF || (header[1] & 0xF6) != 0xF0)
            {
                if (frames.Count > 0 && header[0] == (byte)'T' && header[1] == (byte)'A' && header[2] == (byte)'G')
                {
                    // An ID3v1 tag closes the stream.
                    break;
                }

                throw Invalid($"no ADTS frame starts at byte {offset}");
            }

            var crc = (header[1] & 0x01) == 0;
            var profile = header[2] >> 6;
            var rateIndex = (header[2] >> 2) & 0x0F;
            var channels = ((header[2] & 0x01) << 2) | (header[3] >> 6);
            var length = ((header[3] & 0x03) << 11) | (header[4] << 3) | (header[5] >> 5);
            var blocks = (header[6] & 0x03) + 1;
            var headerLength = crc ? 9 : 7;
            if (rateIndex >= Rates.Length)
            {
                throw Invalid($"the frame at byte {offset} has the reserved sampling frequency index {rateIndex}");
            }

            if (channels == 0)
            {
                throw Invalid("the stream gives its channel layout in-band (channel configuration 0): it cannot be carried into M4A without re-encoding");
            }

            if (blocks != 1)
            {
                throw Invalid($"the frame at byte {offset} holds {blocks} raw data blocks; M4A takes one per sample: it needs re-encoding");
            }

            if (length <= headerLength || offset + length > adts.Length)
            {
                throw Invalid($"the frame at byte {offset} declares {length} bytes, which its header or the file cannot hold");
            }

            if (frames.Count > 0 && (profile != frames[0].Profile || rateIndex != frames[0].RateIndex || channels != frames[0].Channels))
            {
                throw Invalid($"the frame at byte {offset} changes the profile, sample rate or channels: it needs re-encoding");
            }

            frames.Add(new Frame(offset + headerLength, length - headerLength, profile, rateIndex, channels));
            offset += length;
        }

        return frames.Count > 0 ? frames : throw Invalid("the stream holds no ADTS frame");
    }

    private static async Task<long> SkipId3Async(Stream adts, byte[] header, CancellationToken cancellationToken)
    {
        adts.Position = 0;
        var read = await adts.ReadAtLeastAsync(header.AsMemory(0, 10), 10, throwOnEndOfStream: false, cancellationToken);
        if (read < 10 || header[0] != (byte)'I' || header[1] != (byte)'D' || header[2] != (byte)'3')
        {
            return 0;
        }

        // ID3v2: a 10-byte header, then a synchsafe size (7 bits per byte), then a 10-byte footer when flagged.
        var size = (header[6] << 21) | (header[7] << 14) | (header[8] << 7) | header[9];
        return 10 + size + ((header[5] & 0x10) != 0 ? 10 : 0);
    }

    private static byte[] Moov(List<Frame> frames, Frame first, int rate, long samples, long durationMs, long payload, uint chunkOffset)
    {
        var movieDuration = checked((uint)durationMs);
        return Box("moov", moov =>
        {
            FullBox(moov, "mvhd", 0, 0, w =>
            {
                U32(w, 0);
                U32(w, 0);
                U32(w, MovieTimescale);
                U32(w, movieDuration);
                U32(w, 0x00010000);
                U16(w, 0x0100);
                w.Write(new byte[10]);
                Matrix(w);
                w.Write(new byte[24]);
                U32(w, 2);
            });
            Child(moov, "trak", trak =>
            {
                FullBox(trak, "tkhd", 0, 0x000003, w =>
                {
                    U32(w, 0);
                    U32(w, 0);
                    U32(w, 1);
                    U32(w, 0);
                    U32(w, movieDuration);
                    w.Write(new byte[8]);
                    U16(w, 0);
                    U16(w, 0);
                    U16(w, 0x0100);
                    U16(w, 0);
                    Matrix(w);
                    U32(w, 0);
                    U32(w, 0);
                });
                Child(trak, "mdia", mdia =>
                {
                    FullBox(mdia, "mdhd", 0, 0, w =>
                    {
                        U32(w, 0);
                        U32(w, 0);
                        U32(w, (uint)rate);
                        U32(w, checked((uint)samples));
                        U16(w, 0x55C4); // "und", packed as three 5-bit letters.
                        U16(w, 0);
                    });
                    FullBox(mdia, "hdlr", 0, 0, w =>
                    {
                        U32(w, 0);
                        w.Write(Encoding.ASCII.GetBytes("soun"));
                        w.Write(new byte[12]);
                        w.Write(Encoding.ASCII.GetBytes("SoundHandler\0"));
                    });
                    Child(mdia, "minf", minf =>
                    {
                        FullBox(minf, "smhd", 0, 0, w => U32(w, 0));
                        Child(minf, "dinf", dinf => FullBox(dinf, "dref", 0, 0, w =>
                        {
                            U32(w, 1);
                            FullBox(w, "url ", 0, 1, _ => { });
                        }));
                        Child(minf, "stbl", stbl =>
                        {
                            FullBox(stbl, "stsd", 0, 0, w =>
                            {
                                U32(w, 1);
                                Child(w, "mp4a", e =>
                                {
                                    e.Write(new byte[6]);
                                    U16(e, 1);
                                    e.Write(new byte[8]);
                                    U16(e, (ushort)first.Channels);
                                    U16(e, 16);
                                    U32(e, 0);
                                    U32(e, rate <= ushort.MaxValue ? (uint)rate << 16 : 0);
                                    FullBox(e, "esds", 0, 0, d => d.Write(EsDescriptor(first, frames, payload, samples, rate)));
                                });
                            });
                            FullBox(stbl, "stts", 0, 0, w =>
                            {
                                U32(w, 1);
                                U32(w, (uint)frames.Count);
                                U32(w, SamplesPerFrame);
                            });
                            FullBox(stbl, "stsc", 0, 0, w =>
                            {
                                U32(w, 1);
                                U32(w, 1);
                                U32(w, (uint)frames.Count);
                                U32(w, 1);
                            });
                            FullBox(stbl, "stsz", 0, 0, w =>
                            {
                                U32(w, 0);
                                U32(w, (uint)frames.Count);
                                foreach (var frame in frames)
                                {
                                    U32(w, (uint)frame.PayloadLength);
                                }
                            });
                            FullBox(stbl, "stco", 0, 0, w =>
                            {
                                U32(w, 1);
                                U32(w, chunkOffset);
                            });
                        });
                    });
                });
            });
        });
    }

    /// <summary>ISO/IEC 14496-1 ES_Descriptor: AAC (object type 0x40), audio stream, the AudioSpecificConfig of ISO/IEC 14496-3.</summary>
    private static byte[] EsDescriptor(Frame first, List<Frame> frames, long payload, long samples, int rate)
    {
        var seconds = (double)samples / rate;
        var average = (uint)Math.Min(uint.MaxValue, payload * 8 / Math.Max(seconds, 1e-3));
        var audioObjectType = first.Profile + 1;
        var config = (ushort)((audioObjectType << 11) | (first.RateIndex << 7) | (first.Channels << 3));
        var specific = Descriptor(0x05, w => U16(w, config));
        var decoder = Descriptor(0x04, w =>
        {
            w.Write((byte)0x40);
            w.Write((byte)0x15);
            var buffer = frames.Max(f => f.PayloadLength);
            w.Write((byte)(buffer >> 16));
            U16(w, (ushort)buffer);
            U32(w, average);
            U32(w, average);
            w.Write(specific);
        });
        var sl = Descriptor(0x06, w => w.Write((byte)0x02));
        return Descriptor(0x03, w =>
        {
            U16(w, 0);
            w.Write((byte)0);
            w.Write(decoder);
            w.Write(sl);
        });
    }

    private static byte[] Descriptor(byte tag, Action<BinaryWriter> body)
    {
        using var content = new MemoryStream();
        using (var w = new BinaryWriter(content, Encoding.ASCII, leaveOpen: true))
        {
            body(w);
        }

        // Every descriptor here is shorter than 128 bytes: its size fits the one-byte form.
        return [tag, checked((byte)content.Length), .. content.ToArray()];
    }

    private static byte[] Box(string type, Action<BinaryWriter> body)
    {
        using var content = new MemoryStream();
        using (var w = new BinaryWriter(content, Encoding.ASCII, leaveOpen: true))
        {
            body(w);
        }

        var box = new byte[8 + content.Length];
        BinaryPrimitives.WriteUInt32BigEndian(box, checked((uint)box.Length));
        Encoding.ASCII.GetBytes(type, box.AsSpan(4));
        content.ToArray().CopyTo(box, 8);
        return box;
    }

    private static void Child(BinaryWriter parent, string type, Action<BinaryWriter> body) => parent.Write(Box(type, body));

    private static void FullBox(BinaryWriter parent, string type, byte version, int flags, Action<BinaryWriter> body) =>
        parent.Write(Box(type, w =>
        {
            U32(w, ((uint)version << 24) | (uint)flags);
            body(w);
        }));

    private static void Matrix(BinaryWriter w)
    {
        foreach (var value in new uint[] { 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000 })
        {
            U32(w, value);
        }
    }

    private static void U32(BinaryWriter w, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        w.Write(bytes);
    }

    private static void U16(BinaryWriter w, ushort value)
    {
        Span<byte> bytes = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        w.Write(bytes);
    }

    private static InvalidDataException Invalid(string reason) => new(reason);
}
