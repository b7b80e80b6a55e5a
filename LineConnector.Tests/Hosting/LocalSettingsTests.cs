using LineConnector.Functions.Hosting;

namespace LineConnector.Tests.Hosting;

public sealed class LocalSettingsTests : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("local-settings-");

    [Fact]
    public void Values_are_read_with_double_underscores_as_sections()
    {
        var path = Write(LocalSettings.FileName, """
            {
              "IsEncrypted": false,
              "Values": {
                "Channels__demo__ChannelSecret": "s3cret",
                "LocalQueue__MaxDeliveryCount": 4,
                "Empty": null
              },
              "Host": { "LocalHttpPort": 7071 }
            }
            """);

        var values = LocalSettings.Read(path);

        values["Channels:demo:ChannelSecret"].Should().Be("s3cret");
        values["LocalQueue:MaxDeliveryCount"].Should().Be("4");
        values["Empty"].Should().BeNull();
        values.Should().NotContainKey("Host:LocalHttpPort");
    }

    [Fact]
    public void An_encrypted_file_is_refused_with_what_to_do()
    {
        var path = Write(LocalSettings.FileName, """{"IsEncrypted": true, "Values": {"A": "x"}}""");

        var read = () => LocalSettings.Read(path);

        read.Should().Throw<InvalidOperationException>().WithMessage("*encrypted*func settings decrypt*");
    }

    [Fact]
    public void The_nearest_settings_file_upwards_wins_and_the_sample_is_the_fallback()
    {
        var nested = _root.CreateSubdirectory("a").CreateSubdirectory("b");
        Write(LocalSettings.SampleFileName, "{}");

        LocalSettings.Find(nested.FullName).Should().Be(Path.Combine(_root.FullName, LocalSettings.SampleFileName));

        Write(Path.Combine("a", LocalSettings.FileName), "{}");
        LocalSettings.Find(nested.FullName).Should().Be(Path.Combine(_root.FullName, "a", LocalSettings.FileName));
    }

    [Fact]
    public void The_repository_sample_documents_the_settings_the_app_reads()
    {
        var sample = LocalSettings.Find(AppContext.BaseDirectory)!;
        var values = LocalSettings.Read(Path.Combine(Path.GetDirectoryName(sample)!, LocalSettings.SampleFileName));

        values.Keys.Should().Contain([
            "FUNCTIONS_WORKER_RUNTIME", "ServiceBusConnection:fullyQualifiedNamespace", "ServiceBusConnection:clientId",
            "Line:ApiBaseUrl", "Line:DataApiBaseUrl", "Channels:demo:ChannelSecret",
            "LocalQueue:MaxDeliveryCount", "LocalQueue:DuplicateDetectionWindow", "LocalQueue:RetryDelay", "LocalQueue:MaxConcurrentSessions",
        ]);
        values["FUNCTIONS_WORKER_RUNTIME"].Should().Be("custom");
    }

    public void Dispose() => _root.Delete(recursive: true);

    private string Write(string relativePath, string text)
    {
        var path = Path.Combine(_root.FullName, relativePath);
        File.WriteAllText(path, text);
        return path;
    }
}
