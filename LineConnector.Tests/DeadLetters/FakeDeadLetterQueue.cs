using Azure.Messaging.ServiceBus;
using NSubstitute;

namespace LineConnector.Tests.DeadLetters;

/// <summary>
/// A queue and its dead-letter sub-queue behind the SDK's mockable <see cref="ServiceBusClient"/>, with
/// messages from <see cref="ServiceBusModelFactory"/>. Receiving peek-locks the first unlocked message
/// (null when none is left), completing removes it, abandoning unlocks it, as Service Bus does.
/// </summary>
internal sealed class FakeDeadLetterQueue
{
    private readonly List<ServiceBusReceivedMessage> _deadLetters = [];
    private readonly HashSet<Guid> _locked = [];
    private long _nextSequenceNumber = 1;

    public FakeDeadLetterQueue(string queue)
    {
        Queue = queue;
        Client.CreateReceiver(queue, Arg.Any<ServiceBusReceiverOptions>()).Returns(call =>
        {
            ReceiverOptions.Add(call.Arg<ServiceBusReceiverOptions>());
            return Receiver;
        });
        Client.CreateSender(queue).Returns(Sender);
        Receiver.ReceiveMessageAsync(Arg.Any<TimeSpan?>(), Arg.Any<CancellationToken>()).Returns(_ =>
        {
            var next = _deadLetters.FirstOrDefault(m => !_locked.Contains(m.LockTokenGuid()));
            if (next is not null)
            {
                _locked.Add(next.LockTokenGuid());
            }

            return Task.FromResult(next);
        });
        Receiver.CompleteMessageAsync(Arg.Any<ServiceBusReceivedMessage>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var message = Locked(call.Arg<ServiceBusReceivedMessage>());
            _deadLetters.Remove(message);
            _locked.Remove(message.LockTokenGuid());
            return Task.CompletedTask;
        });
        Receiver.AbandonMessageAsync(Arg.Any<ServiceBusReceivedMessage>(), Arg.Any<IDictionary<string, object>>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            _locked.Remove(Locked(call.Arg<ServiceBusReceivedMessage>()).LockTokenGuid());
            return Task.CompletedTask;
        });
        Sender.SendMessageAsync(Arg.Any<ServiceBusMessage>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            if (SendFailure is { } failure)
            {
                return Task.FromException(failure);
            }

            Sent.Add(call.Arg<ServiceBusMessage>());
            return Task.CompletedTask;
        });
    }

    public string Queue { get; }

    public ServiceBusClient Client { get; } = Substitute.For<ServiceBusClient>();

    public ServiceBusReceiver Receiver { get; } = Substitute.For<ServiceBusReceiver>();

    public ServiceBusSender Sender { get; } = Substitute.For<ServiceBusSender>();

    public List<ServiceBusReceiverOptions> ReceiverOptions { get; } = [];

    /// <summary>Messages sent to the queue.</summary>
    public List<ServiceBusMessage> Sent { get; } = [];

    /// <summary>What sends fail with, when set.</summary>
    public Exception? SendFailure { get; set; }

    /// <summary>The dead-letter queue's messages, oldest first, with whether each is locked.</summary>
    public IReadOnlyList<(string MessageId, bool Locked)> DeadLetters =>
        _deadLetters.Select(m => (m.MessageId, _locked.Contains(m.LockTokenGuid()))).ToList();

    public void DeadLetter(string messageId, string sessionId, DateTimeOffset enqueuedTime, string body, IDictionary<string, object>? properties = null)
    {
        var all = new Dictionary<string, object>(properties ?? new Dictionary<string, object>())
        {
            ["DeadLetterReason"] = "MaxDeliveryCountExceeded",
            ["DeadLetterErrorDescription"] = "Message could not be consumed after 10 delivery attempts.",
        };
        _deadLetters.Add(ServiceBusModelFactory.ServiceBusReceivedMessage(
            body: BinaryData.FromString(body),
            messageId: messageId,
            sessionId: sessionId,
            contentType: "application/json",
            properties: all,
            lockTokenGuid: Guid.NewGuid(),
            deliveryCount: 10,
            sequenceNumber: _nextSequenceNumber++,
            enqueuedTime: enqueuedTime));
    }

    private ServiceBusReceivedMessage Locked(ServiceBusReceivedMessage message)
    {
        _locked.Should().Contain(message.LockTokenGuid(), "a message is settled only while this receiver holds its lock");
        return _deadLetters.Single(m => m.LockTokenGuid() == message.LockTokenGuid());
    }
}

internal static class ReceivedMessageLocks
{
    public static Guid LockTokenGuid(this ServiceBusReceivedMessage message) => Guid.Parse(message.LockToken);
}
