using System.CommandLine;
using LineConnector.Cli;

namespace LineConnector.Tests.Cli;

public sealed class SignWebhookCommandTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    [Fact]
    public async Task Prints_the_signature_of_the_file_bytes()
    {
        await File.WriteAllTextAsync(_file, "{\"hello\":\"world\"}");
        var output = new StringWriter();

        var exit = await Run(output, "sign-webhook", "--secret", "test_secret", _file);

        exit.Should().Be(0);
        output.ToString().Trim().Should().Be("t7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE/tM=");
    }

    [Fact]
    public async Task Without_a_secret_it_exits_2()
    {
        await File.WriteAllTextAsync(_file, "{}");
        Environment.GetEnvironmentVariable("LINE_CHANNEL_SECRET").Should().BeNull("the test relies on it being unset");

        var exit = await Run(new StringWriter(), "sign-webhook", _file);

        exit.Should().Be(2);
    }

    [Fact]
    public async Task A_missing_file_exits_2()
    {
        var exit = await Run(new StringWriter(), "sign-webhook", "--secret", "s", Path.Combine(Path.GetTempPath(), "no-such-" + Guid.NewGuid()));

        exit.Should().Be(2);
    }

    public void Dispose() => File.Delete(_file);

    private static Task<int> Run(StringWriter output, params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(SignWebhookCommand.Create());
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = new StringWriter() });
    }
}
