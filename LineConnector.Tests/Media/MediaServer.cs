using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace LineConnector.Tests.Media;

/// <summary>
/// A real HTTP server on 127.0.0.1 for media: range requests with a real Content-Range, files of
/// any declared size made of real head and tail bytes around zeros, redirects, errors and delays.
/// It counts requests and body bytes sent.
/// </summary>
internal sealed class MediaServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.Ordinal);
    private int _requests;
    private long _bytesSent;

    private MediaServer(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseUrl { get; private set; } = null!;

    public int Requests => Volatile.Read(ref _requests);

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>The Host header of every request, in order.</summary>
    public ConcurrentQueue<string> Hosts { get; } = new();

    public static async Task<MediaServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new MediaServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.BaseUrl = new Uri(app.Urls.First());
        return server;
    }

    public string Url(string path) => new Uri(BaseUrl, path).AbsoluteUri;

    public string Serve(string path, VirtualFile file, bool ranges = true)
    {
        _routes[path] = context => WriteFileAsync(context, file, ranges);
        return Url(path);
    }

    public string ServeFixture(string name) => Serve("/" + name, VirtualFile.Of(MediaFixtures.Bytes(name)));

    public string Redirect(string path, string location, int status = StatusCodes.Status302Found)
    {
        _routes[path] = context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.Location = location;
            return Task.CompletedTask;
        };
        return Url(path);
    }

    public string Status(string path, int status)
    {
        _routes[path] = context =>
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        };
        return Url(path);
    }

    public string Respond(string path, Func<HttpContext, Task> handler)
    {
        _routes[path] = handler;
        return Url(path);
    }

    public void ResetCounters()
    {
        Volatile.Write(ref _requests, 0);
        Interlocked.Exchange(ref _bytesSent, 0);
        Hosts.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        Hosts.Enqueue(context.Request.Host.Value ?? string.Empty);
        if (_routes.TryGetValue(context.Request.Path.Value ?? string.Empty, out var route))
        {
            return route(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        return Task.CompletedTask;
    }

    private async Task WriteFileAsync(HttpContext context, VirtualFile file, bool ranges)
    {
        var response = context.Response;
        long start = 0;
        var end = file.Length - 1;
        var range = ranges ? context.Request.GetTypedHeaders().Range : null;
        if (range is { Unit.Value: "bytes", Ranges.Count: 1 })
        {
            var requested = range.Ranges.First();
            if (file.Length == 0 || requested.From >= file.Length)
            {
                response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                response.Headers.ContentRange = new ContentRangeHeaderValue(file.Length).ToString();
                return;
            }

            (start, end) = requested.From is { } from
                ? (from, Math.Min(requested.To ?? file.Length - 1, file.Length - 1))
                : (file.Length - requested.To!.Value, file.Length - 1);
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = new ContentRangeHeaderValue(start, end, file.Length).ToString();
        }

        response.ContentLength = end - start + 1;
        response.Headers.AcceptRanges = "bytes";
        var buffer = new byte[64 * 1024];
        try
        {
            for (var at = start; at <= end; at += buffer.Length)
            {
                var count = (int)Math.Min(buffer.Length, end - at + 1);
                file.Fill(at, buffer.AsSpan(0, count));
                await response.Body.WriteAsync(buffer.AsMemory(0, count), context.RequestAborted);
                Interlocked.Add(ref _bytesSent, count);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client stopped reading: what it took is counted.
        }
    }
}

/// <summary>A file of any declared length: real bytes at its head and tail, zeros between.</summary>
internal sealed class VirtualFile(byte[] head, long length, byte[] tail)
{
    public long Length => length;

    public static VirtualFile Of(byte[] bytes) => new(bytes, bytes.Length, []);

    public static VirtualFile Sparse(byte[] head, long length, byte[]? tail = null) => new(head, length, tail ?? []);

    public void Fill(long offset, Span<byte> buffer)
    {
        buffer.Clear();
        if (offset < head.Length)
        {
            head.AsSpan((int)offset, (int)Math.Min(head.Length - offset, buffer.Length)).CopyTo(buffer);
        }

        var tailStart = length - tail.Length;
        var end = offset + buffer.Length;
        if (end > tailStart)
        {
            var from = Math.Max(offset, tailStart);
            tail.AsSpan((int)(from - tailStart), (int)(end - from)).CopyTo(buffer[(int)(from - offset)..]);
        }
    }
}

/// <summary>Builds large media from the small fixtures by growing their <c>mdat</c> box with zeros.</summary>
internal static class LargeMedia
{
    /// <summary>
    /// An MP4/M4A fixture whose <c>mdat</c> grows so that the file is <paramref name="length"/>
    /// bytes; the boxes after it (<c>moov</c>, when it is at the end) move to the end. The sample
    /// offsets stay right, as the original media data stays at the start of the <c>mdat</c>.
    /// </summary>
    public static VirtualFile GrowMdat(string fixture, long length)
    {
        var bytes = MediaFixtures.Bytes(fixture);
        var (mdat, mdatSize) = FindBox(bytes, "mdat");
        var after = bytes.AsSpan(mdat + mdatSize).ToArray();
        var head = bytes.AsSpan(0, mdat + mdatSize).ToArray();
        var newSize = length - mdat - after.Length;
        if (newSize > uint.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(length), "only 32-bit mdat sizes are written here");
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(head.AsSpan(mdat), (uint)newSize);
        return VirtualFile.Sparse(head, length, after);
    }

    public static (int Offset, int Size) FindBox(byte[] bytes, string type)
    {
        var offset = 0;
        while (offset + 8 <= bytes.Length)
        {
            var size = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(offset));
            if (System.Text.Encoding.ASCII.GetString(bytes, offset + 4, 4) == type)
            {
                return (offset, size);
            }

            offset += size;
        }

        throw new InvalidOperationException($"no top-level '{type}' box");
    }
}
