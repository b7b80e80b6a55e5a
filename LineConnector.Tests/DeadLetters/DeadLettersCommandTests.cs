using LineConnector.Cli.DeadLetters;
using LineConnector.Functions.DeadLetters;
using LineConnector.Tests.Packaging;

namespace LineConnector.Tests.DeadLetters;

public sealed class DeadLettersCommandTests
{
    [Fact]
    public void The_window_is_the_queues_duplicate_detection_window()
    {
        var queues = InfrastructureTests.Deployment("FlexConsumption").OfType("Microsoft.ServiceBus/namespaces/queues");

        queues.Should().NotBeEmpty().And.OnlyContain(q => q.GetProperty("properties").GetProperty("duplicateDetectionHistoryTimeWindow").GetString()
            == System.Xml.XmlConvert.ToString(DeadLetterReplay.DuplicateDetectionWindow));
    }

    [Theory]
    [InlineData("sb-linecon-abc", "https://sb-linecon-abc.servicebus.windows.net/")]
    [InlineData("sb-linecon-abc.servicebus.windows.net", "https://sb-linecon-abc.servicebus.windows.net/")]
    [InlineData("https://sb-linecon-abc.servicebus.chinacloudapi.cn/", "https://sb-linecon-abc.servicebus.chinacloudapi.cn/")]
    public void A_namespace_is_given_by_name_or_host_name(string given, string endpoint)
    {
        DeadLettersCommand.NamespaceEndpoint(given).Should().Be(new Uri(endpoint));
    }

    [Fact]
    public async Task The_client_reaches_the_namespace_over_AMQP_on_port_443()
    {
        await using var client = DeadLettersCommand.Client("sb-linecon-abc");

        client.FullyQualifiedNamespace.Should().Be("sb-linecon-abc.servicebus.windows.net");
        client.TransportType.Should().Be(Azure.Messaging.ServiceBus.ServiceBusTransportType.AmqpWebSockets);
    }

    [Theory]
    [InlineData("--namespace", "sb-x", "--queue", "line-elsewhere")]
    [InlineData("--queue", "line-inbound")]
    [InlineData("--namespace", "sb-x", "--queue", "line-inbound", "--max", "0")]
    public void The_command_refuses_bad_options(params string[] options)
    {
        var parse = DeadLettersCommand.Create().Parse(["replay", .. options]);

        parse.Errors.Should().NotBeEmpty();
    }
}
