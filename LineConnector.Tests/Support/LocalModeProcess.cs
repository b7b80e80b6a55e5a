using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using LineConnector.Tests.Packaging;

namespace LineConnector.Tests.Support;

/// <summary>
/// Local mode as its own process: the built <c>LineConnector.Functions.dll</c> started with <c>dotnet</c>, its
/// settings in environment variables, listening on a free port of 127.0.0.1, its output kept for failures.
/// </summary>
public sealed class LocalModeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LocalModeProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>What the app wrote to standard output and error so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The app as this test run built it (Debug or Release, as the tests).</summary>
    public static string AppPath
    {
        get
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return RepositoryFiles.PathOf("LineConnector.Functions", "bin", output.Parent!.Name, output.Name, "LineConnector.Functions.dll");
        }
    }

    /// <summary>Starts the app in <paramref name="workingDirectory"/> and returns once it answers a signed webhook.</summary>
    /// <param name="readyProbe">A request that the app answers 200 once it runs, e.g. a signed empty webhook.</param>
    /// <param name="port">The port to listen on (from <see cref="FreePort"/>, when a setting must name it); a free one when left out.</param>
    public static async Task<LocalModeProcess> StartAsync(string workingDirectory, IReadOnlyDictionary<string, string> settings, Func<HttpClient, Uri, Task<bool>> readyProbe, int? port = null)
    {
        port ??= FreePort();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", [AppPath, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment.Remove("FUNCTIONS_CUSTOMHANDLER_PORT");
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The app did not start.");
        var app = new LocalModeProcess(process, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => app.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => app.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await app.WaitUntilReadyAsync(readyProbe);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills the process at once (SIGKILL on Linux and macOS): no shutdown code runs.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync(Func<HttpClient, Uri, Task<bool>> readyProbe)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app stopped with exit code {_process.ExitCode}:\n{Output}");
            }

            try
            {
                if (await readyProbe(http, BaseAddress))
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too busy starting to answer in time.
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException($"The app did not answer within 60 s:\n{Output}");
            }

            await Task.Delay(50);
        }
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
