using System.Diagnostics;
using System.Text.RegularExpressions;
using LineConnector.Tests.Packaging;
using LineConnector.Tests.Support;
using Xunit.Abstractions;

namespace LineConnector.Tests.LocalMode;

/// <summary>
/// scripts/fault-run.sh at a CI size: local mode with the bot failing 20% (503) + 5% (timeout) and LINE
/// failing 20% (500) + 5% (timeout). Nothing the webhook accepted is lost, nothing reaches a LINE user twice,
/// each user's events and replies keep their order, no user is poisoned. The script runs 100,000 events from
/// 500 users by default; the README has its figures.
/// </summary>
public sealed partial class FaultRunScriptTests(ITestOutputHelper output)
{
    private const int Events = 2_000;
    private const int Users = 50;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task Under_faults_on_both_sides_nothing_is_lost_sent_twice_to_LINE_or_out_of_order()
    {
        var start = new ProcessStartInfo("bash", [RepositoryFiles.PathOf("scripts", "fault-run.sh"), $"{Events}", $"{Users}"])
        {
            WorkingDirectory = RepositoryFiles.Root,
            Environment = { ["APP_DLL"] = LocalModeProcess.AppPath, ["DRIVER_WAIT_SECONDS"] = "240" },
        };

        var run = await ProcessRun.RunAsync(start, Timeout);
        var table = run.Output;
        output.WriteLine(table);
        run.ExitCode.Should().Be(0, "the run fails when anything is lost, duplicated or out of order: {0}{1}", table, run.Errors);
        string Figure(string name) => Row().Matches(table).Single(m => m.Groups["name"].Value == name).Groups["value"].Value;
        Figure("events accepted (200 to the webhook)").Should().Be("2,000");
        Figure("delivered to the bot (distinct)").Should().Be("2,000");
        Figure("lost (accepted, never delivered)").Should().Be("0");
        Figure("out of order at the bot").Should().Be("0");
        Figure("replies lost (taken, neither at LINE nor reported uncertain)").Should().Be("0");
        Figure("duplicates to LINE users").Should().Be("0");
        Figure("out of order at LINE").Should().Be("0");
        Figure("poisoned users (rejected or dead-lettered messages)").Should().Be("0");
        Figure("faults injected: bot / LINE").Should().NotStartWith("0 ", "the faults happened");
    }

    [GeneratedRegex(@"^\| (?<name>[^|]+) \| (?<value>[^|]+) \|$", RegexOptions.Multiline)]
    private static partial Regex Row();
}
