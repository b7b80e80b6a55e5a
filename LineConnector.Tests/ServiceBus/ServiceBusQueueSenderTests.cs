using System.Diagnostics;
using System.Text;
using Azure.Messaging.ServiceBus;
using LineConnector.Core.Queueing;
using LineConnector.Functions.ServiceBus;
using LineConnector.Tests.Support;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace LineConnector.Tests.ServiceBus;

/// <summary>
/// The Service Bus sender against the SDK's mockable client and sender, with batches from
/// <see cref="ServiceBusModelFactory"/> that hold at most <see cref="Capacity"/> bytes of bodies.
/// </summary>
public sealed class ServiceBusQueueSenderTests
{
    private const int Capacity = 250;

    private readonly ServiceBusClient _client = Substitute.For<ServiceBusClient>();
    private readonly ServiceBusSender _sender = Substitute.For<ServiceBusSender>();
    private readonly Dictionary<ServiceBusMessageBatch, List<ServiceBusMessage>> _batches = [];

    public ServiceBusQueueSenderTests()
    {
        _client.CreateSender(Arg.Any<string>()).Returns(_sender);
        _sender.CreateMessageBatchAsync(Arg.Any<CancellationToken>()).Returns(_ =>
        {
            var store = new List<ServiceBusMessage>();
            var batch = ServiceBusModelFactory.ServiceBusMessageBatch(
                Capacity,
                store,
                new CreateMessageBatchOptions { MaxSizeInBytes = Capacity },
                message => store.Sum(m => m.Body.ToMemory().Length) + message.Body.ToMemory().Length <= Capacity);
            _batches[batch] = store;
            return new ValueTask<ServiceBusMessageBatch>(batch);
        });
    }

    /// <summary>The batches sent, in order, as the message ids each held.</summary>
    private List<string[]> Sent() =>
        _sender.ReceivedCalls()
            .Where(c => c.GetMethodInfo().Name == nameof(ServiceBusSender.SendMessagesAsync))
            .Select(c => _batches[(ServiceBusMessageBatch)c.GetArguments()[0]!].Select(m => m.MessageId).ToArray())
            .ToList();

    private List<ServiceBusMessage> SentMessages() =>
        _sender.ReceivedCalls()
            .Where(c => c.GetMethodInfo().Name == nameof(ServiceBusSender.SendMessagesAsync))
            .SelectMany(c => _batches[(ServiceBusMessageBatch)c.GetArguments()[0]!])
            .ToList();

    private static QueueMessage Message(string id, string session, int bodyBytes = 20) =>
        new(id, session, Encoding.UTF8.GetBytes("\"" + new string('x', bodyBytes - 2) + "\""));

    [Fact]
    public async Task A_webhooks_messages_go_in_one_batch_with_their_session_message_id_content_type_and_schedule()
    {
        var at = new DateTimeOffset(2026, 11, 21, 18, 1, 30, TimeSpan.FromHours(9));
        var body = """{"x":"é\"1"}"""u8.ToArray();

        await new ServiceBusQueueSender(_client).SendAsync(
            QueueNames.Inbound,
            [new QueueMessage("01A", "shop:U1", body), Message("check", "shop:U2") with { ScheduledEnqueueTime = at }],
            CancellationToken.None);

        _client.Received(1).CreateSender(QueueNames.Inbound);
        Sent().Should().ContainSingle().Which.Should().Equal("01A", "check");
        var (first, second) = (SentMessages()[0], SentMessages()[1]);
        first.Body.ToArray().Should().Equal(body);
        first.SessionId.Should().Be("shop:U1");
        first.ContentType.Should().Be("application/json");
        first.ScheduledEnqueueTime.Should().Be(default, "a message without a schedule is delivered at once");
        second.SessionId.Should().Be("shop:U2");
        second.ScheduledEnqueueTime.Should().Be(at);
        second.ScheduledEnqueueTime.Offset.Should().Be(TimeSpan.Zero, "the SDK takes the time in UTC");
    }

    [Fact]
    public async Task When_a_batch_is_full_it_is_sent_and_the_next_one_started_keeping_the_order()
    {
        var messages = Enumerable.Range(0, 7).Select(i => Message($"m{i}", "s", bodyBytes: 100)).ToList();

        await new ServiceBusQueueSender(_client).SendAsync(QueueNames.Inbound, messages, CancellationToken.None);

        var sent = Sent();
        sent.Should().HaveCount(4).And.OnlyContain(batch => batch.Length <= 2);
        sent.SelectMany(ids => ids).Should().Equal(messages.Select(m => m.MessageId));
    }

    [Fact]
    public async Task A_message_too_large_for_a_batch_of_its_own_is_a_clear_error_and_is_not_sent()
    {
        var send = () => new ServiceBusQueueSender(_client).SendAsync(QueueNames.Inbound, [Message("huge", "s", bodyBytes: Capacity + 1)], CancellationToken.None);

        var error = (await send.Should().ThrowAsync<ServiceBusException>()).Which;
        error.Reason.Should().Be(ServiceBusFailureReason.MessageSizeExceeded);
        error.EntityPath.Should().Be(QueueNames.Inbound);
        error.Message.Should().Contain("huge").And.Contain($"'{QueueNames.Inbound}'").And.Contain($"{Capacity + 1} bytes").And.Contain($"at most {Capacity} bytes");
        Sent().Should().BeEmpty();
    }

    [Fact]
    public async Task A_message_too_large_after_others_fails_the_call_once_the_full_batch_before_it_is_sent()
    {
        var send = () => new ServiceBusQueueSender(_client).SendAsync(
            QueueNames.Inbound,
            [Message("a", "s", bodyBytes: 200), Message("huge", "s", bodyBytes: Capacity + 1), Message("b", "s")],
            CancellationToken.None);

        (await send.Should().ThrowAsync<ServiceBusException>()).Which.Reason.Should().Be(ServiceBusFailureReason.MessageSizeExceeded);
        Sent().Should().ContainSingle().Which.Should().Equal("a");
    }

    [Fact]
    public async Task A_failed_send_fails_the_call()
    {
        _sender.SendMessagesAsync(Arg.Any<ServiceBusMessageBatch>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new ServiceBusException("The namespace is busy (test).", ServiceBusFailureReason.ServiceBusy));

        var send = () => new ServiceBusQueueSender(_client).SendAsync(QueueNames.Outbound, [Message("a", "s")], CancellationToken.None);

        (await send.Should().ThrowAsync<ServiceBusException>()).Which.IsTransient.Should().BeTrue();
    }

    [Fact]
    public async Task Each_queue_gets_one_sender_for_the_life_of_the_app()
    {
        var queue = new ServiceBusQueueSender(_client);

        await queue.SendAsync(QueueNames.Inbound, [Message("a", "s")], CancellationToken.None);
        await queue.SendAsync(QueueNames.Inbound, [Message("b", "s")], CancellationToken.None);
        await queue.SendAsync(QueueNames.Outbound, [Message("c", "s")], CancellationToken.None);
        await queue.SendAsync(QueueNames.Inbound, [], CancellationToken.None);

        _client.Received(1).CreateSender(QueueNames.Inbound);
        _client.Received(1).CreateSender(QueueNames.Outbound);
        Sent().Should().HaveCount(3, "an empty call sends nothing");
    }

    [Fact]
    public async Task Each_message_carries_the_trace_context_of_the_send_in_its_application_properties()
    {
        using var spans = new ConnectorSpans();
        var traced = Message("a", "s") with { ApplicationProperties = new Dictionary<string, string> { ["kept"] = "yes", [QueueTracing.TraceParentProperty] = "stale" } };

        await new ServiceBusQueueSender(_client).SendAsync(QueueNames.Inbound, [traced, Message("b", "s")], CancellationToken.None);

        var send = spans.Single($"send {QueueNames.Inbound}");
        send.Kind.Should().Be(ActivityKind.Producer);
        send.ParentSpanId.Should().Be(spans.Root.SpanId);
        send.GetTagItem("messaging.system").Should().Be("servicebus");
        send.GetTagItem("messaging.batch.message_count").Should().Be(2);
        SentMessages().Should().HaveCount(2).And.OnlyContain(m => (string)m.ApplicationProperties[QueueTracing.TraceParentProperty] == send.Id);
        SentMessages()[0].ApplicationProperties["kept"].Should().Be("yes");
    }
}
