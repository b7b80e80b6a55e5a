using System.Net;
using LineConnector.Tests.Packaging;
using LineConnector.Tests.Support;
using Microsoft.Playwright;

namespace LineConnector.Tests.Console;

/// <summary>
/// Local mode as a developer starts it, from the repository's own <c>local.settings.sample.json</c> (only its
/// port and store moved), with Debian's <c>chromium</c> driven by Playwright. Playwright's own browser
/// download is never used: the browser is launched by <c>ExecutablePath</c> (<c>LINECONNECTOR_TEST_CHROMIUM</c>,
/// else <c>chromium</c> on the PATH; <c>.ci/run</c> installs it). Screenshots go to <c>TestResults/console/</c>.
/// </summary>
public sealed class ConsoleSession : IAsyncLifetime
{
    public const string Collection = "Console in a browser";

    private readonly TemporaryFolder _folder = new();
    private LocalModeProcess? _app;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseAddress => _app!.BaseAddress;

    public Uri ConsoleUrl => new(BaseAddress, "api/console/");

    public string AppOutput => _app?.Output ?? "";

    public static string ScreenshotFolder { get; } = RepositoryFiles.PathOf("TestResults", "console");

    public async Task InitializeAsync()
    {
        File.Copy(RepositoryFiles.PathOf("local.settings.sample.json"), Path.Combine(_folder.Path, "local.settings.sample.json"));
        var port = LocalModeProcess.FreePort();
        _app = await LocalModeProcess.StartAsync(
            _folder.Path,
            new Dictionary<string, string>
            {
                ["LocalStore__Path"] = Path.Combine(_folder.Path, "local.db"),
                // The sample's staff desk is on the default port 7071; here the app listens elsewhere.
                ["Channels__demo__Destinations__desk__WebhookUrl"] = $"http://127.0.0.1:{port}/playground/desk/demo/desk",
            },
            async (http, baseAddress) => (await http.GetAsync(new Uri(baseAddress, "api/console/"))).StatusCode == HttpStatusCode.OK,
            port);

        // The driver must never fetch browsers: it launches the system's chromium below.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath(),
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        Directory.CreateDirectory(ScreenshotFolder);
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 860 }, Locale = "en-GB", TimezoneId = "Asia/Tokyo" });
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _folder.Dispose();
    }

    private static string ChromiumPath()
    {
        if (Environment.GetEnvironmentVariable("LINECONNECTOR_TEST_CHROMIUM") is { Length: > 0 } configured)
        {
            return configured;
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            foreach (var name in new[] { "chromium", "chromium-browser" })
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException("No chromium on the PATH: install Debian's (apt-get install -y chromium) or set LINECONNECTOR_TEST_CHROMIUM.");
    }
}

[CollectionDefinition(ConsoleSession.Collection, DisableParallelization = true)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleSession>;
