using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LineConnector.Core.Media;

namespace LineConnector.Cli;

/// <summary>
/// <c>line-connector check-media &lt;file|https-url&gt; [--json]</c>: probes the media and judges it
/// as the image, video or audio it is. Exit 0 accepted, 1 refused, 2 usage or I/O error.
/// </summary>
public static class CheckMediaCommand
{
    public const int Accepted = 0;
    public const int Refused = 1;
    public const int IoError = 2;

    public static Command Create() => Create(() => new MediaFetcher(new MediaFetchOptions(), TimeProvider.System));

    /// <param name="fetcher">Makes the fetcher for URLs; tests pass one that may reach a local server.</param>
    public static Command Create(Func<MediaFetcher> fetcher)
    {
        var media = new Argument<string>("media") { Description = "A media file, or an https:// URL." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("check-media", "Say whether media may be sent to LINE: its kind, container, codecs, duration and size, and every reason it is refused.")
        {
            media,
            json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var target = parse.GetValue(media)!;
            MediaProbeResult probe;
            // Anything with a scheme is a URL, so that a forbidden one (http, ftp, file) is refused by the URL rules.
            if (target.Contains("://", StringComparison.Ordinal))
            {
                using var client = fetcher();
                probe = await MediaProbe.ProbeUrlAsync(target, client, cancellationToken);
            }
            else
            {
                try
                {
                    await using var source = FileMediaSource.Open(target);
                    probe = await MediaProbe.ProbeAsync(source, cancellationToken);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    await error.WriteLineAsync($"Cannot read {target}: {e.Message}");
                    return IoError;
                }
            }

            // A rule refusing the URL is a verdict; a server or file that cannot be read is not.
            if (probe.FetchFailure is MediaFetchFailure.Failed or MediaFetchFailure.Unavailable)
            {
                await error.WriteLineAsync($"Cannot read {Shown(target)}: {string.Join("; ", probe.Problems)}");
                return IoError;
            }

            var reasons = MediaRules.Check(probe, MediaRules.UseFor(probe.Kind));
            var verdict = reasons.Count == 0 ? "accepted" : "refused";
            if (parse.GetValue(json))
            {
                var report = new MediaReport(
                    verdict,
                    MediaTexts.Kind.Format(probe.Kind),
                    probe.Container,
                    probe.VideoCodec,
                    probe.AudioCodecs,
                    probe.AudioStreams,
                    probe.DurationMs,
                    probe.SizeBytes,
                    reasons,
                    probe.BytesRead,
                    probe.Requests);
                await output.WriteLineAsync(JsonSerializer.Serialize(report, CliJsonContext.Default.MediaReport));
            }
            else
            {
                await output.WriteLineAsync($"{verdict}: {Summary(probe)}");
                foreach (var reason in reasons)
                {
                    await output.WriteLineAsync($"  - {reason}");
                }
            }

            return reasons.Count == 0 ? Accepted : Refused;
        });
        return command;
    }

    private static string Summary(MediaProbeResult probe)
    {
        if (probe.SizeBytes is null)
        {
            return "the media was not read";
        }

        var parts = new List<string> { MediaTexts.Kind.Format(probe.Kind) };
        if (probe.Container is { } container)
        {
            parts.Add(container);
        }

        var codecs = new[] { probe.VideoCodec }.Concat(probe.AudioCodecs).OfType<string>().ToList();
        if (codecs.Count > 0)
        {
            parts.Add(string.Join(" + ", codecs));
        }

        if (probe.DurationMs is { } duration)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{duration:N0} ms"));
        }

        if (probe.SizeBytes is { } size)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{size:N0} bytes"));
        }

        return string.Join(", ", parts);
    }

    /// <summary>A URL without its query, which may hold an access token.</summary>
    private static string Shown(string target) =>
        Uri.TryCreate(target, UriKind.Absolute, out var uri) && uri.Scheme.StartsWith("http", StringComparison.Ordinal)
            ? uri.GetLeftPart(UriPartial.Path)
            : target;
}
