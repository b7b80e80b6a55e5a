using System.Net;
using LineConnector.Core.Media;
using Microsoft.AspNetCore.Http;

namespace LineConnector.Tests.Media;

public sealed class MediaFetcherTests : IAsyncLifetime
{
    private MediaServer _server = null!;

    public async Task InitializeAsync() => _server = await MediaServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static MediaFetcher LocalFetcher(MediaFetchOptions? options = null) =>
        new(options ?? new MediaFetchOptions { AllowLoopbackHttpForTests = true }, TimeProvider.System);

    [Theory]
    [InlineData(MediaRules.MaxVideoBytes, true)]
    [InlineData(MediaRules.MaxVideoBytes + 1, false)]
    public async Task A_200_MB_video_with_moov_at_the_end_is_judged_from_kilobytes(long length, bool accepted)
    {
        var url = _server.Serve("/big.mp4", LargeMedia.GrowMdat("video-h264-aac-moov-at-end.mp4", length));
        using var fetcher = LocalFetcher();

        var probe = await MediaProbe.ProbeUrlAsync(url, fetcher, CancellationToken.None);

        probe.Problems.Should().BeEmpty();
        (probe.Kind, probe.Container, probe.VideoCodec).Should().Be((MediaKind.Video, "mp4", "h264"));
        probe.AudioCodecs.Should().Equal("aac");
        probe.DurationMs.Should().Be(1000);
        probe.SizeBytes.Should().Be(length);
        var reasons = MediaRules.Check(probe, MediaUse.Video);
        if (accepted)
        {
            reasons.Should().BeEmpty();
        }
        else
        {
            reasons.Should().ContainSingle().Which.Should().Contain("200,000,001 bytes").And.Contain("at most 200,000,000");
        }

        _server.Requests.Should().BeLessThanOrEqualTo(4);
        _server.BytesSent.Should().BeLessThan(1_000_000);
        probe.Requests.Should().Be(_server.Requests);
        probe.BytesRead.Should().Be(_server.BytesSent);
    }

    [Fact]
    public async Task A_200_MB_video_with_moov_at_the_start_is_judged_from_one_request()
    {
        var url = _server.Serve("/big.mp4", LargeMedia.GrowMdat("video-h264-aac.mp4", MediaRules.MaxVideoBytes));
        using var fetcher = LocalFetcher();

        var probe = await MediaProbe.ProbeUrlAsync(url, fetcher, CancellationToken.None);

        MediaRules.Check(probe, MediaUse.Video).Should().BeEmpty();
        probe.SizeBytes.Should().Be(MediaRules.MaxVideoBytes);
        _server.Requests.Should().Be(1);
        _server.BytesSent.Should().Be(64 * 1024);
    }

    [Fact]
    public async Task A_server_that_ignores_ranges_is_read_whole_when_small()
    {
        var url = _server.Serve("/whole.png", VirtualFile.Of(MediaFixtures.Bytes("image.png")), ranges: false);
        using var fetcher = LocalFetcher();

        var probe = await MediaProbe.ProbeUrlAsync(url, fetcher, CancellationToken.None);

        probe.Problems.Should().BeEmpty();
        probe.Container.Should().Be("png");
        probe.SizeBytes.Should().Be(MediaFixtures.Bytes("image.png").Length);
        _server.Requests.Should().Be(1);
    }

    [Fact]
    public async Task A_server_that_ignores_ranges_is_refused_when_the_media_is_large()
    {
        var url = _server.Serve("/whole.mp4", LargeMedia.GrowMdat("video-h264-aac.mp4", 50_000_000), ranges: false);
        using var fetcher = LocalFetcher();

        var probe = await MediaProbe.ProbeUrlAsync(url, fetcher, CancellationToken.None);

        probe.FetchFailure.Should().Be(MediaFetchFailure.NotAllowed);
        probe.Problems.Should().ContainSingle().Which.Should().Contain("does not answer range requests");
    }

    [Fact]
    public async Task The_size_cap_holds_while_reading_a_body_without_a_length()
    {
        var url = _server.Respond("/chunked", async context =>
        {
            // No Content-Length: chunked, and more than the cap.
            var chunk = new byte[64 * 1024];
            MediaFixtures.Bytes("image.png").CopyTo(chunk, 0);
            for (var i = 0; i < 40; i++)
            {
                await context.Response.Body.WriteAsync(chunk, context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }
        });
        using var fetcher = LocalFetcher(new MediaFetchOptions { AllowLoopbackHttpForTests = true, MaxBytes = 1024 * 1024 });

        var probe = await MediaProbe.ProbeUrlAsync(url, fetcher, CancellationToken.None);

        probe.FetchFailure.Should().Be(MediaFetchFailure.NotAllowed);
        probe.Problems.Should().ContainSingle().Which.Should().Contain("larger than 1,048,576 bytes");
    }

    [Fact]
    public async Task Redirects_are_followed_and_later_ranges_go_to_the_target()
    {
        _server.Serve("/target.mp4", LargeMedia.GrowMdat("video-h264-aac-moov-at-end.mp4", 20_000_000));
        var url = _server.Redirect("/start.mp4", "/target.mp4");
        using var fetcher = LocalFetcher();

        var probe = await MediaProbe.ProbeUrlAsync(url, fetcher, CancellationToken.None);

        MediaRules.Check(probe, MediaUse.Video).Should().BeEmpty();
        // The redirect, the first range, the range with 'moov'.
        _server.Requests.Should().Be(3);
    }

    [Theory]
    [InlineData("file:///etc/passwd", "must use HTTPS")]
    [InlineData("ftp://example.com/a.mp4", "must use HTTPS")]
    [InlineData("http://10.1.2.3:{port}/a.mp4", "a private address")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local (cloud metadata)")]
    [InlineData("http://[::ffff:192.168.1.1]:{port}/a.mp4", "a private address")]
    public async Task A_redirect_to_a_forbidden_place_is_refused(string location, string reason)
    {
        var url = _server.Redirect("/start.mp4", location.Replace("{port}", _server.BaseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        using var fetcher = LocalFetcher(new MediaFetchOptions { AllowLoopbackHttpForTests = true, RequestTimeout = TimeSpan.FromSeconds(2) });

        var probe = await MediaProbe.ProbeUrlAsync(url, fetcher, CancellationToken.None);

        probe.FetchFailure.Should().Be(MediaFetchFailure.NotAllowed);
        probe.Problems.Should().ContainSingle().Which.Should().Contain(reason);
        _server.Requests.Should().Be(1);
    }

    [Fact]
    public async Task Redirect_loops_end_at_the_limit()
    {
        var url = _server.Redirect("/loop", "/loop", StatusCodes.Status307TemporaryRedirect);
        using var fetcher = LocalFetcher();

        var probe = await MediaProbe.ProbeUrlAsync(url, fetcher, CancellationToken.None);

        probe.FetchFailure.Should().Be(MediaFetchFailure.NotAllowed);
        probe.Problems.Should().ContainSingle().Which.Should().Contain("redirected more than 5 times");
        _server.Requests.Should().Be(6);
    }

    [Theory]
    [InlineData(StatusCodes.Status404NotFound, MediaFetchFailure.Failed)]
    [InlineData(StatusCodes.Status403Forbidden, MediaFetchFailure.Failed)]
    [InlineData(StatusCodes.Status429TooManyRequests, MediaFetchFailure.Unavailable)]
    [InlineData(StatusCodes.Status500InternalServerError, MediaFetchFailure.Unavailable)]
    [InlineData(StatusCodes.Status503ServiceUnavailable, MediaFetchFailure.Unavailable)]
    public async Task Http_errors_say_whether_trying_again_may_help(int status, MediaFetchFailure failure)
    {
        var url = _server.Status("/error", status);
        using var fetcher = LocalFetcher();

        var probe = await MediaProbe.ProbeUrlAsync(url, fetcher, CancellationToken.None);

        probe.FetchFailure.Should().Be(failure);
        probe.Problems.Should().ContainSingle().Which.Should().Contain($"answered {status}");
        probe.SizeBytes.Should().BeNull();
    }

    [Fact]
    public async Task A_server_that_does_not_answer_times_out()
    {
        var url = _server.Respond("/slow", async context => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));
        using var fetcher = LocalFetcher(new MediaFetchOptions { AllowLoopbackHttpForTests = true, RequestTimeout = TimeSpan.FromMilliseconds(300) });

        var probe = await MediaProbe.ProbeUrlAsync(url, fetcher, CancellationToken.None);

        probe.FetchFailure.Should().Be(MediaFetchFailure.Unavailable);
        probe.Problems.Should().ContainSingle().Which.Should().Contain("did not answer within 0.3 s");
    }

    [Fact]
    public async Task The_whole_probe_has_a_time_limit()
    {
        var url = _server.Respond("/slow", async context => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));
        using var fetcher = LocalFetcher(new MediaFetchOptions { AllowLoopbackHttpForTests = true, ProbeTimeout = TimeSpan.FromMilliseconds(300) });

        var probe = await MediaProbe.ProbeUrlAsync(url, fetcher, CancellationToken.None);

        probe.FetchFailure.Should().Be(MediaFetchFailure.Unavailable);
        probe.Problems.Should().ContainSingle().Which.Should().Contain("took longer than 0.3 s");
    }

    [Fact]
    public async Task The_caller_can_cancel()
    {
        var url = _server.Respond("/slow", async context => await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted));
        using var fetcher = LocalFetcher();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var probing = () => MediaProbe.ProbeUrlAsync(url, fetcher, cancel.Token);

        await probing.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Requests_and_bytes_per_url_are_capped()
    {
        var url = _server.Serve("/big.mp4", LargeMedia.GrowMdat("video-h264-aac-moov-at-end.mp4", 20_000_000));
        using var fewRequests = LocalFetcher(new MediaFetchOptions { AllowLoopbackHttpForTests = true, MaxRequests = 1 });
        using var fewBytes = LocalFetcher(new MediaFetchOptions { AllowLoopbackHttpForTests = true, MaxBytes = 66_000 });

        var byRequests = await MediaProbe.ProbeUrlAsync(url, fewRequests, CancellationToken.None);
        var byBytes = await MediaProbe.ProbeUrlAsync(url, fewBytes, CancellationToken.None);

        byRequests.FetchFailure.Should().Be(MediaFetchFailure.NotAllowed);
        byRequests.Problems.Should().ContainSingle().Which.Should().Contain("more than 1 HTTP requests");
        byBytes.FetchFailure.Should().Be(MediaFetchFailure.NotAllowed);
        byBytes.Problems.Should().ContainSingle().Which.Should().Contain("more than 66,000 bytes");
    }

    [Fact]
    public async Task An_empty_file_is_refused_as_empty()
    {
        var url = _server.Serve("/empty", VirtualFile.Of([]));
        using var fetcher = LocalFetcher();

        var probe = await MediaProbe.ProbeUrlAsync(url, fetcher, CancellationToken.None);

        probe.Problems.Should().Equal("the file is empty");
        probe.SizeBytes.Should().Be(0);
    }

    [Fact]
    public async Task A_partial_answer_without_content_range_is_refused()
    {
        var url = _server.Respond("/broken", context =>
        {
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            return context.Response.Body.WriteAsync(MediaFixtures.Bytes("image.png")).AsTask();
        });
        using var fetcher = LocalFetcher();

        var probe = await MediaProbe.ProbeUrlAsync(url, fetcher, CancellationToken.None);

        probe.FetchFailure.Should().Be(MediaFetchFailure.Failed);
        probe.Problems.Should().ContainSingle().Which.Should().Contain("without a usable Content-Range");
    }

    [Fact]
    public async Task Without_the_test_switch_http_and_loopback_are_refused_before_any_request()
    {
        _server.ServeFixture("image.png");
        using var fetcher = new MediaFetcher(new MediaFetchOptions(), TimeProvider.System);

        var http = await MediaProbe.ProbeUrlAsync(_server.Url("/image.png"), fetcher, CancellationToken.None);
        var loopback = await MediaProbe.ProbeUrlAsync($"https://127.0.0.1:{_server.BaseUrl.Port}/image.png", fetcher, CancellationToken.None);
        var localhost = await MediaProbe.ProbeUrlAsync($"https://localhost:{_server.BaseUrl.Port}/image.png", fetcher, CancellationToken.None);
        var ipv6 = await MediaProbe.ProbeUrlAsync($"https://[::1]:{_server.BaseUrl.Port}/image.png", fetcher, CancellationToken.None);

        http.Problems.Should().Equal("the URL must use HTTPS, not http");
        foreach (var probe in new[] { loopback, localhost, ipv6 })
        {
            probe.FetchFailure.Should().Be(MediaFetchFailure.NotAllowed);
            probe.Problems.Should().ContainSingle().Which.Should().Contain("a loopback address");
        }

        _server.Requests.Should().Be(0);
    }

    [Fact]
    public async Task The_connection_goes_to_the_address_that_was_checked()
    {
        // "media.test" exists only in this resolver: reaching the server proves the connection
        // used the checked address, not a second lookup that could answer differently.
        _server.ServeFixture("image.png");
        var resolved = new List<string>();
        using var fetcher = new MediaFetcher(
            new MediaFetchOptions { AllowLoopbackHttpForTests = true },
            TimeProvider.System,
            (host, _) =>
            {
                resolved.Add(host);
                return Task.FromResult(new[] { IPAddress.Loopback });
            });

        var probe = await MediaProbe.ProbeUrlAsync($"http://media.test:{_server.BaseUrl.Port}/image.png", fetcher, CancellationToken.None);

        probe.Problems.Should().BeEmpty();
        probe.Container.Should().Be("png");
        resolved.Should().Equal("media.test");
        _server.Hosts.Should().Equal($"media.test:{_server.BaseUrl.Port}");
    }

    [Theory]
    [InlineData("10.0.0.7", "private")]
    [InlineData("169.254.169.254", "link-local (cloud metadata)")]
    [InlineData("100.64.0.1", "shared (CGNAT)")]
    [InlineData("fd00::1", "unique-local")]
    public async Task A_host_name_that_resolves_to_any_internal_address_is_refused(string internalAddress, string kind)
    {
        using var fetcher = new MediaFetcher(
            new MediaFetchOptions { AllowLoopbackHttpForTests = true },
            TimeProvider.System,
            (_, _) => Task.FromResult(new[] { IPAddress.Parse("93.184.215.14"), IPAddress.Parse(internalAddress) }));

        var probe = await MediaProbe.ProbeUrlAsync("https://media.test/image.png", fetcher, CancellationToken.None);

        probe.FetchFailure.Should().Be(MediaFetchFailure.NotAllowed);
        probe.Problems.Should().ContainSingle().Which.Should().Be($"media.test resolves to {internalAddress}, a {kind} address: media are fetched only from public addresses");
    }

    [Fact]
    public async Task A_token_in_the_query_never_appears_in_a_reason()
    {
        const string Token = "sig=TOKEN-4242";
        var missing = _server.Url("/missing.png") + "?" + Token;
        _server.Redirect("/to-private", "http://10.9.9.9/a.png?" + Token);
        using var fetcher = LocalFetcher(new MediaFetchOptions { AllowLoopbackHttpForTests = true, RequestTimeout = TimeSpan.FromSeconds(2) });

        var notFound = await MediaProbe.ProbeUrlAsync(missing, fetcher, CancellationToken.None);
        var redirected = await MediaProbe.ProbeUrlAsync(_server.Url("/to-private") + "?" + Token, fetcher, CancellationToken.None);

        notFound.Problems.Should().ContainSingle().Which.Should().Contain("answered 404");
        redirected.Problems.Should().ContainSingle().Which.Should().Contain("private");
        notFound.Problems.Concat(redirected.Problems).Should().NotContain(p => p.Contains("TOKEN-4242", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "the URL is empty")]
    [InlineData("not a url", "the URL is not an absolute URL")]
    [InlineData("http://example.com/a.png", "the URL must use HTTPS, not http")]
    [InlineData("https://user:secret@example.com/a.png", "the URL must not carry a user name or password")]
    public void Url_rules(string url, string problem)
    {
        using var fetcher = new MediaFetcher(new MediaFetchOptions(), TimeProvider.System);

        fetcher.CheckUrl(url).Should().Be(problem);
    }

    [Fact]
    public void Urls_of_up_to_2000_characters_are_allowed()
    {
        using var fetcher = new MediaFetcher(new MediaFetchOptions(), TimeProvider.System);
        var prefix = "https://example.com/";
        var longest = prefix + new string('a', 2000 - prefix.Length);

        fetcher.CheckUrl(longest).Should().BeNull();
        fetcher.CheckUrl(longest + "a").Should().Be("the URL is 2,001 characters long; at most 2,000 are allowed");
    }
}
