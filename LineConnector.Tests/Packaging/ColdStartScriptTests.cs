using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using LineConnector.Tests.Support;

namespace LineConnector.Tests.Packaging;

/// <summary>
/// scripts/cold-start.sh starts the published app in hosted mode with the settings it names, and gets
/// the webhook's first answer: the settings hosted mode requires and the measured route stay in step
/// with the code.
/// </summary>
[Collection(PublishedFunctionApp.Collection)]
public sealed partial class ColdStartScriptTests(PublishedFunctionApp published)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task The_cold_start_script_measures_the_published_app_from_start_to_first_answer()
    {
        var run = await ProcessRun.RunAsync(
            new ProcessStartInfo("bash", [RepositoryFiles.PathOf("scripts", "cold-start.sh"), "--runs", "1", published.Folder]) { WorkingDirectory = RepositoryFiles.Root },
            Timeout);

        run.ExitCode.Should().Be(0, "it wrote: {0}", run.Errors);
        var row = Row().Match(run.Output);
        row.Success.Should().BeTrue("the script prints one row per folder: {0}", run.Output);
        int Milliseconds(string name) => int.Parse(row.Groups[name].Value, CultureInfo.InvariantCulture);
        var (min, median, max) = (Milliseconds("min"), Milliseconds("median"), Milliseconds("max"));
        min.Should().BePositive();
        median.Should().BeInRange(min, max);
        max.Should().BeLessThan(30_000);
    }

    [GeneratedRegex(@"^\| .+ \| 1 \| (?<min>\d+) \| (?<median>\d+) \| (?<max>\d+) \| \d+ \|$", RegexOptions.Multiline)]
    private static partial Regex Row();
}
