using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace LineConnector.Cli.DeadLetters;

/// <summary>
/// Reads a queue's dead-letter queue and sends messages back to the queue, through the Service Bus
/// REST API on an Azure.Core pipeline with a Microsoft Entra token (the namespace has SAS keys off).
/// Peek-lock, send, delete and unlock: "Peek-Lock Message", "Send Message", "Delete Message",
/// "Unlock Message". Failures throw <see cref="RequestFailedException"/> with the status and a code.
/// </summary>
public sealed class DeadLetterQueueClient
{
    public const string Scope = "https://servicebus.azure.net/.default";
    private const string DeadLetterQueue = "$DeadLetterQueue";

    private readonly Uri _endpoint;
    private readonly HttpPipeline _pipeline;

    /// <param name="endpoint">The namespace, e.g. <c>https://contoso.servicebus.windows.net/</c>.</param>
    public DeadLetterQueueClient(Uri endpoint, TokenCredential credential, DeadLetterQueueClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credential);
        _endpoint = endpoint;
        _pipeline = HttpPipelineBuilder.Build(options ?? new DeadLetterQueueClientOptions(), new BearerTokenAuthenticationPolicy(credential, Scope));
    }

    /// <summary>Locks the oldest dead-lettered message of <paramref name="queue"/>; null when there is none.</summary>
    public async Task<DeadLetterMessage?> LockNextAsync(string queue, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Post, queue, $"/{DeadLetterQueue}/messages/head");
        message.Request.Uri.AppendQuery("timeout", "5");
        message.Request.Content = RequestContent.Create(ReadOnlyMemory<byte>.Empty);
        await _pipeline.SendAsync(message, cancellationToken);
        var response = message.Response;
        if (response.Status == 204)
        {
            return null;
        }

        if (response.Status != 201)
        {
            throw Failure(response, queue, "lock a dead-lettered message of");
        }

        if (!response.Headers.TryGetValue("BrokerProperties", out var header)
            || JsonSerializer.Deserialize(header, BrokerPropertiesJsonContext.Default.ReceivedBrokerProperties) is not { } properties
            || string.IsNullOrEmpty(properties.LockToken))
        {
            throw new RequestFailedException(response.Status, $"Service Bus answered without the message's BrokerProperties for the dead-letter queue of '{queue}'.", "MissingBrokerProperties", innerException: null);
        }

        if (string.IsNullOrEmpty(properties.MessageId) || string.IsNullOrEmpty(properties.SessionId))
        {
            throw new RequestFailedException(response.Status, $"Dead-lettered message {properties.SequenceNumber} of '{queue}' has no MessageId or SessionId; the connector's queues require both.", "MissingMessageIds", innerException: null);
        }

        if (!DateTimeOffset.TryParse(properties.EnqueuedTimeUtc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var enqueuedTime))
        {
            throw new RequestFailedException(response.Status, $"Dead-lettered message {properties.MessageId} of '{queue}' has no readable EnqueuedTimeUtc ('{properties.EnqueuedTimeUtc}').", "MissingEnqueuedTime", innerException: null);
        }

        return new DeadLetterMessage(
            properties.MessageId,
            properties.SessionId,
            properties.SequenceNumber,
            properties.LockToken,
            enqueuedTime,
            properties.DeliveryCount,
            response.Headers.TryGetValue("DeadLetterReason", out var reason) ? reason.Trim('"') : null,
            response.Headers.ContentType ?? "application/json",
            response.Content.ToMemory());
    }

    /// <summary>Sends a copy of the message to <paramref name="queue"/> with its MessageId and SessionId.</summary>
    public async Task SendAsync(string queue, DeadLetterMessage deadLetter, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Post, queue, "/messages");
        message.Request.Headers.Add("BrokerProperties", JsonSerializer.Serialize(new SentBrokerProperties(deadLetter.MessageId, deadLetter.SessionId), BrokerPropertiesJsonContext.Default.SentBrokerProperties));
        message.Request.Headers.Add(HttpHeader.Names.ContentType, deadLetter.ContentType);
        message.Request.Content = RequestContent.Create(deadLetter.Body);
        await _pipeline.SendAsync(message, cancellationToken);
        if (message.Response.Status != 201)
        {
            throw Failure(message.Response, queue, "send to");
        }
    }

    /// <summary>Deletes the locked message from the dead-letter queue.</summary>
    public Task CompleteAsync(string queue, DeadLetterMessage deadLetter, CancellationToken cancellationToken) =>
        SettleAsync(RequestMethod.Delete, queue, deadLetter, "delete a dead-lettered message of", cancellationToken);

    /// <summary>Releases the lock: the message stays in the dead-letter queue.</summary>
    public Task AbandonAsync(string queue, DeadLetterMessage deadLetter, CancellationToken cancellationToken) =>
        SettleAsync(RequestMethod.Put, queue, deadLetter, "unlock a dead-lettered message of", cancellationToken);

    private async Task SettleAsync(RequestMethod method, string queue, DeadLetterMessage deadLetter, string action, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(method, queue, $"/{DeadLetterQueue}/messages/{deadLetter.SequenceNumber.ToString(CultureInfo.InvariantCulture)}/{Uri.EscapeDataString(deadLetter.LockToken)}");
        message.Request.Content = RequestContent.Create(ReadOnlyMemory<byte>.Empty);
        await _pipeline.SendAsync(message, cancellationToken);
        if (message.Response.Status != 200)
        {
            throw Failure(message.Response, queue, action);
        }
    }

    private HttpMessage CreateMessage(RequestMethod method, string queue, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        var message = _pipeline.CreateMessage();
        message.Request.Method = method;
        message.Request.Uri.Reset(_endpoint);
        message.Request.Uri.AppendPath(queue, escape: true);
        message.Request.Uri.AppendPath(path, escape: false);
        return message;
    }

    private static RequestFailedException Failure(Response response, string queue, string action)
    {
        var (code, hint) = response.Status switch
        {
            401 => ("Unauthorized", "Sign in (az login) as a principal of the namespace's tenant."),
            403 => ("Forbidden", "The signed-in principal needs Azure Service Bus Data Receiver and Data Sender on the queue."),
            404 or 410 => ("QueueNotFound", "The namespace has no such queue."),
            _ => ($"Http{response.Status}", ""),
        };
        return new RequestFailedException(response.Status, $"Could not {action} queue '{queue}': HTTP {response.Status} {response.ReasonPhrase}. {hint}".TrimEnd(), code, innerException: null);
    }
}
